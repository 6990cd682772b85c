/**
 * One MaskBench file through the schema compiler and the grammar engine, as
 * users run it: `compileSchema(schema).grammar`, `GrammarCompiler.compile`,
 * then for every instance its JSON text (`JSON.stringify(data)`) tokenized
 * with the vocabulary's tokenizer, a fresh matcher that fills the mask before
 * each token (timed), requires the token to be in the mask and accepted, and
 * at the end `isComplete()`. Acceptance must equal the instance's `valid`.
 *
 * Shared by the `bench:maskbench` CLI (packages/bench/src/maskbench.ts) and the
 * CI ratchet (tests/maskbench-engine.test.ts), together with the per-file
 * baseline (tests/baselines/maskbench-engine.json) they both read and write.
 *
 * An instance labelled invalid that the grammar accepts but ajv (the schema
 * compiler's contract, `createValidator`) accepts too is `ajvDisagrees`, not
 * `invalidAccepted`, and does not fail the file.
 *
 * Errors: a `FormworkError` (a refusal with a stable `code`) leaves the file
 * uncompiled with that code; any other exception is a crash (a bug), recorded
 * with the stage it came from.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { FormworkError, TokenMask } from "@formwork/core";
import { type GrammarCompiler, type Grammar } from "@formwork/grammar";
import { referenceMatch } from "@formwork/grammar/testing";
import { compileSchema, createValidator, stringifyYaml } from "@formwork/json-schema";
import { YAML_NON_STRING, YAML_NUMBER } from "@formwork/json-schema/internal";
import { Document, isScalar, parseDocument, stringify as yamlStringify, visit, type ToStringOptions } from "yaml";

/** A MaskBench file: `{description, schema, tests: [{data, valid}]}`. */
export interface MaskBenchDoc {
  schema: unknown;
  tests: { data: unknown; valid: boolean; description?: string }[];
}

/** Where a file stopped: the schema compiler, the grammar engine's compile, or an instance's matcher walk. */
export type MaskBenchStage = "schema" | "engine" | "matcher";

export interface MaskBenchFileResult {
  file: string;
  /** Both compilers succeeded and every instance was walked. */
  compiled: boolean;
  /** Set when `compiled` is false. */
  failure?: {
    stage: MaskBenchStage;
    /** The `FormworkError` code, or `crash` for any other exception. */
    code: string;
    message: string;
  };
  /** Schema compile (ms); NaN when it threw. */
  compileMs: number;
  /** Engine compile (ms); NaN when not reached or in reference mode. */
  engineMs: number;
  instances: number;
  invalidAccepted: number;
  validRejected: number;
  ajvDisagrees: number;
  /**
   * Steps where the mask and `acceptToken` disagreed about the instance's next
   * token (one held it, the other refused it): an engine inconsistency; the
   * instance counts as rejected.
   */
  maskDisagrees: number;
  maxMaskUs: number;
  passing: boolean;
  /** Instances labelled valid. */
  validInstances: number;
  /** Of those, accepted (JSON: their JSON text; YAML: the `yaml` package's text, `yamlPackageText`). */
  validAccepted: number;
  /** YAML: valid instances whose `yaml` package text does not read the same under every YAML 1.1 and 1.2 resolver (`readsSameEverywhere`); the grammar must reject them. */
  unsafeTexts?: number;
  /** YAML: of those, accepted (an exactness failure, like an invalid instance accepted). */
  unsafeAccepted?: number;
  /** YAML: valid instances whose dialect text (`stringifyYaml`) is rejected. */
  dialectRejected?: number;
  /** YAML flexible layout: valid instances whose `yaml` package text with `indentSeq: false` (sequences at their key's column) differs from the indented one and reads the same everywhere. */
  zeroIndentTexts?: number;
  /** Of those, accepted (each one must be: it counts as a valid instance rejected otherwise). */
  zeroIndentAccepted?: number;
  /** YAML flexible layout: valid instances whose `yaml` package text in block style only (`flowSequences: "never"`) differs from the flow one and reads the same everywhere. */
  blockTexts?: number;
  /** Of those, accepted (each one must be, as above). */
  blockAccepted?: number;
}

/**
 * The `yaml` package's stringify options in the style the YAML dialect writes
 * (docs/yaml.md): YAML 1.2 with `compat: "yaml-1.1"` (strings that a YAML 1.1
 * resolver reads as another type are quoted), no line folding (`lineWidth: 0`),
 * double quotes only, multi-line strings double-quoted on one line (no block
 * scalars, no folded double-quoted lines). Indent 2 and block collections are
 * the defaults.
 */
export const YAML_PACKAGE_STYLE: ToStringOptions & { compat: "yaml-1.1" } = {
  compat: "yaml-1.1",
  lineWidth: 0,
  singleQuote: false,
  blockQuote: false,
  doubleQuotedMinMultiLineLength: Number.POSITIVE_INFINITY,
};

/**
 * The `yaml` package's text of a value in the dialect's style (`YAML_PACKAGE_STYLE`): with
 * `flowSequences: "scalars"` (the dialect's default), every non-empty sequence whose items are all
 * scalars gets the package's own per-node `flow` flag (written `[a, b]`, no padding inside the
 * brackets: `flowCollectionPadding: false`), every other one block style; `"never"`: block style.
 */
export function yamlPackageText(v: unknown, more: ToStringOptions = {}, flowSequences: "scalars" | "never" = "scalars"): string {
  if (flowSequences === "never") return yamlStringify(v, { ...YAML_PACKAGE_STYLE, ...more });
  const { compat, ...style } = YAML_PACKAGE_STYLE;
  const doc = new Document(v, { compat });
  visit(doc, {
    Seq(_, node) {
      if (node.items.length > 0 && node.items.every((x) => isScalar(x))) node.flow = true;
    },
  });
  return doc.toString({ ...style, flowCollectionPadding: false, ...more });
}

const nonString = new RegExp(`^(?:${YAML_NON_STRING})$`);
const dialectNumber = new RegExp(`^(?:${YAML_NUMBER})$`);
/** Code points that YAML 1.1 does not allow raw (not printable, or line breaks there): DEL, C1 controls, LS, PS, BOM. */
const NOT_RAW_IN_1_1 = /[\u007f-\u009f\u2028\u2029\ufeff]/;

/**
 * Whether a YAML text reads as `v` under YAML 1.2 (core) and YAML 1.1 (the
 * `yaml` package's parsers), and no plain scalar in it is one that another
 * resolver of the dialect's table (the YAML 1.1 type repository, PyYAML)
 * reads differently: a plain string the table resolves to a non-string, a
 * plain number outside the numbers every resolver reads alike, a raw
 * character YAML 1.1 does not allow.
 */
export function readsSameEverywhere(text: string, v: unknown): boolean {
  if (NOT_RAW_IN_1_1.test(text)) return false;
  const want = JSON.stringify(v);
  for (const version of ["1.2", "1.1"] as const) {
    const doc = parseDocument(text, { version, uniqueKeys: false });
    if (doc.errors.length || doc.warnings.length) return false;
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 0 });
    } catch {
      return false;
    }
    if (JSON.stringify(js) !== want) return false;
    if (version === "1.1") continue;
    let ok = true;
    visit(doc, {
      Scalar(_, node) {
        if (!isScalar(node) || node.type !== "PLAIN") return;
        const src = node.source ?? String(node.value);
        if (typeof node.value === "string" && nonString.test(src)) ok = false;
        if (typeof node.value === "number" && !dialectNumber.test(src)) ok = false;
      },
    });
    if (!ok) return false;
  }
  return true;
}

/** A tokenizer as `@formwork/testkit`'s `hfTokenizer` returns it. */
export interface TextTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
}

export interface MaskBenchEvalContext {
  /** The engine (one compiler for the whole run); null decides acceptance with the reference recognizer. */
  compiler: GrammarCompiler | null;
  tokenizer: TextTokenizer;
  /** Fill and check the mask before each token (default true); false walks the tokens with `acceptToken` only. */
  masks?: boolean;
  /** Every mask's time (µs) is pushed here when given. */
  maskUs?: number[];
  /**
   * Every mask's CPU time (µs, user + system of the process, `process.cpuUsage`) is pushed here
   * when given: steadier than wall time on a shared machine (time the process waits for a core
   * is not counted), and it costs about a microsecond per mask.
   */
  maskCpuUs?: number[];
  /**
   * The text syntax: `json` (default: `JSON.stringify(data)`) or `yaml`
   * (`compileSchema(schema, { syntax: "yaml" })`; each instance as the `yaml`
   * package writes it, `yamlPackageText`, and as the dialect writes it,
   * `stringifyYaml`: a valid instance must have both accepted, unless the
   * package's text does not read the same everywhere, when it must be
   * rejected; an invalid one must have both rejected).
   */
  syntax?: "json" | "yaml";
  /** With `syntax: "yaml"`: the YAML layout, `exact` (default) or `flexible` (`whitespace: "flexible"`). */
  yamlLayout?: "exact" | "flexible";
}

/** True for a crash: an exception that is not a `FormworkError` (by class, or by a string `code` from another copy of the class). */
export function isCrash(e: unknown): boolean {
  if (e instanceof FormworkError) return false;
  return !(e instanceof Error && typeof (e as { code?: unknown }).code === "string");
}

function failure(stage: MaskBenchStage, e: unknown): NonNullable<MaskBenchFileResult["failure"]> {
  const code = isCrash(e) ? "crash" : (e as FormworkError).code;
  const message = e instanceof Error ? (code === "crash" ? (e.stack ?? e.message) : e.message) : String(e);
  return { stage, code, message: message.slice(0, code === "crash" ? 1200 : 200) };
}

/** Evaluates one MaskBench document (see the module comment). Never throws for a schema's or instance's sake. */
export function evaluateMaskBenchFile(file: string, doc: MaskBenchDoc, ctx: MaskBenchEvalContext): MaskBenchFileResult {
  const r: MaskBenchFileResult = {
    file,
    compiled: false,
    compileMs: NaN,
    engineMs: NaN,
    instances: doc.tests.length,
    invalidAccepted: 0,
    validRejected: 0,
    ajvDisagrees: 0,
    maskDisagrees: 0,
    maxMaskUs: 0,
    passing: false,
    validInstances: doc.tests.filter((t) => t.valid).length,
    validAccepted: 0,
    ...(ctx.syntax === "yaml" ? { unsafeTexts: 0, unsafeAccepted: 0, dialectRejected: 0 } : {}),
    ...(ctx.syntax === "yaml" && ctx.yamlLayout === "flexible" ? { zeroIndentTexts: 0, zeroIndentAccepted: 0, blockTexts: 0, blockAccepted: 0 } : {}),
  };
  const useMasks = ctx.masks ?? true;
  let grammar: Grammar;
  let t0 = performance.now();
  try {
    grammar = compileSchema(doc.schema, ctx.syntax === "yaml" ? { syntax: "yaml", ...(ctx.yamlLayout === "flexible" ? { whitespace: "flexible" as const } : {}) } : {}).grammar;
    r.compileMs = performance.now() - t0;
  } catch (e) {
    r.failure = failure("schema", e);
    return r;
  }
  let accept: (text: string) => boolean;
  if (ctx.compiler) {
    let cg: ReturnType<GrammarCompiler["compile"]>;
    t0 = performance.now();
    try {
      cg = ctx.compiler.compile(grammar);
      r.engineMs = performance.now() - t0;
    } catch (e) {
      r.failure = failure("engine", e);
      return r;
    }
    const mask = new TokenMask(cg.vocabulary.size);
    accept = (text) => {
      const ids = ctx.tokenizer.encode(text, { add_special_tokens: false });
      const m = cg.createMatcher();
      for (let i = 0; i <= ids.length; i++) {
        if (useMasks) {
          const c0 = ctx.maskCpuUs ? process.cpuUsage() : null;
          const t = performance.now();
          m.fillNextTokenMask(mask);
          const us = (performance.now() - t) * 1000;
          if (c0) {
            const c = process.cpuUsage(c0);
            ctx.maskCpuUs!.push(c.user + c.system);
          }
          ctx.maskUs?.push(us);
          if (us > r.maxMaskUs) r.maxMaskUs = us;
          if (i < ids.length && !mask.has(ids[i])) {
            if (m.acceptToken(ids[i])) r.maskDisagrees++;
            return false;
          }
        }
        if (i === ids.length) break;
        if (!m.acceptToken(ids[i])) {
          if (useMasks) r.maskDisagrees++;
          return false;
        }
      }
      return m.isComplete();
    };
  } else {
    accept = (text) => referenceMatch(grammar, text).accepted;
  }
  let ajv: ((v: unknown) => { valid: boolean }) | null = null;
  try {
    // The oracle runs patterns on RegExp, independent of @formwork/regex (MaskBench's schemas are trusted).
    ajv = createValidator(doc.schema, { regExp: "backtracking" });
  } catch {
    ajv = null;
  }
  try {
    for (const t of doc.tests) {
      let ok: boolean;
      if (ctx.syntax === "yaml") {
        // A number of 1e308 or more has no YAML spelling in the dialect: its dialect text counts as rejected.
        const dialect = stringifyYaml(t.data);
        const dialectOk = dialect !== null && accept(dialect);
        const pkg = yamlPackageText(t.data);
        const pkgOk = pkg === dialect ? dialectOk : accept(pkg);
        if (t.valid) {
          if (!dialectOk) r.dialectRejected!++;
          if (pkgOk) r.validAccepted++;
          if (!readsSameEverywhere(pkg, t.data)) {
            r.unsafeTexts!++;
            if (pkgOk) r.unsafeAccepted!++;
            ok = dialectOk;
          } else ok = dialectOk && pkgOk;
        } else ok = dialectOk || pkgOk;
        if (ctx.yamlLayout === "flexible") {
          // The flexible layout also takes sequences at their key's column: the package's text with indentSeq: false.
          const zero = yamlPackageText(t.data, { indentSeq: false });
          if (zero !== pkg && readsSameEverywhere(zero, t.data)) {
            const zeroOk = accept(zero);
            if (t.valid) {
              r.zeroIndentTexts!++;
              if (zeroOk) r.zeroIndentAccepted!++;
              ok &&= zeroOk;
            } else ok ||= zeroOk;
          }
          // It also takes arrays of scalars in block style: the package's text without flow sequences.
          const block = yamlPackageText(t.data, {}, "never");
          if (block !== pkg && readsSameEverywhere(block, t.data)) {
            const blockOk = accept(block);
            if (t.valid) {
              r.blockTexts!++;
              if (blockOk) r.blockAccepted!++;
              ok &&= blockOk;
            } else ok ||= blockOk;
          }
        }
      } else {
        ok = accept(JSON.stringify(t.data));
        if (ok && t.valid) r.validAccepted++;
      }
      // The compiler's contract is ajv: an instance labelled invalid whose value ajv accepts
      // (formats read differently, integers beyond 2^53 rounded by JSON.parse) is counted apart.
      if (ok && !t.valid) {
        if (ajv && ajv(t.data).valid) r.ajvDisagrees++;
        else r.invalidAccepted++;
      }
      if (!ok && t.valid) r.validRejected++;
    }
  } catch (e) {
    r.failure = failure("matcher", e);
    r.invalidAccepted = r.validRejected = r.ajvDisagrees = r.validAccepted = 0;
    return r;
  }
  r.compiled = true;
  r.passing = r.invalidAccepted === 0 && r.validRejected === 0 && !r.unsafeAccepted;
  return r;
}

/** Reads and evaluates `dir/file`. */
export function evaluateMaskBenchPath(dir: string, file: string, ctx: MaskBenchEvalContext): MaskBenchFileResult {
  const doc = JSON.parse(readFileSync(`${dir}/${file}`, "utf8")) as MaskBenchDoc;
  return evaluateMaskBenchFile(file, doc, ctx);
}

/** The MaskBench-dev files in `dir`, sorted by name, every `every`-th from the first. */
export function maskBenchFiles(names: readonly string[], every = 1): string[] {
  return names.filter((f) => f.endsWith(".json")).sort().filter((_, i) => i % every === 0);
}

export interface MaskBenchTotals {
  files: number;
  compiled: number;
  passing: number;
  passingShare: number;
  invalidAccepted: number;
  validRejected: number;
  ajvDisagrees: number;
  maskDisagrees: number;
  crashes: number;
  /** Files not compiled, by `stage: code`. */
  refusals: Record<string, number>;
}

export function totalsOf(results: readonly MaskBenchFileResult[]): MaskBenchTotals {
  const refusals = new Map<string, number>();
  for (const r of results) {
    if (!r.failure) continue;
    const k = `${r.failure.stage}: ${r.failure.code}`;
    refusals.set(k, (refusals.get(k) ?? 0) + 1);
  }
  const sum = (f: (r: MaskBenchFileResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const passing = results.filter((r) => r.passing).length;
  return {
    files: results.length,
    compiled: results.filter((r) => r.compiled).length,
    passing,
    passingShare: Math.round((1000 * passing) / Math.max(1, results.length)) / 10,
    invalidAccepted: sum((r) => r.invalidAccepted),
    validRejected: sum((r) => r.validRejected),
    ajvDisagrees: sum((r) => r.ajvDisagrees),
    maskDisagrees: sum((r) => r.maskDisagrees),
    crashes: results.filter((r) => r.failure?.code === "crash").length,
    refusals: Object.fromEntries([...refusals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
  };
}

// ---------------------------------------------------------------------------
// Per-file engine baseline (tests/baselines/maskbench-engine.json)

/** One file's line in the per-file baseline. */
export interface BaselineEntry {
  compiled: boolean;
  /** `stage: code` when not compiled. */
  refusal?: string;
  passing: boolean;
  invalidAccepted: number;
  validRejected: number;
}

export interface EngineBaseline {
  data: string;
  every: number;
  acceptance: "engine";
  totals: MaskBenchTotals;
  files: Record<string, BaselineEntry>;
}

export function baselineEntry(r: MaskBenchFileResult): BaselineEntry {
  return {
    compiled: r.compiled,
    ...(r.failure ? { refusal: `${r.failure.stage}: ${r.failure.code}` } : {}),
    passing: r.passing,
    invalidAccepted: r.invalidAccepted,
    validRejected: r.validRejected,
  };
}

/** Writes the baseline with one line per file (small diffs when a few files change). */
export function writeEngineBaseline(path: string, data: string, every: number, results: readonly MaskBenchFileResult[]): void {
  const totals = totalsOf(results);
  const lines = results.map((r) => `  ${JSON.stringify(r.file)}: ${JSON.stringify(baselineEntry(r))}`);
  const head = JSON.stringify({ data, every, acceptance: "engine", totals }, null, 1).slice(0, -2);
  writeFileSync(path, `${head},\n "files": {\n${lines.join(",\n")}\n }\n}\n`);
}

export function readEngineBaseline(path: string): EngineBaseline {
  return JSON.parse(readFileSync(path, "utf8")) as EngineBaseline;
}

export interface RatchetVerdict {
  /** Files that passed in the baseline and no longer pass. */
  regressions: string[];
  /** Files that pass now and did not in the baseline, or compile now and were refused. */
  improvements: string[];
  /** Files with an invalid instance accepted. */
  invalidAccepted: string[];
  /** Files where a compile or the matcher crashed (a non-FormworkError exception). */
  crashes: string[];
  /** Files of this run that the baseline does not list. */
  unknown: string[];
}

/**
 * The ratchet step of the CI tests (tests/maskbench-*.test.ts): the verdict of
 * `results` against the baseline at `path` (none there: every file is new),
 * with what a reader needs logged, and the baseline rewritten when `update`
 * (the tests' UPDATE_BASELINE=1).
 */
export function ratchetAgainst(path: string, every: number, results: readonly MaskBenchFileResult[], update: boolean, log: (line: string) => void = console.log): RatchetVerdict {
  const baseline = existsSync(path) ? readEngineBaseline(path) : null;
  if (!baseline) log(`no baseline at ${path}: run with UPDATE_BASELINE=1 to record one`);
  const v = compareWithBaseline(results, baseline);
  if (v.improvements.length) log(`improvements (run with UPDATE_BASELINE=1 to record):\n  ${v.improvements.join("\n  ")}`);
  if (v.unknown.length) log(`files not in the baseline: ${v.unknown.length} (${v.unknown.slice(0, 5).join(", ")})`);
  if (update) writeEngineBaseline(path, "maskbench-dev", every, results);
  return v;
}

/** Compares a run with the baseline: only the files the run holds are compared. */
export function compareWithBaseline(results: readonly MaskBenchFileResult[], baseline: EngineBaseline | null): RatchetVerdict {
  const v: RatchetVerdict = { regressions: [], improvements: [], invalidAccepted: [], crashes: [], unknown: [] };
  for (const r of results) {
    if (r.invalidAccepted > 0) v.invalidAccepted.push(`${r.file}: ${r.invalidAccepted} invalid instance(s) accepted`);
    if (r.failure?.code === "crash") v.crashes.push(`${r.file}: ${r.failure.stage} crashed: ${r.failure.message}`);
    const b = baseline?.files[r.file];
    if (!b) {
      if (baseline) v.unknown.push(r.file);
      continue;
    }
    const now = r.failure ? `${r.failure.stage}: ${r.failure.code}` : r.passing ? "passing" : `${r.validRejected} valid rejected`;
    const was = b.refusal ?? (b.passing ? "passing" : `${b.validRejected} valid rejected`);
    if (b.passing && !r.passing) v.regressions.push(`${r.file}: ${was} -> ${now}`);
    else if (!b.passing && r.passing) v.improvements.push(`${r.file}: ${was} -> ${now}`);
    else if (!b.compiled && r.compiled) v.improvements.push(`${r.file}: ${was} -> compiled, ${now}`);
  }
  return v;
}
