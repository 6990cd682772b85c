/**
 * Numeric ranges as regular languages over decimal text.
 *
 * Generated syntax: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`: no exponent, no leading
 * zeros, never `-0` (zero is written `0`, `0.0`...). Unbounded numbers also
 * allow an exponent. Bounds are compared the way ajv compares them (on the
 * IEEE double the text parses to): a text is generated only if its exact
 * decimal value lies within the bounds, and strict bounds `x > b` become
 * `x >= succ(b)` (the next double), so rounding can never push an accepted
 * text onto or past a bound.
 */
import { rx, type RegexAst } from "@formwork/regex";

const DIGITS = rx.chars([0x30, 0x39]);
const NONZERO = rx.chars([0x31, 0x39]);
const EMPTY: RegexAst = rx.nothing;
const digitRange = (a: number, b: number): RegexAst => rx.chars([0x30 + a, 0x30 + b]);

/** A non-negative exact decimal: integer digits (no leading zeros, "0" for zero) and fraction digits (no trailing zeros). */
export interface Dec {
  neg: boolean;
  int: string;
  frac: string;
}

/** The exact decimal written by `String(x)` for a finite double. */
export function decOf(x: number): Dec {
  let s = String(Math.abs(x));
  const neg = x < 0;
  let exp = 0;
  const e = s.indexOf("e");
  if (e >= 0) {
    exp = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  let [i, f = ""] = s.split(".");
  // Shift the decimal point by exp.
  let digits = i + f;
  let point = i.length + exp;
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits + "0".repeat(point - digits.length);
  i = digits.slice(0, point).replace(/^0+/, "") || "0";
  f = digits.slice(point).replace(/0+$/, "");
  return { neg: neg && (i !== "0" || f !== ""), int: i, frac: f };
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
/** The next double above `x` (for finite x). */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] += x > 0 ? 1n : -1n;
  return f64[0];
}
/** The next double below `x`. */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** Canonical integer strings `n` with `a <= n <= b` (b null: no upper bound), a >= 0. */
export function intRange(a: bigint, b: bigint | null): RegexAst {
  if (a < 0n) throw new Error("internal: intRange needs a >= 0");
  if (b !== null && b < a) return EMPTY;
  const out: RegexAst[] = [];
  const la = a.toString().length;
  const lb = b === null ? la : b.toString().length;
  for (let len = la; len <= lb; len++) {
    const lo = len === la ? a : 10n ** BigInt(len - 1);
    const hi = b !== null && len === lb ? b : 10n ** BigInt(len) - 1n;
    out.push(sameLength(lo.toString(), hi.toString()));
  }
  // No upper bound: up to MAX_INT_DIGITS digits (no text reaches Infinity).
  if (b === null && la < MAX_INT_DIGITS) out.push(rx.seq(NONZERO, rx.repeat(DIGITS, la, MAX_INT_DIGITS - 1)));
  return rx.alt(...out);
}

/** Digit strings of length |x| = |y| with x <= s <= y (lexicographic = numeric). */
function sameLength(x: string, y: string): RegexAst {
  if (x.length === 0) return rx.empty;
  const x0 = x.charCodeAt(0) - 48;
  const y0 = y.charCodeAt(0) - 48;
  const rest = x.length - 1;
  if (x0 === y0) return rx.seq(rx.text(x[0]), sameLength(x.slice(1), y.slice(1)));
  const parts: RegexAst[] = [rx.seq(rx.text(x[0]), atLeast(x.slice(1)))];
  if (y0 - x0 > 1) parts.push(rx.seq(digitRange(x0 + 1, y0 - 1), rx.repeat(DIGITS, rest, rest)));
  parts.push(rx.seq(rx.text(y[0]), atMost(y.slice(1))));
  return rx.alt(...parts);
}

/** Digit strings of length |x| that are >= x. */
function atLeast(x: string): RegexAst {
  if (/^0*$/.test(x)) return rx.repeat(DIGITS, x.length, x.length);
  const x0 = x.charCodeAt(0) - 48;
  const parts: RegexAst[] = [rx.seq(rx.text(x[0]), atLeast(x.slice(1)))];
  if (x0 < 9) parts.push(rx.seq(digitRange(x0 + 1, 9), rx.repeat(DIGITS, x.length - 1, x.length - 1)));
  return rx.alt(...parts);
}

/** Digit strings of length |y| that are <= y. */
function atMost(y: string): RegexAst {
  if (/^9*$/.test(y)) return rx.repeat(DIGITS, y.length, y.length);
  const y0 = y.charCodeAt(0) - 48;
  const parts: RegexAst[] = [];
  if (y0 > 0) parts.push(rx.seq(digitRange(0, y0 - 1), rx.repeat(DIGITS, y.length - 1, y.length - 1)));
  parts.push(rx.seq(rx.text(y[0]), atMost(y.slice(1))));
  return rx.alt(...parts);
}

/**
 * Digit strings s (possibly empty) whose value 0.s lies in [0.lo, 0.hi]
 * (null: unbounded on that side; `loStrict` only used for lo = "" meaning
 * "value > 0"). Returns the empty-string flag and the non-empty strings.
 */
function fraction(lo: string | null, loStrictZero: boolean, hi: string | null): { eps: boolean; ne: RegexAst } {
  if (lo === "" && !loStrictZero) lo = null;
  if (hi === "") return lo === null ? { eps: true, ne: rx.repeat(rx.text("0"), 1, Infinity) } : { eps: false, ne: EMPTY };
  const eps = lo === null && true;
  // Upper: 0 <= hi always holds (hi >= 0).
  if (lo === null && hi === null) return { eps, ne: rx.repeat(DIGITS, 1, Infinity) };
  if (lo === "" && hi === null) return { eps: false, ne: rx.seq(rx.repeat(rx.text("0"), 0, Infinity), NONZERO, rx.repeat(DIGITS, 0, Infinity)) };
  const parts: RegexAst[] = [];
  const groups = new Map<string, number[]>();
  for (let d = 0; d <= 9; d++) {
    let lower: string | null | false; // null: satisfied; string: recurse; false: fail
    if (lo === null) lower = null;
    else if (lo === "") lower = d > 0 ? null : "";
    else {
      const l0 = lo.charCodeAt(0) - 48;
      lower = d > l0 ? null : d === l0 ? lo.slice(1) : false;
    }
    let upper: string | null | false;
    if (hi === null) upper = null;
    else if (hi === "") upper = d === 0 ? "" : false;
    else {
      const h0 = hi.charCodeAt(0) - 48;
      upper = d < h0 ? null : d === h0 ? hi.slice(1) : false;
    }
    if (lower === false || upper === false) continue;
    const key = JSON.stringify([lower, upper]);
    const g = groups.get(key);
    if (g) g.push(d);
    else groups.set(key, [d]);
  }
  for (const [key, ds] of groups) {
    const [lower, upper] = JSON.parse(key) as [string | null, string | null];
    const cls = rx.chars(ds.flatMap((d) => [0x30 + d, 0x30 + d]));
    if (lower === null && upper === null) {
      parts.push(rx.seq(cls, rx.repeat(DIGITS, 0, Infinity)));
      continue;
    }
    // Keep "value > 0" strictness only while the lower bound is still the all-zero prefix.
    const sub = fraction(lower, lo === "" && lower === "", upper);
    parts.push(rx.seq(cls, sub.eps ? rx.alt(rx.empty, sub.ne) : sub.ne));
  }
  const zeroOk = (lo === null) && (hi === null || true);
  return { eps: zeroOk && eps, ne: rx.alt(...parts) };
}

function fractionSuffixOf(lo: string | null, loStrictZero: boolean, hi: string | null, integer: boolean): RegexAst {
  const f = fraction(lo, loStrictZero, hi);
  if (integer) return f.eps ? rx.empty : EMPTY;
  const dotted = rx.seq(rx.text("."), f.ne);
  return f.eps ? rx.alt(rx.empty, dotted) : dotted;
}

/** Non-negative decimals y with lo <= y <= hi (hi null: unbounded); `positive` additionally requires y > 0. */
function nonNegative(lo: Dec, hi: Dec | null, positive: boolean, integer: boolean, nonInteger = false): RegexAst {
  const fractionSuffix = (l: string | null, strict: boolean, h: string | null, int: boolean): RegexAst =>
    nonInteger && (l === null || l === "") ? fractionSuffixOf("", true, h, false) : fractionSuffixOf(l, strict, h, int);
  const ilo = BigInt(lo.int);
  const ihi = hi ? BigInt(hi.int) : null;
  if (ihi !== null && ihi < ilo) return EMPTY;
  const strictZero = positive && ilo === 0n;
  const loFrac = lo.frac === "" && !strictZero ? null : lo.frac;
  const parts: RegexAst[] = [];
  if (ihi !== null && ihi === ilo) {
    parts.push(rx.seq(rx.text(lo.int), fractionSuffix(loFrac, strictZero, hi!.frac, integer)));
  } else {
    parts.push(rx.seq(rx.text(lo.int), fractionSuffix(loFrac, strictZero, null, integer)));
    const midHi = ihi === null ? null : ihi - 1n;
    if (midHi === null || midHi >= ilo + 1n) parts.push(rx.seq(intRange(ilo + 1n, midHi), fractionSuffix(null, false, null, integer)));
    if (ihi !== null) parts.push(rx.seq(rx.text(hi!.int), fractionSuffix(null, false, hi!.frac, integer)));
  }
  return rx.alt(...parts);
}

const ZERO: Dec = { neg: false, int: "0", frac: "" };

function cmpDec(a: Dec, b: Dec): number {
  const sa = a.neg ? -1 : 1;
  const sb = b.neg ? -1 : 1;
  if (sa !== sb) return sa - sb;
  const ai = BigInt(a.int);
  const bi = BigInt(b.int);
  let c = ai < bi ? -1 : ai > bi ? 1 : 0;
  if (c === 0) {
    const n = Math.max(a.frac.length, b.frac.length);
    const af = a.frac.padEnd(n, "0");
    const bf = b.frac.padEnd(n, "0");
    c = af < bf ? -1 : af > bf ? 1 : 0;
  }
  return sa * c;
}

function ceilDec(d: Dec): Dec {
  if (d.frac === "") return d;
  if (d.neg) return { neg: d.int !== "0", int: d.int, frac: "" };
  return { neg: false, int: (BigInt(d.int) + 1n).toString(), frac: "" };
}
function floorDec(d: Dec): Dec {
  if (d.frac === "") return d;
  if (!d.neg) return { neg: false, int: d.int, frac: "" };
  return { neg: true, int: (BigInt(d.int) + 1n).toString(), frac: "" };
}

/** Bounds on a JSON number as ajv reads them. */
export interface NumericBounds {
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
}

/**
 * The decimal texts (syntax above) of numbers within `bounds` (integers only
 * with `integer`; numbers with a non-zero fraction only with `nonInteger`). Returns the empty language when no number fits.
 */
export function boundedNumber(bounds: NumericBounds, integer: boolean, nonInteger = false): RegexAst {
  let lo: Dec | null = null;
  let hi: Dec | null = null;
  if (bounds.min !== undefined) {
    if (bounds.min === Infinity) return EMPTY;
    if (bounds.min !== -Infinity) lo = decOf(bounds.minExclusive ? nextUp(bounds.min) : bounds.min);
  }
  if (bounds.max !== undefined) {
    if (bounds.max === -Infinity) return EMPTY;
    if (bounds.max !== Infinity) hi = decOf(bounds.maxExclusive ? nextDown(bounds.max) : bounds.max);
  }
  // Past 1e307 the digit cap of unbounded ranges (MAX_INT_DIGITS) would cut into the range: bound it by the largest double instead.
  if (!hi && lo && !lo.neg && lo.int.length >= MAX_INT_DIGITS) hi = decOf(Number.MAX_VALUE);
  if (!lo && hi && hi.neg && hi.int.length >= MAX_INT_DIGITS) lo = decOf(-Number.MAX_VALUE);
  if (integer) {
    if (lo) lo = ceilDec(lo);
    if (hi) hi = floorDec(hi);
  }
  if (lo && hi && cmpDec(lo, hi) > 0) return EMPTY;
  const parts: RegexAst[] = [];
  // Non-negative part: y in [max(lo, 0), hi].
  if (!hi || !hi.neg) {
    const l = lo && !lo.neg ? lo : ZERO;
    parts.push(nonNegative(l, hi, false, integer, nonInteger));
  }
  // Negative part: x = -y, y > 0, y in [-hi, -lo].
  if (!lo || lo.neg) {
    const yLo: Dec = hi && hi.neg ? { ...hi, neg: false } : ZERO;
    const yHi: Dec | null = lo ? { ...lo, neg: false } : null;
    parts.push(rx.seq(rx.text("-"), nonNegative(yLo, yHi, true, integer, nonInteger)));
  }
  return rx.alt(...parts);
}

/**
 * Most integer digits of a generated number: every text stays below 1e308, so
 * no text parses to Infinity (`JSON.parse` turns 1e400 and a 400-digit
 * integer into Infinity, which is not a JSON value; ajv rejects it as an integer).
 */
export const MAX_INT_DIGITS = 308;

const SIGN = rx.repeat(rx.text("-"), 0, 1);
const FRACTION = rx.repeat(rx.seq(rx.text("."), rx.repeat(DIGITS, 1, Infinity)), 0, 1);
/** Integer digits without leading zeros, 1 to `n` of them. */
const intDigits = (n: number): RegexAst => rx.alt(rx.text("0"), rx.seq(NONZERO, rx.repeat(DIGITS, 0, n - 1)));
const E = rx.chars([0x45, 0x45, 0x65, 0x65]);
const ZEROS = rx.repeat(rx.text("0"), 0, Infinity);

/**
 * Any JSON number whose value is finite as a double (with exponents), or any
 * integer (no exponent, no `-0`). A text is kept when its value is below
 * 1e308 by its digit counts: at most 308 integer digits, and with an exponent
 * e > 0, integer digits + e <= 307 (e of 1 digit: 298 integer digits; of 2:
 * 208; 100..299: 8; 300..307: 1), or e = 308 after a mantissa of at most
 * 1.7976931348623157 (so `JSON.stringify` of every finite double is kept).
 * Negative exponents are free (underflow gives 0 or a subnormal, both finite).
 */
export function anyNumber(integer: boolean): RegexAst {
  return (ANY[integer ? 1 : 0] ??= buildAnyNumber(integer));
}

/** The two languages of `anyNumber`, built once (one object each, so that a syntax can recognise and cache them). */
const ANY: (RegexAst | undefined)[] = [undefined, undefined];

function buildAnyNumber(integer: boolean): RegexAst {
  if (integer) return rx.alt(rx.text("0"), rx.seq(SIGN, NONZERO, rx.repeat(DIGITS, 0, MAX_INT_DIGITS - 1)));
  const mantissa = (n: number) => rx.seq(intDigits(n), FRACTION);
  const plus = rx.seq(E, rx.repeat(rx.text("+"), 0, 1), ZEROS);
  return rx.seq(
    SIGN,
    rx.alt(
      mantissa(MAX_INT_DIGITS),
      rx.seq(mantissa(MAX_INT_DIGITS), E, rx.text("-"), rx.repeat(DIGITS, 1, Infinity)),
      rx.seq(mantissa(298), plus, DIGITS),
      rx.seq(mantissa(208), plus, rx.chars([0x31, 0x39]), DIGITS),
      rx.seq(mantissa(8), plus, rx.chars([0x31, 0x32]), DIGITS, DIGITS),
      rx.seq(mantissa(1), plus, rx.text("30"), rx.chars([0x30, 0x37])),
      rx.seq(boundedNumber({ min: 0, max: 1.7976931348623157 }, false), plus, rx.text("308")),
    ),
  );
}
