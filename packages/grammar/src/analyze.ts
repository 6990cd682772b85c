/**
 * Semantic checks on a grammar IR, shared by every front end: undefined
 * rules, a missing root, rules whose language is empty (they can never
 * finish), an empty root language, bad repetition bounds (errors); unused
 * rules (warnings); and left recursion ({@link findLeftRecursion}: reported,
 * not judged; the engine decides whether it supports it).
 */
import { CompileError, type ErrorCode, type Limits, type WarningCode } from "@formwork/core";
import { compileRegex } from "@formwork/regex";
import { regexLimitsKey } from "@formwork/regex/internal";
import { cyclicComponents } from "./cycles.js";
import type { Grammar, Node, SourceSpan } from "./ir.js";
import { effectiveRanges } from "./ir.js";
import { sourceError } from "./gbnf/source-error.js";

/** A problem that does not stop compilation (e.g. an unused rule). */
export interface GrammarWarning {
  /** Kebab-case code, e.g. `gbnf-unused-rule`. */
  code: WarningCode;
  message: string;
  /** The rule the warning is about. */
  rule?: string;
  span?: SourceSpan;
}

/** The result of {@link analyzeGrammar}. */
export interface GrammarAnalysis {
  /** Errors, in source order of discovery; the grammar is unusable when non-empty. */
  errors: CompileError[];
  warnings: GrammarWarning[];
  /** Groups of mutually left-recursive rules (see {@link findLeftRecursion}). */
  leftRecursion: string[][];
  /** Rules that can derive the empty string. */
  nullable: Set<string>;
  /** Rules whose language is not empty. */
  productive: Set<string>;
  /** Rules reachable from the root (including it). */
  reachable: Set<string>;
}

/** Options of {@link analyzeGrammar}. */
export interface AnalyzeOptions {
  /** Prefix of every error and warning code (default `"grammar"`; the GBNF front end uses `"gbnf"`). */
  codePrefix?: "grammar" | "gbnf";
}

/**
 * Calls `f` on every node of the tree under `node`, parents first and
 * children in order, with each node's depth (`node` itself at 1). Uses an
 * explicit stack: the depth of the tree costs no call stack.
 */
export function walkNodes(node: Node, f: (n: Node, depth: number) => void): void {
  const stack: Node[] = [node];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const d = depths.pop()!;
    f(n, d);
    switch (n.type) {
      case "seq":
      case "alt":
        for (let i = n.items.length - 1; i >= 0; i--) {
          stack.push(n.items[i]);
          depths.push(d + 1);
        }
        break;
      case "repeat":
      case "lexeme":
        stack.push(n.item);
        depths.push(d + 1);
        break;
      default:
        break;
    }
  }
}

/** Sweeps {@link ruleFixpoint} makes before it falls back to its worklist. */
const MAX_SWEEPS = 8;

/**
 * Least fixpoint of a boolean property over rules, given how a node's value
 * follows from its rules' values. First up to {@link MAX_SWEEPS} sweeps
 * over the rules (last to first, each rule until it gains the property),
 * stopping at a sweep that adds none: most grammars settle in a few, with no
 * users map to build and, without `refs`, no walk of every body for its
 * references (a walk that passes each subtree compaction shares by node once
 * per occurrence). Then a worklist that re-examines a rule only when a rule
 * it refers to gains the property. Linear in the grammar's size, whatever the
 * rule order.
 */
function ruleFixpoint(g: Grammar, eval_: (n: Node, has: Set<string>) => boolean, refs?: ReadonlyMap<string, readonly string[]>): Set<string> {
  const has = new Set<string>();
  const names = [...g.rules.keys()];
  const bodies = [...g.rules.values()];
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    const before = has.size;
    for (let i = names.length - 1; i >= 0; i--) if (!has.has(names[i]) && eval_(bodies[i], has)) has.add(names[i]);
    if (has.size === before || has.size === names.length) return has;
  }
  const users = new Map<string, string[]>();
  const use = (target: string, name: string): void => {
    const u = users.get(target);
    if (u === undefined) users.set(target, [name]);
    else if (u[u.length - 1] !== name) u.push(name);
  };
  if (refs !== undefined) {
    for (const name of g.rules.keys()) for (const t of refs.get(name)!) use(t, name);
  } else {
    // The references of each body in walkNodes' order (parents first, children in order), without its depths.
    const stack: Node[] = [];
    for (const [name, body] of g.rules) {
      stack.push(body);
      while (stack.length > 0) {
        const n = stack.pop()!;
        switch (n.type) {
          case "ref":
            use(n.name, name);
            break;
          case "seq":
          case "alt":
            for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
            break;
          case "repeat":
          case "lexeme":
            stack.push(n.item);
            break;
          default:
            break;
        }
      }
    }
  }
  const todo = [...g.rules.keys()];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (has.has(name) || !eval_(g.rules.get(name)!, has)) continue;
    has.add(name);
    for (const u of users.get(name) ?? []) if (!has.has(u)) todo.push(u);
  }
  return has;
}

/** Whether `node` can derive the empty string, given the set of nullable rules. */
export function isNullable(node: Node, nullable: ReadonlySet<string>, limits?: Partial<Limits>): boolean {
  switch (node.type) {
    case "literal":
      return node.value === "";
    case "class":
    case "any":
      return false;
    case "ref":
      return nullable.has(node.name);
    case "seq":
      return node.items.every((i) => isNullable(i, nullable, limits));
    case "alt":
      return node.items.some((i) => isNullable(i, nullable, limits));
    case "repeat":
      return node.min === 0 || isNullable(node.item, nullable, limits);
    case "regex":
      return regexFacts(node.pattern, node.flags, limits).nullable;
    case "automaton":
      return node.dfa.stateCount > 0 && node.dfa.accepting[0] === 1;
    case "lexeme":
      return isNullable(node.item, nullable, limits);
  }
}

const regexFactCache = new Map<string, { nullable: boolean; productive: boolean }>();

/**
 * Whether a regex node matches the empty string, and some string, as
 * `@formwork/regex` compiles it (what the engine runs). A pattern it refuses
 * counts as productive and not nullable: its compiler reports it. `limits`:
 * the regex limits the engine compiles it under (`maxRegexDfaStates`, ...),
 * so that a pattern refused by the defaults but compiled under raised limits
 * gets its true facts; they are in the cache key.
 */
function regexFacts(pattern: string, flags: string, limits: Partial<Limits> | undefined): { nullable: boolean; productive: boolean } {
  const options = limits === undefined ? undefined : { limits };
  const key = `${regexLimitsKey(options)}/${flags}/${pattern}`;
  let v = regexFactCache.get(key);
  if (v === undefined) {
    try {
      const dfa = compileRegex(pattern, { flags, mode: "whole", ...options });
      v = { nullable: dfa.stateCount > 0 && dfa.accepting[0] === 1, productive: dfa.stateCount > 0 };
    } catch {
      v = { nullable: false, productive: true };
    }
    if (regexFactCache.size > 1000) regexFactCache.clear();
    regexFactCache.set(key, v);
  }
  return v;
}

/** Whether `node`'s language is non-empty, given the set of productive rules. */
export function isProductive(node: Node, productive: ReadonlySet<string>, limits?: Partial<Limits>): boolean {
  switch (node.type) {
    case "literal":
    case "any":
      return true;
    case "regex":
      return regexFacts(node.pattern, node.flags, limits).productive;
    case "automaton":
      return node.dfa.stateCount > 0;
    case "class":
      return effectiveRanges(node).length > 0;
    case "ref":
      return productive.has(node.name);
    case "seq": {
      const items = node.items;
      for (let i = 0; i < items.length; i++) if (!isProductive(items[i], productive, limits)) return false;
      return true;
    }
    case "alt": {
      const items = node.items;
      for (let i = 0; i < items.length; i++) if (isProductive(items[i], productive, limits)) return true;
      return false;
    }
    case "repeat":
      return node.min === 0 || isProductive(node.item, productive, limits);
    case "lexeme":
      return isProductive(node.item, productive, limits);
  }
}

/**
 * The set of rules that can derive the empty string (`limits`: the regex limits `regex` nodes
 * compile under; `refs`: every rule's references, when the caller has them, e.g. the engine's
 * `RuleGraph`, saving a walk of the grammar).
 */
export function nullableRules(g: Grammar, limits?: Partial<Limits>, refs?: ReadonlyMap<string, readonly string[]>): Set<string> {
  return ruleFixpoint(g, (n, has) => isNullable(n, has, limits), refs);
}

/** The set of rules whose language is non-empty (`limits`: the regex limits `regex` nodes compile under). */
export function productiveRules(g: Grammar, limits?: Partial<Limits>): Set<string> {
  return ruleFixpoint(g, (n, has) => isProductive(n, has, limits));
}

/** The rules reachable from the root (undefined references are skipped). */
export function reachableRules(g: Grammar): Set<string> {
  const seen = new Set<string>();
  const todo = g.rules.has(g.root) ? [g.root] : [];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    walkNodes(g.rules.get(name)!, (n) => {
      if (n.type === "ref" && g.rules.has(n.name) && !seen.has(n.name)) todo.push(n.name);
    });
  }
  return seen;
}

/** Rules that can appear first (after a nullable prefix) in `node`. */
function leftRefs(node: Node, nullable: ReadonlySet<string>, out: Set<string>): void {
  switch (node.type) {
    case "ref":
      out.add(node.name);
      break;
    case "seq":
      for (const it of node.items) {
        leftRefs(it, nullable, out);
        if (!isNullable(it, nullable)) break;
      }
      break;
    case "alt":
      for (const it of node.items) leftRefs(it, nullable, out);
      break;
    case "repeat":
      if (node.max > 0) leftRefs(node.item, nullable, out);
      break;
    case "lexeme":
      leftRefs(node.item, nullable, out);
      break;
    default:
      break;
  }
}

/**
 * Finds left recursion: a rule that can derive, without consuming a
 * character, a string that starts with itself (`expr ::= expr "+" term`, or
 * through other rules and nullable prefixes). Returns the groups of
 * mutually left-recursive rules (strongly connected components of the
 * "can start with" graph that contain a cycle), each sorted by definition
 * order; empty when there is none.
 */
export function findLeftRecursion(g: Grammar): string[][] {
  const nullable = nullableRules(g);
  const names = [...g.rules.keys()];
  const edges = new Map<string, string[]>();
  for (const name of names) {
    const out = new Set<string>();
    leftRefs(g.rules.get(name)!, nullable, out);
    edges.set(name, [...out].filter((n) => g.rules.has(n)));
  }
  const order = new Map(names.map((n, i) => [n, i]));
  return cyclicComponents(names, (v) => edges.get(v)!).map((comp) => comp.sort((a, b) => order.get(a)! - order.get(b)!));
}

/**
 * Checks a grammar and returns its errors and warnings without throwing.
 * Errors: `<prefix>-no-root`, `<prefix>-undefined-rule`,
 * `<prefix>-bad-repetition`, `<prefix>-empty-language` (the root can never
 * finish), `<prefix>-rule-never-finishes` (a reachable rule whose language is
 * empty). Warnings: `<prefix>-unused-rule`.
 */
export function analyzeGrammar(g: Grammar, options: AnalyzeOptions = {}): GrammarAnalysis {
  const p = options.codePrefix ?? "grammar";
  const src = g.source;
  const errors: CompileError[] = [];
  const warnings: GrammarWarning[] = [];
  const at = (span: SourceSpan | undefined) => span ?? { start: 0, end: 0 };
  const err = (code: "no-root" | "undefined-rule" | "bad-repetition" | "empty-language" | "rule-never-finishes", message: string, span: SourceSpan | undefined, hint?: string) => {
    if (span) errors.push(sourceError(`${p}-${code}` satisfies ErrorCode, message, src, span.start, span.end, hint));
    else errors.push(new CompileError(`${p}-${code}` satisfies ErrorCode, message, { hint }));
  };

  if (!g.rules.has(g.root)) {
    const names = [...g.rules.keys()];
    err("no-root", `the grammar has no rule named "${g.root}" to start from`, src !== undefined ? { start: 0, end: 0 } : undefined,
      names.length === 0 ? "The grammar is empty; define a rule such as: root ::= \"yes\" | \"no\"." : `Define "${g.root} ::= ..." or choose one of the defined rules (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", ..." : ""}) as the root.`);
  }
  for (const [name, body] of g.rules) {
    walkNodes(body, (n) => {
      if (n.type === "ref" && !g.rules.has(n.name)) {
        err("undefined-rule", `the rule "${n.name}" (used in "${name}") is not defined`, n.span ?? g.ruleSpans?.get(name),
          `Define "${n.name} ::= ..." or fix the name (names are case-sensitive; letters, digits and dashes).`);
      }
      if (n.type === "repeat") {
        const okMin = Number.isInteger(n.min) && n.min >= 0;
        const okMax = n.max === Infinity || (Number.isInteger(n.max) && n.max >= n.min);
        if (!okMin || !okMax) err("bad-repetition", `the repetition {${n.min},${n.max}} in "${name}" is invalid`, n.span ?? g.ruleSpans?.get(name), "Bounds must be integers with 0 <= min <= max.");
      }
    });
  }
  const nullable = nullableRules(g);
  const productive = productiveRules(g);
  const reachable = reachableRules(g);
  // Emptiness is only meaningful once every reference resolves.
  const dead = errors.length > 0 ? [] : [...reachable].filter((r) => !productive.has(r));
  if (errors.length === 0 && g.rules.has(g.root) && !productive.has(g.root)) {
    const others = dead.filter((r) => r !== g.root);
    err("empty-language", `the root rule "${g.root}" can never finish: no text matches the grammar`, at(g.ruleSpans?.get(g.root)),
      `Every way through "${g.root}" needs a rule that recurses forever${others.length ? ` (${others.join(", ")})` : ""}; give each recursive rule a way out (an alternative without itself).`);
  }
  for (const r of dead) {
    if (r === g.root) continue;
    err("rule-never-finishes", `the rule "${r}" can never finish: its language is empty`, g.ruleSpans?.get(r),
      `Every alternative of "${r}" recurses forever or uses an empty class; add an alternative that ends, e.g. ${r} ::= "x" ${r} | "x".`);
  }
  for (const name of g.rules.keys()) {
    if (!reachable.has(name) && g.rules.has(g.root)) {
      warnings.push({ code: `${p}-unused-rule` satisfies WarningCode, message: `the rule "${name}" is never used (not reachable from "${g.root}")`, rule: name, span: g.ruleSpans?.get(name) });
    }
  }
  return { errors, warnings, leftRecursion: findLeftRecursion(g), nullable, productive, reachable };
}
