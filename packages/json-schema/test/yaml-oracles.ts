// Test helper: the YAML parsers the dialect is checked against. The `yaml`
// package under YAML 1.2 (core schema) and YAML 1.1, and PyYAML's safe_load
// when a `python3` with PyYAML is on the machine (null otherwise; tests that
// use it skip without it).
import { spawnSync } from "node:child_process";
import { parse, parseDocument } from "yaml";

/** What one parser made of a text: the value (JSON-comparable), or the error. */
export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** Non-JSON values (Dates, NaN, ±Infinity, undefined) mapped to tagged strings, so that a mismatch shows. */
function jsonish(v: unknown): unknown {
  if (v instanceof Date) return `!!timestamp ${v.toISOString()}`;
  if (typeof v === "number" && !Number.isFinite(v)) return `!!float ${v}`;
  if (typeof v === "bigint") return `!!bigint ${v}`;
  if (v === undefined) return "!!undefined";
  if (Array.isArray(v)) return v.map(jsonish);
  if (v instanceof Map) return `!!map`;
  if (v instanceof Set) return `!!set`;
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonish(x)]));
  return v;
}

/**
 * Parses with the `yaml` package (`version` "1.2": core schema; "1.1": its
 * yaml-1.1 schema, merge keys on). Errors and warnings both fail. Duplicate
 * keys fail unless `uniqueKeys` is false (then the last one wins, as in
 * `JSON.parse` and PyYAML).
 */
export function parseYaml(text: string, version: "1.1" | "1.2", uniqueKeys = true): Parsed {
  const doc = parseDocument(text, { version, prettyErrors: false, uniqueKeys });
  if (doc.errors.length) return { ok: false, error: doc.errors.map((e) => e.message).join("; ") };
  if (doc.warnings.length) return { ok: false, error: `warning: ${doc.warnings.map((e) => e.message).join("; ")}` };
  try {
    return { ok: true, value: jsonish(doc.toJS({ maxAliasCount: 0 })) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** `parse` of the `yaml` package with its defaults (YAML 1.2 core): what `generate()` returns. */
export function parseDefault(text: string): unknown {
  return parse(text);
}

let pyChecked = false;
let pyOk = false;

/** Whether `python3 -c "import yaml"` works here. */
export function hasPyYaml(): boolean {
  if (!pyChecked) {
    pyChecked = true;
    const r = spawnSync("python3", ["-c", "import yaml"], { encoding: "utf8" });
    pyOk = r.status === 0;
  }
  return pyOk;
}

const PY = `
import sys, json, yaml, datetime, math
def j(v):
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, int): return v
    if isinstance(v, float): return v if math.isfinite(v) else "!!float " + repr(v)
    if isinstance(v, (datetime.date, datetime.datetime)): return "!!timestamp " + v.isoformat()
    if isinstance(v, list): return [j(x) for x in v]
    if isinstance(v, dict): return {(k if isinstance(k, str) else "!!key " + repr(k)): j(x) for k, x in v.items()}
    return "!!" + type(v).__name__
out = []
for t in json.load(sys.stdin):
    try: out.append({"ok": True, "value": j(yaml.safe_load(t))})
    except Exception as e: out.append({"ok": False, "error": str(e).splitlines()[0] if str(e) else type(e).__name__})
sys.stdout.write(json.dumps(out))
`;

/** Parses every text with PyYAML's `safe_load` (one python process for all). Requires `hasPyYaml()`. */
export function parsePyYaml(texts: string[]): Parsed[] {
  const r = spawnSync("python3", ["-c", PY], { input: JSON.stringify(texts), encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Parsed[];
}
