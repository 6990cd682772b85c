/**
 * A tolerant CSV reader: delimiter detection and a linear, quote-aware
 * field splitter that keeps stray quotes as text and closes a quoted field
 * cut off by the end of the text.
 */
import type { PendingEdit } from "./edit.js";

/** Delimiters tried by `detectDelimiter`, in order of preference on ties. */
export const DELIMITERS = [",", ";", "\t", "|"] as const;

/**
 * Picks the delimiter whose count per line is the most consistent over the
 * first 50 lines (quotes respected); `,` when none appears.
 */
export function detectDelimiter(text: string): string {
  const lines = text.split("\n", 51).filter((l) => l.trim() !== "").slice(0, 50);
  let best = ",";
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = lines.map((l) => {
      let n = 0;
      let q = false;
      for (const ch of l) {
        if (ch === '"') q = !q;
        else if (ch === d && !q) n++;
      }
      return n;
    });
    const freq = new Map<number, number>();
    for (const c of counts) if (c > 0) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 0;
    let modeFreq = 0;
    for (const [c, f] of freq) if (f > modeFreq || (f === modeFreq && c > mode)) [mode, modeFreq] = [c, f];
    if (mode === 0) continue;
    const score = modeFreq / lines.length + mode / 1000;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

/** One parsed row: its fields and where it starts. */
export interface CsvRow {
  fields: string[];
  /** Per field: whether it was between quotes (a quoted cell is a string in the CSV dialect's cell rule). */
  quoted: boolean[];
  offset: number;
  /** The text ended inside this row (no line break after it). */
  unterminated: boolean;
}

/** Splits `text` into rows of fields with delimiter `d`; `offset` is the text's offset in the input. */
export function splitCsv(text: string, d: string, offset: number, edits: PendingEdit[]): { rows: CsvRow[]; steps: number } {
  const rows: CsvRow[] = [];
  const n = text.length;
  let i = 0;
  let steps = 0;
  let budget = n; // characters a stray opening quote may give back (bounds rescans)
  let literalQuoteAt = -1; // an opening quote to read as text after a failed quoted field
  let row: string[] = [];
  let quoted: boolean[] = [];
  let rowStart = 0;
  while (i <= n) {
    // Start of a field.
    const fieldStart = i;
    let field = "";
    const isQuoted = i < n && text[i] === '"' && i !== literalQuoteAt;
    if (isQuoted) {
      // Quoted field.
      let j = i + 1;
      let closed = false;
      let chunk = j;
      while (j < n) {
        const c = text[j];
        if (c === '"') {
          if (text[j + 1] === '"') {
            field += text.slice(chunk, j + 1);
            j += 2;
            chunk = j;
            continue;
          }
          let k = j + 1;
          while (k < n && (text[k] === " " || text[k] === "\r")) k++;
          if (k >= n || text[k] === d || text[k] === "\n") {
            field += text.slice(chunk, j);
            j = k;
            closed = true;
            break;
          }
          // A quote inside the field that does not end it.
          field += text.slice(chunk, j + 1);
          edits.push({ kind: "csv-stray-quote", offset: offset + j, message: "kept a quote inside a quoted field as text" });
          j++;
          chunk = j;
          continue;
        }
        j++;
      }
      steps += j - i;
      if (!closed) {
        field += text.slice(chunk, j);
        const nl = text.indexOf("\n", i);
        if (nl >= 0 && nl < n - 1 && j - i <= budget) {
          // A stray opening quote swallowed the rest: read it as text instead.
          budget -= j - i;
          literalQuoteAt = i;
          edits.push({ kind: "csv-stray-quote", offset: offset + i, message: "a quote at the start of a field has no closing quote; kept it as text" });
          continue;
        }
        edits.push({ kind: "csv-unclosed-quote", offset: offset + n, message: "the text ended inside a quoted field; closed it" });
      }
      i = j;
    } else {
      let j = i;
      while (j < n && text[j] !== d && text[j] !== "\n") j++;
      steps += j - i + 1;
      field = text.slice(i, j).replace(/\r$/, "");
      const q = field.indexOf('"', i === literalQuoteAt ? 1 : 0);
      if (q >= 0) edits.push({ kind: "csv-stray-quote", offset: offset + i + q, message: "kept a quote inside an unquoted field as text" });
      i = j;
    }
    void fieldStart;
    row.push(field);
    quoted.push(isQuoted);
    if (i < n && text[i] === d) {
      i++;
      continue;
    }
    // End of row (line break or end of text).
    const unterminated = i >= n;
    if (!(row.length === 1 && row[0].trim() === "")) rows.push({ fields: row, quoted, offset: offset + rowStart, unterminated });
    row = [];
    quoted = [];
    i++;
    rowStart = i;
  }
  return { rows, steps };
}
