/**
 * Finding a YAML or CSV payload in a text: the content of a Markdown code
 * fence when there is one, with the text around it logged as removed.
 */
import type { PendingEdit } from "./edit.js";

/** A payload and its offset in the input. */
export interface Payload {
  text: string;
  offset: number;
}

/**
 * Returns the content of the first code fence (```` ```yaml ````, ```` ```csv ````,
 * or a bare fence), or the whole text. An unclosed fence runs to the end.
 */
export function extractFenced(text: string, edits: PendingEdit[]): Payload {
  const open = /^[ \t]*```[\w-]*[ \t]*\r?$/m.exec(text);
  if (!open) return { text, offset: 0 };
  const start = open.index + open[0].length + 1;
  const rest = text.slice(Math.min(start, text.length));
  const close = /^[ \t]*```[ \t]*\r?$/m.exec(rest);
  const body = close ? rest.slice(0, close.index) : rest;
  if (text.slice(0, open.index).trim() !== "") edits.push({ kind: "strip-prose", offset: 0, message: `removed the text before the code fence: ${JSON.stringify(text.slice(0, Math.min(open.index, 40)).trim())}` });
  edits.push({ kind: "strip-fence", offset: open.index, message: `removed the code fence ${JSON.stringify(open[0].trim())}` });
  if (close) {
    const after = start + close.index + close[0].length;
    if (text.slice(after).trim() !== "") edits.push({ kind: "strip-prose", offset: after, message: `removed the text after the code fence: ${JSON.stringify(text.slice(after, after + 40).trim())}` });
  }
  return { text: body, offset: Math.min(start, text.length) };
}
