/**
 * A grammar compiled for one vocabulary: the rule automata, their analysis,
 * and the lazily filled token-mask cache. Immutable apart from that cache
 * (a memo); shared by every sequence that uses the grammar.
 */
import type { TokenTrie, Vocabulary } from "@formwork/core";
import type { Automaton } from "./automaton.js";
import { GrammarMatcher } from "./matcher.js";
import type { ResolvedEngineOptions } from "./options.js";
import { StackPool } from "./stack-pool.js";
import { entryBytes, TokenWalker, type TokenCacheEntry } from "./token-cache.js";

/** Size and timing facts about a compiled grammar, for benchmarks and logs. */
export interface CompiledGrammarStats {
  /** Milliseconds `compile` took (0 when it came from the compiler's cache). */
  compileMs: number;
  nfaStates: number;
  /** DFA states before minimisation. */
  subsetStates: number;
  /** DFA states after trimming (and minimisation when asked for). */
  dfaStates: number;
  /** Whether the states were minimised. */
  minimized: boolean;
  byteClasses: number;
  /** Rules with their own automaton (recursive or big), root included. */
  calledRules: readonly string[];
}

/** A grammar compiled against a vocabulary; create matchers from it. */
export class CompiledGrammar {
  readonly automaton: Automaton;
  readonly vocabulary: Vocabulary;
  readonly trie: TokenTrie;
  readonly options: ResolvedEngineOptions;
  readonly stats: CompiledGrammarStats;
  private readonly cache: (TokenCacheEntry | undefined)[];
  private cacheBytes = 0;
  private cacheFills = 0;
  private walker: TokenWalker | null = null;

  constructor(automaton: Automaton, trie: TokenTrie, options: ResolvedEngineOptions, stats: CompiledGrammarStats) {
    this.automaton = automaton;
    this.trie = trie;
    this.vocabulary = trie.vocabulary;
    this.options = options;
    this.stats = stats;
    this.cache = new Array(automaton.stateCount);
  }

  /** A new matcher at the start of the grammar. */
  createMatcher(): GrammarMatcher {
    return new GrammarMatcher(this);
  }

  /** The token classification of automaton state `q`, computed on first use. */
  cacheEntry(q: number): TokenCacheEntry {
    let e = this.cache[q];
    if (e === undefined) {
      // The walks use a stack pool of their own, holding rule-local frames only.
      this.walker ??= new TokenWalker(
        { a: this.automaton, pool: new StackPool(this.automaton.minBytes), maxStackDepth: this.options.maxStackDepth, maxConfigurations: this.options.maxConfigurations },
        this.trie,
        this.vocabulary.size,
      );
      e = this.walker.build(q);
      this.cache[q] = e;
      this.cacheBytes += entryBytes(e);
      this.cacheFills++;
    }
    return e;
  }

  /**
   * Fills the cache of every state now (what the first masks would do
   * lazily); costs one trie walk per state. Returns the milliseconds spent.
   */
  warmUp(): number {
    const t0 = performance.now();
    const a = this.automaton;
    for (let q = 0; q < a.stateCount; q++) if (a.hasBytes[q] || a.callStart[q + 1] > a.callStart[q]) this.cacheEntry(q);
    return performance.now() - t0;
  }

  /** Memory held: automaton tables and the token cache so far. */
  memory(): { automatonBytes: number; cacheBytes: number; cachedStates: number } {
    const a = this.automaton;
    const automatonBytes =
      a.trans.byteLength + a.accepting.byteLength + a.callStart.byteLength + a.callRule.byteLength + a.callRet.byteLength +
      a.ruleOf.byteLength + a.minBytes.byteLength + a.bestMove.byteLength + a.hasBytes.byteLength + a.escapes.byteLength + a.escapeFirst.byteLength +
      a.runStart.byteLength + a.runLo.byteLength + a.runHi.byteLength + a.runTo.byteLength;
    return { automatonBytes, cacheBytes: this.cacheBytes, cachedStates: this.cacheFills };
  }
}
