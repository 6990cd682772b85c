/**
 * `formwork check`: does a text match a grammar, a regex or a schema? One
 * JSON line per input, with the byte offset where a text leaves the grammar
 * and what was expected there. The constraint is resolved once
 * (`@formwork/constraint`) and compiled once; each text runs through the
 * engine's matcher (`checkText`), in time linear in the text.
 */
import { ArgumentError } from "@formwork/core";
import { checkText, textCompiler } from "@formwork/grammar";
import type { Command } from "../command.js";
import { LIMIT_FLAG, LIMIT_HELP, limitsFlag, parseVerbArgs } from "../args.js";
import { CONSTRAINT_FLAGS, constraintFromFlags, CSV_FLAGS_HELP, SCHEMA_FLAGS_HELP } from "../constraint-flags.js";
import { readJsonlField } from "../jsonl.js";

/** A `--jsonl` line's text field, which must be a string. */
function asText(v: unknown, i: number): string {
  if (typeof v !== "string") throw new ArgumentError("bad-jsonl", `line ${i + 1}: "text" is not a string`, { hint: 'Each line must be an object such as {"text": "..."}.' });
  return v;
}

const HELP = `Usage: formwork check (--grammar FILE.gbnf | --regex PATTERN | --schema FILE.json)
                      (--text STRING | --jsonl FILE) [options]

Checks texts against a grammar, a regular expression (whole match) or a JSON
Schema with the grammar engine (time linear in the text), and prints one JSON
line per text:
  {"accepted": true}
  {"accepted": false, "offset": N, "message": "..."}
where N is the UTF-8 byte offset of the first byte the grammar cannot take
(for a text that is a valid start but incomplete, its length) and the
message says what was found there and what the grammar expected.

Options:
  --grammar FILE   A GBNF grammar (llama.cpp's dialect; see docs/grammars.md).
                     formwork check --grammar grammars/json.gbnf --text '{"a": 1}'
  --text STRING    One text to check.
                     formwork check --grammar grammars/arithmetic.gbnf --text '1 + 2*3'
  --jsonl FILE     Many texts: one JSON object per line, {"text": "..."}; other
                   fields are ignored, blank lines skipped; "-" reads stdin.
                   Results come in order.
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
                   docs/json-schema.md) of a value the schema accepts. A
                   rejected text whose value the schema accepts (another
                   layout or property order, 3.0 for 3) gets "valid": true
                   and a note; "formwork validate" checks values alone.
                     formwork check --schema person.json --text '{"name": "Ada"}'
${LIMIT_HELP}
  -h, --help       This help.

${SCHEMA_FLAGS_HELP}
                     formwork check --schema person.json --property-order any --text '{"age": 3, "name": "Ada"}'

${CSV_FLAGS_HELP}
                     formwork check --columns "name:string,age:integer>=0" --text 'name,age
                     Ada,36
                     '

Exit status: 0 when every text was accepted, 1 when some text was rejected,
2 on a bad grammar, a bad JSONL line or bad arguments (message on stderr).
`;

async function run(args: string[]): Promise<number> {
  const { values } = parseVerbArgs("check", args, {
    text: { type: "string" },
    jsonl: { type: "string" },
    json: { type: "boolean" },
    ...CONSTRAINT_FLAGS,
    ...LIMIT_FLAG,
  });
  if (values.schema === undefined && values.grammar === undefined && values.regex === undefined && values.columns === undefined) {
    throw new ArgumentError("bad-arguments", "give exactly one of --grammar FILE, --regex PATTERN, --schema FILE or --columns SPEC", { hint: 'Run "formwork check --help" for the options.' });
  }
  if ((values.text === undefined) === (values.jsonl === undefined)) {
    throw new ArgumentError("bad-arguments", "give exactly one of --text STRING or --jsonl FILE", { hint: 'Run "formwork check --help" for the options.' });
  }
  const constraint = constraintFromFlags("check", values)!;
  const compiled = textCompiler(limitsFlag(values.limit)).compile(constraint.grammar);
  const texts = values.text !== undefined ? [values.text] : readJsonlField(values.jsonl!, "text").map(asText);
  let allAccepted = true;
  for (const text of texts) {
    const result: ReturnType<typeof checkText> & { valid?: boolean; note?: string } = checkText(compiled, text);
    if (!result.accepted) {
      allAccepted = false;
      // A value the schema accepts, written in a form the grammar does not generate (layout, property order, 3.0): say so.
      const value = constraint.kind === "schema" ? constraint.valueOf(text) : undefined;
      if (value !== undefined && constraint.validate(value).valid) {
        result.valid = true;
        result.note =
          constraint.syntax === "yaml"
            ? "the value is valid under the schema (read as YAML 1.2), but this text is not one the grammar generates: a string that YAML 1.1 reads as another type (yes, no, on, 0777, 1:30...) must be double-quoted, and layout, property order or number spelling differ from docs/yaml.md"
            : "the value is valid under the schema (formwork validate), but this text is not one the grammar generates: whitespace, property order or number spelling differ from the canonical forms";
      }
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  return allAccepted ? 0 : 1;
}

/** The `check` verb. */
export const command: Command = {
  summary: "Check texts against a GBNF grammar, a regex or a JSON Schema (accepted, or where and why not).",
  help: HELP,
  run,
};
