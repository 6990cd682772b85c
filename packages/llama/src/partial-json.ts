/**
 * The value of a JSON prefix, for streaming partial values: what the text
 * generated so far already says, with open strings, arrays and objects
 * closed and an unfinished key, number or literal left out.
 */

/**
 * Parses the longest meaningful part of a JSON prefix. Returns `undefined`
 * when nothing is known yet (empty text, or an unfinished scalar at the top).
 * Strings that are still open are returned as far as they go; a property
 * whose value has not started is left out. Never throws on a prefix of valid
 * JSON; on text that is not a JSON prefix it returns what it parsed before
 * the fault.
 */
export function parsePartialJson(text: string): unknown {
  const p = new PartialParser(text);
  p.ws();
  const v = p.value();
  return v === MISSING ? undefined : v;
}

const MISSING = Symbol("missing");
type Value = unknown | typeof MISSING;

class PartialParser {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i])) this.i++;
  }

  value(): Value {
    const c = this.s[this.i];
    if (c === undefined) return MISSING;
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string().value;
    return this.scalar();
  }

  object(): Value {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c === undefined) return out;
      if (c === "}") {
        this.i++;
        return out;
      }
      if (c === ",") {
        this.i++;
        continue;
      }
      if (c !== '"') return out;
      const key = this.string();
      if (!key.closed) return out;
      this.ws();
      if (this.s[this.i] !== ":") return out;
      this.i++;
      this.ws();
      const start = this.i;
      const v = this.value();
      if (v === MISSING) return out;
      out[key.value] = v;
      if (this.i === start) return out;
    }
  }

  array(): Value {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c === undefined) return out;
      if (c === "]") {
        this.i++;
        return out;
      }
      if (c === ",") {
        this.i++;
        continue;
      }
      const start = this.i;
      const v = this.value();
      if (v === MISSING) return out;
      out.push(v);
      if (this.i === start) return out;
    }
  }

  string(): { value: string; closed: boolean } {
    const s = this.s;
    let j = this.i + 1;
    let out = "";
    while (j < s.length) {
      const c = s[j];
      if (c === '"') {
        this.i = j + 1;
        return { value: out, closed: true };
      }
      if (c === "\\") {
        const e = s[j + 1];
        if (e === undefined) break;
        if (e === "u") {
          const hex = s.slice(j + 2, j + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) break;
          out += String.fromCharCode(parseInt(hex, 16));
          j += 6;
          continue;
        }
        const map: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        out += map[e] ?? e;
        j += 2;
        continue;
      }
      out += c;
      j++;
    }
    this.i = s.length;
    return { value: out, closed: false };
  }

  scalar(): Value {
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) return MISSING;
    const end = this.i + m[0].length;
    // A number or literal running to the end of the text may still grow: not known yet.
    if (end >= this.s.length) return MISSING;
    this.i = end;
    return JSON.parse(m[0]);
  }
}
