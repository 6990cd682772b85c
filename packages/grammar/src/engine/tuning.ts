/**
 * Engine switches for differential tests (the slice switch is `sliceTuning`
 * in slice.ts). Changing them affects grammars compiled afterwards.
 */
export const engineTuning = {
  /**
   * A repetition of at least this many copies (its maximum, or its minimum
   * when unbounded) is built as a counter whose copies are instantiated
   * lazily (see `nfa.ts`); smaller ones are copied out. `Infinity` copies
   * every repetition out (the automaton is the same language either way).
   */
  countedRepeatMin: 16,
  /**
   * Closures memoised per stack pool (`configs.ts`) before the memo starts over. Read when an
   * entry is stored, so a test can make the memo start over often.
   */
  closureMemoLimit: 4096,
  /**
   * A token walk's configuration set of more than this many configurations is sorted natively
   * (`WalkSets.intern`), smaller ones by insertion; 0 sorts every set natively. Either way the
   * same set.
   */
  internSortMin: 24,
};

/** Whether a repetition of `min..max` copies is built as a counter (lazy copies) rather than copied out. */
export function isCounted(min: number, max: number): boolean {
  return (max === Infinity ? min : max) >= engineTuning.countedRepeatMin;
}
