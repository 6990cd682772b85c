/**
 * `formwork check`: does a text match a grammar? One JSON line per input,
 * with the byte offset where a text leaves the grammar and what was
 * expected there. The checking itself is one function, {@link checkText},
 * so that the fast engine can replace the reference recognizer behind it.
 */
import { readFileSync } from "node:fs";
import { ArgumentError, FormworkError } from "@formwork/core";
import { parseGbnfWithWarnings, referenceMatch, regex as regexNode, type Grammar } from "@formwork/grammar";
import type { Command } from "../main.js";
import { parseVerbArgs, SCHEMA_FLAGS, SCHEMA_FLAGS_HELP, schemaOptionsFromFlags } from "../args.js";

/** What `check` prints for one input. */
export interface CheckResult {
  accepted: boolean;
  /** UTF-8 byte offset where the text leaves the grammar (its length when it is an incomplete prefix). */
  offset?: number;
  message?: string;
}

/**
 * Checks one text against a grammar: accepted, or the byte offset where it
 * leaves the grammar and a message saying what was expected there (a text
 * that is a valid but incomplete prefix fails at its own length).
 */
export function checkText(grammar: Grammar, text: string): CheckResult {
  const r = referenceMatch(grammar, text);
  if (r.accepted) return { accepted: true };
  if (r.expected === "") return { accepted: false, offset: 0, message: "the grammar accepts no text at all" };
  if (r.prefix) {
    return { accepted: false, offset: r.offset, message: `the text ends too early: it is a valid start, but the grammar expects ${r.expected} at byte ${r.offset}` };
  }
  return { accepted: false, offset: r.offset, message: `unexpected ${r.found} at byte ${r.offset}; expected ${r.expected}` };
}

const HELP = `Usage: formwork check (--grammar FILE.gbnf | --regex PATTERN | --schema FILE.json)
                      (--text STRING | --jsonl FILE) [options]

Checks texts against a grammar, a regular expression (whole match) or a JSON
Schema, and prints one JSON line per text:
  {"accepted": true}
  {"accepted": false, "offset": N, "message": "..."}
where N is the UTF-8 byte offset at which the text leaves the grammar (for a
text that is a valid start but incomplete, its length) and the message says
what the grammar expected there.

Options:
  --grammar FILE   A GBNF grammar (llama.cpp's dialect; see docs/grammars.md).
                     formwork check --grammar grammars/json.gbnf --text '{"a": 1}'
  --text STRING    One text to check.
                     formwork check --grammar grammars/arithmetic.gbnf --text '1 + 2*3'
  --jsonl FILE     Many texts: one JSON object per line, {"text": "..."}; other
                   fields are ignored, blank lines skipped. Results come in order.
                     formwork check --grammar grammars/chess.gbnf --jsonl games.jsonl
  --root NAME      The start rule (default: root).
                     formwork check --grammar g.gbnf --root value --text 'true'
  --regex PATTERN  An ECMAScript regular expression the whole text must match
                   (see docs/regex.md for what is supported and refused).
                     formwork check --regex '\\d{4}-\\d{2}-\\d{2}' --text 2026-11-23
  --flags FLAGS    Flags for --regex (i, s, u, v).
                     formwork check --regex 'yes|no' --flags i --text YES
  --schema FILE    A JSON Schema: the text must be JSON in the layout the
                   compiler generates (whitespace "flexible" by default, see
                   docs/json-schema.md) of a value the schema accepts.
                     formwork check --schema person.json --text '{"name": "Ada"}'
  -h, --help       This help.

${SCHEMA_FLAGS_HELP}
                     formwork check --schema person.json --property-order any --text '{"age": 3, "name": "Ada"}'

Exit status: 0 when every text was accepted, 1 when some text was rejected,
2 on a bad grammar, a bad JSONL line or bad arguments (message on stderr).
`;

async function run(args: string[]): Promise<number> {
  try {
    return await runChecked(args);
  } catch (err) {
    if (err instanceof FormworkError) {
      process.stderr.write(`formwork check: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function runChecked(args: string[]): Promise<number> {
  const { values } = parseVerbArgs("check", args, {
    grammar: { type: "string" },
    text: { type: "string" },
    jsonl: { type: "string" },
    root: { type: "string" },
    regex: { type: "string" },
    flags: { type: "string" },
    schema: { type: "string" },
    ...SCHEMA_FLAGS,
  });
  const schemaOptions = schemaOptionsFromFlags(values);
  const sources = [values.grammar, values.regex, values.schema].filter((v) => v !== undefined).length;
  if (sources !== 1) {
    throw new ArgumentError("bad-arguments", "give exactly one of --grammar FILE, --regex PATTERN or --schema FILE", { hint: 'Run "formwork check --help" for the options.' });
  }
  if (values.flags !== undefined && values.regex === undefined) throw new ArgumentError("bad-arguments", "--flags only goes with --regex");
  if ((values.text === undefined) === (values.jsonl === undefined)) {
    throw new ArgumentError("bad-arguments", "give exactly one of --text STRING or --jsonl FILE", { hint: 'Run "formwork check --help" for the options.' });
  }
  const grammar =
    values.grammar !== undefined
      ? loadGrammar(values.grammar, values.root)
      : values.regex !== undefined
        ? await regexGrammar(values.regex, values.flags ?? "")
        : await schemaGrammar(values.schema!, schemaOptions);
  const texts = values.text !== undefined ? [values.text] : readJsonl(values.jsonl!);
  let allAccepted = true;
  for (const text of texts) {
    const result = checkText(grammar, text);
    if (!result.accepted) allAccepted = false;
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  return allAccepted ? 0 : 1;
}

function readFile(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ArgumentError("bad-arguments", `cannot read ${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function loadGrammar(path: string, root: string | undefined): Grammar {
  const text = readFile(path, "--grammar");
  try {
    const { grammar, warnings } = parseGbnfWithWarnings(text, root === undefined ? {} : { root });
    for (const w of warnings) process.stderr.write(`formwork check: warning: ${path}: ${w.message}\n`);
    return grammar;
  } catch (err) {
    if (err instanceof FormworkError) {
      // Name the file: the grammar's own message has the line, column and excerpt.
      err.message = `${path}: ${err.message}`;
    }
    throw err;
  }
}

/** A one-rule grammar whose language is the whole matches of `pattern`; compiling it checks the regex (and refuses what cannot be exact). */
async function regexGrammar(pattern: string, flags: string): Promise<Grammar> {
  const { compileRegex } = await import("@formwork/regex");
  compileRegex(pattern, { flags, mode: "whole" });
  return { rules: new Map([["root", regexNode(pattern, flags)]]), root: "root" };
}

/** The grammar a JSON Schema file compiles to (warnings on stderr). */
async function schemaGrammar(path: string, options: ReturnType<typeof schemaOptionsFromFlags>): Promise<Grammar> {
  const text = readFile(path, "--schema");
  const { compileSchema } = await import("@formwork/json-schema");
  try {
    const { grammar, warnings } = compileSchema(text, options);
    for (const w of warnings) process.stderr.write(`formwork check: warning: ${path}: ${w.message}\n`);
    return grammar;
  } catch (err) {
    if (err instanceof FormworkError) err.message = `${path}: ${err.message}`;
    throw err;
  }
}

function readJsonl(path: string): string[] {
  const texts: string[] = [];
  readFile(path, "--jsonl")
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new ArgumentError("bad-jsonl", `${path}: line ${i + 1} is not JSON (${(err as Error).message})`, { hint: 'Each line must be an object such as {"text": "..."}.' });
      }
      const text = (value as { text?: unknown } | null)?.text;
      if (typeof text !== "string") {
        throw new ArgumentError("bad-jsonl", `${path}: line ${i + 1} has no string "text" field`, { hint: 'Each line must be an object such as {"text": "..."}.' });
      }
      texts.push(text);
    });
  return texts;
}

/** The `check` verb. */
export const command: Command = {
  summary: "Check texts against a GBNF grammar, a regex or a JSON Schema (accepted, or where and why not).",
  help: HELP,
  run,
};
