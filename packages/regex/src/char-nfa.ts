/**
 * Thompson construction from the lowered AST to an NFA over characters
 * (code points, or UTF-16 code units in legacy mode), with three kinds of
 * ε-like edges: plain, `^` (only at position 0) and `$` (only at the end).
 */
import type { CharSet } from "./char-set.js";
import type { RegexAst } from "./ast.js";
import { regexLimitError } from "./limit-advice.js";

/** A character NFA: edges per state, character sets interned by id. */
export interface CharNfa {
  readonly stateCount: number;
  readonly start: number;
  readonly final: number;
  /** Interned character sets; `sets[id]`. */
  readonly sets: readonly CharSet[];
  /** Per state: ε targets. */
  readonly eps: readonly (readonly number[])[];
  /** Per state: targets reachable only at the start of the input (`^`). */
  readonly bol: readonly (readonly number[])[];
  /** Per state: targets reachable only at the end of the input (`$`). */
  readonly eol: readonly (readonly number[])[];
  /** Per state: character edges as pairs `[setId, target, setId, target, ...]`. */
  readonly chars: readonly (readonly number[])[];
  /** The `Σ*` tail state of search mode (its language is every string), or -1. */
  readonly universal: number;
}

/** Builds the NFA for `root`, optionally wrapped in `Σ* … Σ*` (search) with `anyChar` as Σ. */
export function buildCharNfa(
  root: RegexAst,
  options: { maxNfaStates: number; prefixAny: boolean; suffixAny: boolean; anyChar: CharSet },
): CharNfa {
  const eps: number[][] = [];
  const bol: number[][] = [];
  const eol: number[][] = [];
  const chars: number[][] = [];
  const sets: CharSet[] = [];
  const setIds = new Map<string, number>();

  const newState = (): number => {
    if (eps.length >= options.maxNfaStates) {
      throw regexLimitError("maxNfaStates", options.maxNfaStates, `The regex needs more than ${options.maxNfaStates} NFA states, past the limit maxRegexNfaStates = ${options.maxNfaStates}`, "reduce counted repetitions such as {m,n} (each copy of the repeated part costs states)");
    }
    eps.push([]);
    bol.push([]);
    eol.push([]);
    chars.push([]);
    return eps.length - 1;
  };
  const intern = (s: CharSet): number => {
    const key = s.join(",");
    let id = setIds.get(key);
    if (id === undefined) {
      id = sets.length;
      sets.push(s);
      setIds.set(key, id);
    }
    return id;
  };

  // Builds `node` between existing states `from` and `to`.
  const build = (node: RegexAst, from: number, to: number): void => {
    switch (node.kind) {
      case "set":
        if (node.set.length > 0) chars[from].push(intern(node.set), to);
        return;
      case "bol":
        bol[from].push(to);
        return;
      case "eol":
        eol[from].push(to);
        return;
      case "alt":
        for (const item of node.items) build(item, from, to);
        return;
      case "seq": {
        if (node.items.length === 0) {
          eps[from].push(to);
          return;
        }
        let cur = from;
        node.items.forEach((item, i) => {
          const next = i === node.items.length - 1 ? to : newState();
          build(item, cur, next);
          cur = next;
        });
        return;
      }
      case "repeat": {
        let cur = from;
        for (let i = 0; i < node.min; i++) {
          const next = newState();
          build(node.item, cur, next);
          cur = next;
        }
        if (node.max === Infinity) {
          // Loop state: enter the item from it and come back to it.
          const loop = newState();
          eps[cur].push(loop);
          const back = newState();
          build(node.item, loop, back);
          eps[back].push(loop);
          eps[loop].push(to);
          return;
        }
        // x? nested: (x(x(x)?)?)? — every prefix point may exit to `to`.
        for (let i = node.min; i < node.max; i++) {
          eps[cur].push(to);
          const next = newState();
          build(node.item, cur, next);
          cur = next;
        }
        eps[cur].push(to);
        return;
      }
    }
  };

  const start = newState();
  const final = newState();
  let from = start;
  let to = final;
  let universal = -1;
  if (options.prefixAny) {
    const loop = newState();
    eps[start].push(loop);
    chars[loop].push(intern(options.anyChar), loop);
    from = loop;
  }
  if (options.suffixAny) {
    const loop = newState();
    eps[loop].push(final);
    chars[loop].push(intern(options.anyChar), loop);
    to = loop;
    universal = loop;
  }
  build(root, from, to);
  return { stateCount: eps.length, start, final, sets, eps, bol, eol, chars, universal };
}
