/**
 * `formwork validate`: is a JSON value valid under a JSON Schema? ajv
 * (through `@formwork/validate`), whatever the value's layout: the question
 * `check` does not ask ("can the grammar produce this exact text").
 */
import { ArgumentError } from "@formwork/core";
import { createValidator } from "@formwork/validate";
import type { Command } from "../command.js";
import { LIMIT_FLAG, LIMIT_HELP, limitsFlag, parseVerbArgs } from "../args.js";
import { readJsonFlagFile } from "../files.js";
import { readJsonlField } from "../jsonl.js";
import { attachFile } from "../report-error.js";

const HELP = `Usage: formwork validate --schema FILE.json (--value JSON | --jsonl FILE) [options]

Validates JSON values against a JSON Schema (ajv, with formats; drafts 04 to
2020-12 by the schema's $schema, default 2020-12) and prints one JSON line per
value:
  {"valid": true}
  {"valid": false, "errors": [{"instancePath": "/age", "keyword": "minimum", "message": "must be >= 0", ...}]}

This answers "is this value valid", whatever its layout (whitespace, property
order, 3.0 for 3). "formwork check --schema" answers another question: can the
grammar generate this exact text.

Options:
  --schema FILE    The JSON Schema.
  --value JSON     One value, as JSON text.
                     formwork validate --schema person.json --value '{"name": "Ada", "age": 36}'
  --jsonl FILE     Many values: one JSON object per line, {"value": ...}; "-"
                   reads stdin. Results come in order.
                     formwork validate --schema person.json --jsonl people.jsonl
  --all-errors     Report every failing keyword, not only the first.
${LIMIT_HELP}
  -h, --help       This help.

Exit status: 0 when every value is valid, 1 when some value is not, 2 on a bad
schema, bad JSON or bad arguments (message on stderr).
`;

async function run(args: string[]): Promise<number> {
  const { values } = parseVerbArgs("validate", args, {
    schema: { type: "string" },
    value: { type: "string" },
    jsonl: { type: "string" },
    "all-errors": { type: "boolean" },
    json: { type: "boolean" },
    ...LIMIT_FLAG,
  });
  const limits = limitsFlag(values.limit);
  if (values.schema === undefined) throw new ArgumentError("bad-arguments", "--schema FILE is required", { hint: 'Run "formwork validate --help" for the options.' });
  if ((values.value === undefined) === (values.jsonl === undefined)) {
    throw new ArgumentError("bad-arguments", "give exactly one of --value JSON or --jsonl FILE", { hint: 'Run "formwork validate --help" for the options.' });
  }
  const schema = readJsonFlagFile("schema", values.schema, "invalid-schema");
  let validator;
  try {
    validator = createValidator(schema, { allErrors: values["all-errors"] === true, ...(limits !== undefined ? { limits } : {}) });
  } catch (err) {
    attachFile(err, values.schema);
    throw err;
  }
  let items: unknown[];
  if (values.value !== undefined) {
    try {
      items = [JSON.parse(values.value)];
    } catch (err) {
      throw new ArgumentError("bad-arguments", `--value is not JSON (${(err as Error).message})`, { hint: "Quote the value for the shell, e.g. --value '{\"a\": 1}'." });
    }
  } else items = readJsonlField(values.jsonl!, "value");
  let allValid = true;
  for (const item of items) {
    const r = validator(item);
    if (!r.valid) allValid = false;
    process.stdout.write(`${JSON.stringify(r.valid ? { valid: true } : { valid: false, errors: r.errors })}\n`);
  }
  return allValid ? 0 : 1;
}

/** The `validate` verb. */
export const command: Command = {
  summary: "validate JSON values against a JSON Schema (ajv): is the value valid, whatever its layout",
  help: HELP,
  run,
};
