/**
 * A grammar compiled for one vocabulary: the rule automata, their analysis,
 * and the lazily filled token-mask cache. Immutable apart from that cache
 * (a memo); shared by every sequence that uses the grammar.
 */
import type { TokenTrie, Vocabulary } from "@formwork/core";
import type { Automaton } from "./automaton.js";
import { GrammarMatcher, type MatcherSource } from "./matcher.js";
import type { ResolvedEngineOptions } from "./options.js";
import { StackPool } from "./stack-pool.js";
import { entryBytes, TokenWalker, type TokenCacheEntry } from "./token-cache.js";

/** Size and timing facts about a compiled grammar, for benchmarks and logs. */
export interface CompiledGrammarStats {
  /** Milliseconds `compile` took (0 when it came from the compiler's cache). */
  compileMs: number;
  /**
   * NFA states built at compile: the root's (one body per counted repetition; copies are made
   * later, as reached), or every rule's when left recursion had to be checked; the other called
   * rules are built when first needed (`memory().nfaStates` counts what is built so far).
   */
  nfaStates: number;
  /** Counted repetitions built at compile (built once, copies instantiated lazily). */
  counters: number;
  byteClasses: number;
  /** Rules with their own automaton (recursive or big), root included. */
  calledRules: readonly string[];
}

/** A grammar compiled against a vocabulary; create matchers from it. */
export class CompiledGrammar implements MatcherSource {
  readonly automaton: Automaton;
  readonly vocabulary: Vocabulary;
  readonly trie: TokenTrie;
  readonly options: ResolvedEngineOptions;
  readonly stats: CompiledGrammarStats;
  /** Cache entries by `Automaton.cacheKey` (states that read alike share one). */
  private readonly cache: (TokenCacheEntry | undefined)[] = [];
  private cacheBytes = 0;
  private cacheFills = 0;
  private walker: TokenWalker | null = null;

  constructor(automaton: Automaton, trie: TokenTrie, options: ResolvedEngineOptions, stats: CompiledGrammarStats) {
    this.automaton = automaton;
    this.trie = trie;
    this.vocabulary = trie.vocabulary;
    this.options = options;
    this.stats = stats;
  }

  /** A new matcher at the start of the grammar. */
  createMatcher(): GrammarMatcher {
    return new GrammarMatcher(this);
  }

  /** The token classification of automaton state `q`, computed on first use. */
  cacheEntry(q: number): TokenCacheEntry {
    const key = this.automaton.cacheKey[q];
    let e = this.cache[key];
    if (e === undefined) {
      // The walks use a stack pool of their own, holding rule-local frames only.
      this.walker ??= new TokenWalker(
        { a: this.automaton, pool: new StackPool(this.automaton), maxStackDepth: this.options.maxStackDepth, maxConfigurations: this.options.maxConfigurations },
        this.trie,
        this.vocabulary.size,
      );
      e = this.walker.build(q);
      this.cache[key] = e;
      this.cacheBytes += entryBytes(e);
      this.cacheFills++;
    }
    return e;
  }

  /**
   * Builds every reachable automaton state and fills the cache of each now
   * (what the first masks would do lazily); costs one trie walk per state,
   * and all the states of every counted repetition's copies. Returns the
   * milliseconds spent.
   */
  warmUp(): number {
    const t0 = performance.now();
    const a = this.automaton;
    a.materialize();
    for (let q = 0; q < a.stateCount; q++) if (a.hasBytes[q] || a.hasCalls[q]) this.cacheEntry(q);
    return performance.now() - t0;
  }

  /** Memory held: automaton tables and the token cache so far, and how many states and entries they hold. */
  memory(): { automatonBytes: number; cacheBytes: number; cachedStates: number; dfaStates: number; nfaStates: number } {
    const a = this.automaton;
    return { automatonBytes: a.memoryBytes, cacheBytes: this.cacheBytes, cachedStates: this.cacheFills, dfaStates: a.stateCount, nfaStates: a.nfa.count };
  }
}
