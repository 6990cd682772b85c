// The YAML dialect tables checked against the real parsers: the `yaml`
// package under YAML 1.2 core and 1.1, and PyYAML when python3 has it.
// 1. Every string the dialect writes plain (block value, key, flow entry) is
//    read back as that same string by every parser.
// 2. The resolver table agrees with each runnable parser: a text resolves to a
//    non-string exactly when the parser's rows of the table match it.
// 3. Double-quoted scalars and numbers are read back exactly.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { doubleQuoted, isPlainSafe, PLAIN_KEY_WORD, YAML_NON_STRING, YAML_RESOLVERS, YAML_SUSPECT, yamlNumber, type YamlPlace } from "../src/syntax/yaml-dialect.js";
import { hasPyYaml, parsePyYaml, parseYaml, type Parsed } from "./yaml-oracles.js";

// Characters that make plain scalars interesting: digits and number syntax,
// the letters of y/n/on/off/true/null/inf/nan, indicators, spaces, and a few
// non-ASCII characters (NBSP, é, LS, NEL, DEL, an astral one).
const TRICKY = [..."0123456789_.:-+eExXoObB yYnNtTfFaAlLsSuUiI~<=#\"',[]{}?!&*|>%@` \t\u00a0é\u2028\u0085\u007f😀"];
const tricky = fc.array(fc.constantFrom(...TRICKY), { maxLength: 9 }).map((a) => a.join(""));
// Samples of every resolver's language (fast-check generates strings matching a regex).
const resolverSamples = fc.oneof(...YAML_RESOLVERS.map((r) => fc.stringMatching(new RegExp(`^(?:${r.pattern})$`))));
const strings = (n: number, seed: number) => fc.sample(fc.oneof({ arbitrary: tricky, weight: 3 }, { arbitrary: resolverSamples, weight: 2 }, { arbitrary: fc.string({ unit: "binary", maxLength: 6 }), weight: 1 }), { numRuns: n, seed });

/** A document holding `s` at `place`, and where to find it in the parsed value. */
function docOf(s: string, place: YamlPlace): { text: string; get: (v: unknown) => unknown } {
  if (place === "key") return { text: `${s}: 1\n`, get: (v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : v) };
  if (place === "flow") return { text: `a: [${s}, ${s}]\n`, get: (v) => (v as { a?: unknown })?.a };
  return { text: `a: ${s}\n`, get: (v) => (v as { a?: unknown })?.a };
}
const expected = (s: string, place: YamlPlace): unknown => (place === "key" ? [s] : place === "flow" ? [s, s] : s);

describe("YAML dialect: plain scalars", () => {
  const samples = [...new Set(strings(6000, 7))];
  for (const place of ["block", "key", "flow"] as YamlPlace[]) {
    it(`every string written plain at ${place} is read back as itself (yaml 1.2, yaml 1.1${hasPyYaml() ? ", PyYAML" : ""})`, () => {
      const plain = samples.filter((s) => isPlainSafe(s, place));
      expect(plain.length).toBeGreaterThan(300);
      const docs = plain.map((s) => docOf(s, place));
      const bad: string[] = [];
      const check = (s: string, r: Parsed, who: string, get: (v: unknown) => unknown) => {
        const got = r.ok ? get(r.value) : r;
        if (JSON.stringify(got) !== JSON.stringify(expected(s, place))) bad.push(`${who} ${JSON.stringify(s)} -> ${JSON.stringify(got)}`);
      };
      docs.forEach((d, i) => {
        check(plain[i], parseYaml(d.text, "1.2"), "yaml-1.2", d.get);
        check(plain[i], parseYaml(d.text, "1.1"), "yaml-1.1", d.get);
      });
      if (hasPyYaml()) parsePyYaml(docs.map((d) => d.text)).forEach((r, i) => check(plain[i], r, "pyyaml", docs[i].get));
      expect(bad.slice(0, 20)).toEqual([]);
    });
  }

  it("the plain key words (keys written from a language) are plain-safe keys unless suspect", () => {
    const word = new RegExp(`^(?:${PLAIN_KEY_WORD})$`, "u");
    const suspect = new RegExp(`^(?:${YAML_SUSPECT})$`, "u");
    // fast-check samples BMP classes only: the astral range is left out of the sampler, not of the check.
    const bmp = new RegExp(`^(?:${PLAIN_KEY_WORD.replaceAll("\\u{10000}-\\u{10FFFF}", "")})$`);
    const words = [...new Set(fc.sample(fc.stringMatching(bmp), { numRuns: 5000, seed: 17 }))];
    expect(words.length).toBeGreaterThan(1000);
    expect(words.filter((w) => !suspect.test(w) && !isPlainSafe(w, "key")).slice(0, 10)).toEqual([]);
    expect(["ietf-dots:telemetry", "application/json", "x-foo", "é", "a1"].every((w) => word.test(w))).toBe(true);
  });

  it("quotes the texts that the table's sources resolve (the Norway problem and its relatives)", () => {
    const quoted = ["yes", "No", "on", "OFF", "y", "n", "true", "null", "~", "", "0777", "0o17", "0x1F", "0b101", "1_000", "1:30", "190:20:30.15", ".inf", "-.Inf", ".nan", "1e3", "1.0e+3", ".", "2001-12-14", "2001-12-14 21:59:43.10 -5", "<<", "=", "- a", "a: b", "a #b", "a:", " a", "a ", "#a", "&a", "*a", "!a", "|", ">", "'a", '"a', "%a", "@a", "`a", "---", "...x", "a\tb", "a\u2028b"];
    expect(quoted.filter((s) => isPlainSafe(s, "block"))).toEqual([]);
    // Version numbers and addresses: the 1.1 type repository's float pattern ([0-9.]* after the point) would read
    // them as floats, but no 1.1 parser does (the table's float row follows PyYAML and the yaml package: [0-9_]*).
    const versions = ["1.2.3", "3.2.0", "10.0.0.1", ".1.3.6.1", "1..2", "0.0.0.0"];
    expect(versions.filter((s) => !isPlainSafe(s, "block"))).toEqual([]);
    const asString = (s: string): Parsed => ({ ok: true, value: s });
    for (const version of ["1.1", "1.2"] as const) expect(versions.map((s) => parseYaml(`${s}\n`, version))).toEqual(versions.map(asString));
    if (hasPyYaml()) expect(parsePyYaml(versions.map((s) => `${s}\n`))).toEqual(versions.map(asString));
    const plain = ["Norway", "NO2", "yesterday", "1.2a", "-a", "?a", ":a", "a:b", "a#b", "http://x.org/a?b#c", "a b  c", "élan", "1 2", "v1.0", "0x", "null2", "--", ".5a"];
    expect(plain.filter((s) => !isPlainSafe(s, "block"))).toEqual([]);
    expect(["a,b", "[a", "a]", "{a", "a?b", "?a", ":a"].filter((s) => isPlainSafe(s, "flow"))).toEqual([]);
  });
});

describe("YAML dialect: the resolver table agrees with the parsers", () => {
  const samples = [...new Set(strings(5000, 11))].filter((s) => !/[\n\r\u0085\u2028\u2029]/.test(s));
  const matches = (s: string, source: string) => YAML_RESOLVERS.some((r) => r.source === source && new RegExp(`^(?:${r.pattern})$`, "u").test(s));
  // Texts the plain syntax can hold (others are not plain scalars at all, so no resolver sees them).
  const resolvable = samples.filter((s) => /^[^\s\-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/[\u0000-\u001f\u007f-\u009f\ufeff\ufffe\uffff]/u.test(s) && !/: |:$| #|\s$|[\t]/.test(s) && !/^(---|\.\.\.)/.test(s));
  const isString = (r: Parsed, s: string) => r.ok && (r.value as { a?: unknown }).a === s;
  for (const [source, version] of [["yaml-1.2-core", "1.2"], ["yaml-npm-1.1", "1.1"]] as const) {
    it(`${source}: non-string exactly when the table matches`, () => {
      const bad: string[] = [];
      for (const s of resolvable) {
        const r = parseYaml(`a: ${s}\n`, version);
        const table = matches(s, source) || (source === "yaml-npm-1.1" && matches(s, "yaml-1.2-core") && /^(?:~|null|Null|NULL|)$/.test(s));
        if (isString(r, s) === table) bad.push(`${JSON.stringify(s)}: table ${table ? "non-string" : "string"}, parser ${JSON.stringify(r)}`);
      }
      expect(bad.slice(0, 20)).toEqual([]);
    });
  }
  it("the grammar's simpler superset holds every text of the table", () => {
    const table = new RegExp(`^(?:${YAML_NON_STRING})$`, "u");
    const suspect = new RegExp(`^(?:${YAML_SUSPECT})$`, "u");
    const inTable = [...new Set(fc.sample(resolverSamples, { numRuns: 20000, seed: 13 }))];
    expect(inTable.every((s) => table.test(s))).toBe(true);
    expect(inTable.filter((s) => !suspect.test(s)).slice(0, 10)).toEqual([]);
  });
  it.skipIf(!hasPyYaml())("pyyaml: non-string (or an error) exactly when the table matches", () => {
    const rs = parsePyYaml(resolvable.map((s) => `a: ${s}\n`));
    const bad: string[] = [];
    resolvable.forEach((s, i) => {
      if (isString(rs[i], s) === matches(s, "pyyaml")) bad.push(`${JSON.stringify(s)}: table ${matches(s, "pyyaml") ? "non-string" : "string"}, parser ${JSON.stringify(rs[i])}`);
    });
    expect(bad.slice(0, 20)).toEqual([]);
  });
});

describe("YAML dialect: double-quoted scalars and numbers", () => {
  it("every string, double-quoted on one line, is read back exactly", () => {
    const samples = fc.sample(fc.oneof(fc.string({ unit: "binary", maxLength: 12 }), fc.string({ unit: fc.integer({ min: 0, max: 0x3000 }).map((c) => String.fromCodePoint(c >= 0xd800 && c <= 0xdfff ? 0x2028 : c)), maxLength: 8 }), tricky), { numRuns: 3000, seed: 5 });
    samples.push("\u0085\u2028\u2029\ufeff\ufffe\uffff\u007f\u009f\u0000\u001b", " a ", "a \n b", "---", "\\/");
    const texts = samples.map((s) => `a: ${doubleQuoted(s)}\n`);
    const bad: string[] = [];
    texts.forEach((t, i) => {
      for (const v of ["1.2", "1.1"] as const) {
        const r = parseYaml(t, v);
        if (!isRead(r, samples[i])) bad.push(`yaml-${v} ${JSON.stringify(t)} -> ${JSON.stringify(r)}`);
      }
      expect(doubleQuoted(samples[i])).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
    });
    if (hasPyYaml()) parsePyYaml(texts).forEach((r, i) => isRead(r, samples[i]) || bad.push(`pyyaml ${JSON.stringify(texts[i])} -> ${JSON.stringify(r)}`));
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it("numbers are read back as the same double (exponents written d.d[eE]±d)", () => {
    const all = [...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 2000, seed: 3 }), 1e21, 1e-7, -5e-324, 9.9e307, 0, 123, -0.5].map((x) => (Object.is(x, -0) ? 0 : x));
    // Numbers of e+308 and more have no text (none is below the overflow for every mantissa).
    expect(yamlNumber(1.7976931348623157e308)).toBeNull();
    const xs = all.filter((x) => yamlNumber(x) !== null);
    expect(xs.length).toBeGreaterThan(1500);
    const texts = xs.map((x) => `a: ${yamlNumber(x)}\n`);
    const want = xs;
    const bad: string[] = [];
    texts.forEach((t, i) => {
      for (const v of ["1.2", "1.1"] as const) {
        const r = parseYaml(t, v);
        if (!isRead(r, want[i])) bad.push(`yaml-${v} ${t} -> ${JSON.stringify(r)}`);
      }
    });
    if (hasPyYaml()) parsePyYaml(texts).forEach((r, i) => isRead(r, want[i]) || bad.push(`pyyaml ${texts[i]} -> ${JSON.stringify(r)}`));
    expect(bad.slice(0, 20)).toEqual([]);
  });
});

function isRead(r: Parsed, want: unknown): boolean {
  return r.ok && (r.value as { a?: unknown }).a === want;
}
