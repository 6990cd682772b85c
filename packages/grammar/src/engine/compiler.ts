/**
 * `GrammarCompiler`: one per vocabulary. Holds the token trie and compiles
 * grammars into `CompiledGrammar`s, cached by a canonical key of the grammar.
 */
import { ArgumentError, CompileError, TokenTrie, type Limits, type Vocabulary } from "@formwork/core";
import type { Grammar } from "../ir.js";
import { Automaton } from "./automaton.js";
import { CompiledGrammar } from "./compiled-grammar.js";
import { grammarKey, sameGrammarKey, type GrammarKey } from "./grammar-key.js";
import { checkLeftRecursion } from "./nfa-analysis.js";
import { RuleBuilder, type BuildCaches } from "./nfa-build.js";
import { Nfa } from "./nfa.js";
import { ruleFacts } from "./rule-facts.js";
import { engineOptionsFromLimits, regexLimitsOf, resolveEngineOptions, type EngineOptions, type ResolvedEngineOptions } from "./options.js";
import { checkGrammarLimits } from "../limits.js";
import { calledRules, checkedRuleGraph, ruleGraph } from "./rule-graph.js";
import { nullableRules } from "../analyze.js";
import { eliminateRightLinear, nativeRightLinearGroups } from "./right-linear.js";
import { precomputeSliceTables } from "./slice.js";

/**
 * Compiles grammars for one vocabulary. `compile` returns the same
 * `CompiledGrammar` for the same grammar (rules and root) again, while it is
 * among the `cacheSize` most recently used (default 16; each holds its
 * automaton and the token-mask cache filled so far, from a few KB to ~100 MB
 * for the largest schemas, so an unbounded cache would grow without limit in
 * a long-running process).
 */
export class GrammarCompiler {
  readonly vocabulary: Vocabulary;
  readonly trie: TokenTrie;
  readonly options: ResolvedEngineOptions;
  /** Least recently used first (a few entries: a scan comparing hashes is cheaper than a map of key strings). */
  private readonly cache: { key: GrammarKey; compiled: CompiledGrammar }[] = [];
  private readonly cacheSize: number;
  private readonly variants = new Map<string, GrammarCompiler>();

  /**
   * Builds (or takes) the vocabulary's token trie. With `precomputeSlices`
   * (default true) it also builds the JSON-string token slice and the trie's
   * length tables now (a few passes over the trie, a few ms at 151k tokens)
   * so that no grammar's first mask pays for them.
   */
  constructor(vocabulary: Vocabulary, options: EngineOptions & { precomputeSlices?: boolean; cacheSize?: number } = {}, trie?: TokenTrie) {
    this.vocabulary = vocabulary;
    this.trie = trie ?? new TokenTrie(vocabulary);
    const { precomputeSlices = true, cacheSize = 16, ...rest } = options;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) {
      throw new ArgumentError("bad-option", `cacheSize must be a non-negative integer, got ${cacheSize}`, { hint: "Pass the number of compiled grammars to keep, e.g. 16 (0 keeps none)." });
    }
    this.cacheSize = cacheSize;
    this.options = resolveEngineOptions(rest);
    if (precomputeSlices) precomputeSliceTables(this.trie);
  }

  /**
   * Compiles `grammar` (or returns the cached result). Throws `CompileError`
   * (`missing-root`, `undefined-rule`, `empty-language`, `left-recursion`),
   * `LimitError` (`max-depth`, `max-rules`, `max-nfa-states`, `max-dfa-states`), or what
   * `@formwork/regex`'s `compileRegex` throws for a `regex` node's pattern. Called rules other
   * than the root are built when first needed, so `max-nfa-states` can also come from what
   * builds one later (a mask, `acceptToken`, `materialize`).
   */
  compile(grammar: Grammar): CompiledGrammar {
    // `compileGrammar` does not check again.
    if (this.cacheSize === 0) {
      checkGrammarLimits(grammar, this.options, LIMITS_OPTION);
      return compileChecked(grammar, this.trie, this.options, performance.now());
    }
    // The key's walk checks the depth on the way (stopping at the limit): `checkGrammarLimits`
    // walks the grammar again only to report a node too deep, or too many rules.
    const key = grammar.rules.size > this.options.maxRules ? null : grammarKey(grammar, this.options.maxDepth);
    if (key === null) {
      checkGrammarLimits(grammar, this.options, LIMITS_OPTION);
      throw new Error("internal: the grammar key found a node deeper than maxDepth, checkGrammarLimits none");
    }
    const cache = this.cache;
    for (let i = cache.length - 1; i >= 0; i--) {
      if (!sameGrammarKey(cache[i].key, key)) continue;
      // Most recently used last.
      const hit = cache[i];
      cache.splice(i, 1);
      cache.push(hit);
      return hit.compiled;
    }
    const compiled = compileChecked(grammar, this.trie, this.options, performance.now());
    cache.push({ key, compiled });
    if (cache.length > this.cacheSize) cache.splice(0, cache.length - this.cacheSize);
    return compiled;
  }

  /**
   * A compiler over the same vocabulary and token trie whose engine options
   * are this one's with the engine limits in `limits` set
   * (`engineOptionsFromLimits`: `maxNfaStates`, `maxDfaStates`,
   * `maxStackDepth`, `maxConfigurations`, `maxRules`, a higher `maxDepth`):
   * this compiler when they change nothing; otherwise one kept per distinct
   * set (the 4 most recent), each with its own cache.
   */
  withLimits(limits: Partial<Limits> | undefined): GrammarCompiler {
    const given = engineOptionsFromLimits(limits);
    const changed = (Object.keys(given) as (keyof EngineOptions)[]).filter((k) => given[k] !== this.options[k]);
    if (changed.length === 0) return this;
    const options = { ...this.options, ...given };
    const key = JSON.stringify(options, (_k, v) => (v === Infinity ? "Infinity" : v));
    let c = this.variants.get(key);
    if (c === undefined) {
      c = new GrammarCompiler(this.vocabulary, { ...options, precomputeSlices: false, cacheSize: this.cacheSize }, this.trie);
      this.variants.set(key, c);
      if (this.variants.size > 4) this.variants.delete(this.variants.keys().next().value!);
    }
    return c;
  }

  /** Number of grammars in the cache. */
  get cachedGrammars(): number {
    return this.cache.length;
  }
}

const LIMITS_OPTION = "the option limits: { maxDepth: N } or { maxRules: N } (or the GrammarCompiler option of that name)";

/** Compiles without caching (see `GrammarCompiler.compile`). */
export function compileGrammar(input: Grammar, trie: TokenTrie, options: ResolvedEngineOptions): CompiledGrammar {
  const t0 = performance.now();
  // The passes below recurse once per level of nesting: bound it first.
  checkGrammarLimits(input, options, LIMITS_OPTION);
  return compileChecked(input, trie, options, t0);
}

/** `compileGrammar` once the limits are checked; `t0` is when the compile began. */
function compileChecked(input: Grammar, trie: TokenTrie, options: ResolvedEngineOptions, t0: number): CompiledGrammar {
  // References checked and collected in one walk.
  const inputGraph = checkedRuleGraph(input);
  const regexLimits = regexLimitsOf(options);
  // Solving keeps every rule's language: one nullable set serves both passes (computed only if asked).
  let nullable: Set<string> | undefined;
  const nullableOf = () => (nullable ??= nullableRules(input, regexLimits, inputGraph.refs));
  // Right-linear recursion (one rule per DFA state) becomes repetition: inlined, no stack frames.
  const grammar = eliminateRightLinear(input, inputGraph, regexLimits, nullableOf);
  const graph = grammar === input ? inputGraph : ruleGraph(grammar, { grammar: input, graph: inputGraph });
  // Right-linear groups too big to solve: built in place by the NFA builder, not called.
  const native = nativeRightLinearGroups(grammar, graph, regexLimits, nullableOf);
  const called = calledRules(grammar, options.inlineLimit, graph, native);
  // Root first: rule index 0 is the start.
  // Callers before callees (the reverse of the components' order): most call edges then go to higher
  // NFA states, which the shortest-completion sweeps settle in one pass.
  const names = [grammar.root];
  for (let i = graph.components.length - 1; i >= 0; i--) for (const n of graph.components[i]) if (n !== grammar.root && called.has(n)) names.push(n);
  if (names.length < called.size) {
    const listed = new Set(names);
    for (const n of called) if (!listed.has(n)) names.push(n);
  }
  // Rule lengths, byte classes and the left-recursion pre-check from the IR: the called rules' NFAs
  // are built when first needed (the automaton: when a state that calls one is expanded).
  const caches: BuildCaches = { literalBytes: new Map(), classTemplates: new Map() };
  const facts = ruleFacts(grammar, graph, names, options, caches);
  const nfa = new Nfa(options.maxNfaStates);
  nfa.setClasses(facts.classOf, facts.classLo, facts.classHi);
  // Copies of counted repetitions further apart than the longest token read alike (token-cache sharing).
  nfa.clampDepth = trie.maxDepth + 1;
  const rules = new RuleBuilder(grammar, names, options, native, nfa, facts.ruleMin, caches);
  rules.build(0);
  if (facts.ruleMin[0] === Infinity) {
    throw new CompileError("empty-language", `the start rule "${names[0]}" matches no string at all (every path runs into a rule that never finishes)`, {
      hint: "Give every recursive rule an alternative that ends without recursing.",
    });
  }
  if (facts.maybeLeftRecursive) {
    // The exact check reads every rule's NFA: build them all now (and so report a limit now too).
    rules.buildAll();
    checkLeftRecursion(nfa, rules.starts, facts.ruleMin, names);
  }
  const counters = nfa.ctrBody.length;
  // The rule automata are built lazily, from the root's start, as matchers and token walks reach states.
  const automaton = new Automaton(rules, facts.rootReferenced, facts.irFollow, options);
  return new CompiledGrammar(automaton, trie, options, {
    compileMs: performance.now() - t0,
    nfaStates: nfa.baseCount,
    counters,
    byteClasses: automaton.nClasses,
    calledRules: names,
  });
}
