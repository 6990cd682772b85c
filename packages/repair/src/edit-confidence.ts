/**
 * The confidence class of each edit kind, and the summary a repair result
 * carries (see `docs/repair.md`, "Confidence"). A stage may set a different
 * class on one edit where it knows more (an inserted comma across a line
 * break is certain; between two strings on one line it is likely).
 */
import type { Confidence, Edit, EditKind, PendingEdit, RepairResult } from "./edit.js";

/** The confidence and lossiness an edit kind has unless a stage says otherwise. */
export interface EditClass {
  readonly confidence: Confidence;
  readonly lossy: boolean;
}

const CERTAIN: EditClass = { confidence: "certain", lossy: false };
const LIKELY: EditClass = { confidence: "likely", lossy: false };
const GUESS: EditClass = { confidence: "guess", lossy: false };
const CERTAIN_LOSSY: EditClass = { confidence: "certain", lossy: true };
const LIKELY_LOSSY: EditClass = { confidence: "likely", lossy: true };
const GUESS_LOSSY: EditClass = { confidence: "guess", lossy: true };

/** Every kind's default class; `tsc` refuses a kind left out. */
const CLASSES: Record<EditKind, EditClass> = {
  "strip-fence": CERTAIN,
  "strip-prose": CERTAIN,
  "invalid-utf8": CERTAIN_LOSSY,
  "choose-candidate": LIKELY,
  "ndjson-to-array": CERTAIN,
  "remove-comment": CERTAIN,
  "remove-trailing-comma": CERTAIN,
  "insert-comma": CERTAIN,
  "remove-extra-comma": CERTAIN,
  "insert-colon": LIKELY,
  "normalize-quotes": CERTAIN,
  "normalize-whitespace": CERTAIN,
  "quote-key": CERTAIN,
  "quote-value": LIKELY,
  "replace-literal": CERTAIN,
  "replace-non-finite": LIKELY_LOSSY,
  "escape-control-char": CERTAIN,
  "escape-quote": LIKELY,
  "fix-escape": LIKELY,
  "concatenate-strings": CERTAIN,
  "fix-number": CERTAIN,
  "close-string": LIKELY,
  "close-container": LIKELY,
  "remove-stray-closer": LIKELY,
  "remove-garbage": GUESS_LOSSY,
  "drop-dangling-key": GUESS_LOSSY,
  "fill-missing-value": GUESS,
  "duplicate-key": LIKELY_LOSSY,
  "unwrap-call": CERTAIN,
  "unescape-document": LIKELY,
  "truncated-string": GUESS_LOSSY,
  "truncated-number": GUESS_LOSSY,
  "truncated-literal": LIKELY,
  "truncated-container": LIKELY_LOSSY,
  "drop-incomplete": GUESS_LOSSY,
  "coerce-type": LIKELY,
  "match-enum": GUESS,
  "drop-property": CERTAIN_LOSSY,
  "fill-default": LIKELY,
  "json-in-yaml": CERTAIN,
  "yaml-tab-indent": CERTAIN,
  "yaml-indent": LIKELY,
  "yaml-colon-space": LIKELY,
  "yaml-quote-value": LIKELY,
  "yaml-truncated": GUESS_LOSSY,
  "csv-delimiter": CERTAIN,
  "csv-stray-quote": LIKELY,
  "csv-unclosed-quote": GUESS_LOSSY,
  "csv-header": CERTAIN,
  "csv-pad-row": LIKELY,
  "csv-merge-fields": GUESS,
  "csv-trim-row": CERTAIN,
  "csv-drop-partial-row": GUESS_LOSSY,
  "csv-coerce": LIKELY,
};

const RANK: Record<Confidence, number> = { certain: 2, likely: 1, guess: 0 };

/** The class of an edit kind (see the table above). */
export function classOf(kind: EditKind): EditClass {
  return CLASSES[kind];
}

/**
 * Completes pending edits, in place, with their kind's class where the stage
 * set none (no copies: a large document can log hundreds of thousands).
 */
export function finishEdits(edits: PendingEdit[]): Edit[] {
  for (const e of edits) {
    if (e.confidence === undefined || e.lossy === undefined) {
      const c = CLASSES[e.kind];
      e.confidence ??= c.confidence;
      e.lossy ??= c.lossy;
    }
  }
  return edits as Edit[];
}

/** The result's summary: the lowest confidence of any edit, and whether any is lossy. */
export function summarizeEdits(edits: readonly Edit[]): { confidence: Confidence; lossy: boolean } {
  let rank = RANK.certain;
  let lossy = false;
  for (const e of edits) {
    const r = RANK[e.confidence];
    if (r < rank) rank = r;
    if (e.lossy) lossy = true;
    if (lossy && rank === RANK.guess) break;
  }
  return { confidence: rank === RANK.certain ? "certain" : rank === RANK.likely ? "likely" : "guess", lossy };
}

/**
 * The edit log kept with `edits: "count"`: how many edits of each kind, the
 * lowest confidence and whether any is lossy, in constant memory however
 * many edits a repair makes.
 */
export class EditTally {
  readonly counts: Partial<Record<EditKind, number>> = {};
  private rank = RANK.certain;
  lossy = false;

  /** A tally holding what a counted result says (its `editCounts`, `confidence`, `lossy`). */
  static of(r: Pick<RepairResult, "editCounts" | "confidence" | "lossy">): EditTally {
    const t = new EditTally();
    Object.assign(t.counts, r.editCounts);
    t.rank = RANK[r.confidence];
    t.lossy = r.lossy;
    return t;
  }

  /** Counts one edit (`confidence` and `lossy` default to its kind's class). */
  add(kind: EditKind, confidence?: Confidence, lossy?: boolean): void {
    const c = CLASSES[kind];
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    const r = RANK[confidence ?? c.confidence];
    if (r < this.rank) this.rank = r;
    if (lossy ?? c.lossy) this.lossy = true;
  }

  addAll(edits: readonly PendingEdit[]): this {
    for (const e of edits) this.add(e.kind, e.confidence, e.lossy);
    return this;
  }

  merge(t: EditTally): void {
    for (const [k, n] of Object.entries(t.counts) as [EditKind, number][]) this.counts[k] = (this.counts[k] ?? 0) + n;
    if (t.rank < this.rank) this.rank = t.rank;
    if (t.lossy) this.lossy = true;
  }

  get confidence(): Confidence {
    return this.rank === RANK.certain ? "certain" : this.rank === RANK.likely ? "likely" : "guess";
  }

  /** `r` with its edits counted into this tally: `edits` empty, `editCounts` set. */
  finish<T>(r: Omit<RepairResult<T>, "edits" | "confidence" | "lossy"> & { edits: readonly PendingEdit[] }): RepairResult<T> {
    this.addAll(r.edits);
    return { ...r, edits: [], editCounts: this.counts, confidence: this.confidence, lossy: this.lossy };
  }
}

/** A repair result before its edits are classified. */
export type PendingResult<T = unknown> = Omit<RepairResult<T>, "edits" | "confidence" | "lossy"> & { edits: PendingEdit[] };

/**
 * Classifies a result's edits and adds the summary (`confidence`, `lossy`);
 * with a `tally` (`edits: "count"`), counts them into it instead.
 */
export function finishResult<T>(r: PendingResult<T>, tally?: EditTally): RepairResult<T> {
  if (tally !== undefined) return tally.finish(r);
  const edits = finishEdits(r.edits);
  return { ...r, edits, ...summarizeEdits(edits) };
}
