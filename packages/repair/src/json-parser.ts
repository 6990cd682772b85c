/**
 * A tolerant, iterative JSON parser: it reads one value starting at an
 * offset, accepts the mistakes language models make, and records an edit for
 * each. It never recurses (containers live on an explicit stack) and every
 * character is looked at a bounded number of times, so it runs in linear time
 * on any input.
 */
import type { ArrayNode, JsonNode, ObjectNode, ScalarNode } from "./json-node.js";
import { closersOf, isDigit, isIdentStart, isNumberChar, JsonScanner, snippet, type Ctx } from "./json-scanner.js";

const enum St {
  Start, // just after `[` or `{`
  AfterValue,
  AfterComma,
  AfterKey, // object only: a key was read, `:` expected
  AfterColon, // object only: `:` was read, a value expected
}

interface Frame {
  node: ObjectNode | ArrayNode;
  state: St;
  key: string;
  keyStart: number;
}

/** Parses one value with the mistakes models make; see the module comment. */
export class TolerantJsonParser extends JsonScanner {
  /**
   * Parses one value starting at `pos` (which must satisfy `canStartValue`
   * or be a `{`/`[`), leaving `pos` just after it. Returns undefined when the
   * text holds nothing usable there.
   */
  parseValue(): JsonNode | undefined {
    this.truncated = false;
    const stack: Frame[] = [];
    const counts = [0, 0]; // open objects, open arrays
    let result: JsonNode | undefined;
    const t = this.text;

    const attach = (node: JsonNode): void => {
      const f = stack[stack.length - 1];
      if (f === undefined) {
        result = node;
        return;
      }
      const child = node.kind === "scalar" ? node.value : node;
      if (f.node.kind === "array") f.node.items.push(child);
      else {
        f.node.keys.push(f.key);
        f.node.values.push(child);
      }
      f.node.starts.push(node.start);
      f.state = St.AfterValue;
    };
    const close = (): void => {
      const f = stack.pop()!;
      counts[f.node.kind === "object" ? 0 : 1]--;
      attach(f.node);
    };
    // Starts a value at pos: returns a scalar, or pushes a container and
    // returns "pushed", or returns undefined when no value starts here.
    const start = (ctx: Ctx): ScalarNode | "pushed" | undefined => {
      const c = t.charCodeAt(this.pos);
      if (c === 123 || c === 91) {
        const node: ObjectNode | ArrayNode =
          c === 123 ? { kind: "object", start: this.pos, keys: [], values: [], starts: [], partial: false } : { kind: "array", start: this.pos, items: [], starts: [], partial: false };
        stack.push({ node, state: St.Start, key: "", keyStart: 0 });
        counts[c === 123 ? 0 : 1]++;
        this.pos++;
        return "pushed";
      }
      if (closersOf(c) !== undefined) return this.readStringValue(ctx);
      if (isNumberChar(c)) return this.readNumber(ctx);
      if (isIdentStart(c)) return this.readWordValue(ctx);
      return undefined;
    };

    const first = start("top");
    if (first === undefined) return undefined;
    if (first !== "pushed") return first;

    let garbageStart = -1;
    const flushGarbage = (): void => {
      if (garbageStart >= 0) {
        this.edit("remove-garbage", garbageStart, `removed ${JSON.stringify(t.slice(garbageStart, Math.min(this.pos, garbageStart + 40)))}, which cannot be part of the JSON document`);
        garbageStart = -1;
      }
    };
    const garbage = (): void => {
      if (garbageStart < 0) garbageStart = this.pos;
      this.pos++;
    };

    while (stack.length > 0) {
      this.steps++;
      this.skipTrivia();
      const f = stack[stack.length - 1];
      // A closing code fence ends the document as the end of the text does.
      if (this.pos >= this.n || (t.charCodeAt(this.pos) === 96 && t.startsWith("```", this.pos))) {
        flushGarbage();
        this.truncated = true;
        while (stack.length > 0) {
          const g = stack[stack.length - 1];
          if (g.node.kind === "object" && (g.state === St.AfterKey || g.state === St.AfterColon)) {
            this.edit("drop-dangling-key", g.keyStart, `the text ended after the key ${snippet(g.key)} and before its value; dropped the key`);
          }
          g.node.partial = true;
          this.edit("truncated-container", this.pos, `the text ended inside ${g.node.kind === "object" ? "an object" : "an array"} opened at offset ${g.node.start}; closed it`);
          close();
        }
        break;
      }
      const c = t.charCodeAt(this.pos);
      // Closers.
      if (c === 93 || c === 125) {
        flushGarbage();
        const want = f.node.kind === "array" ? 93 : 125;
        if (c === want) {
          if (f.state === St.AfterComma) this.edit("remove-trailing-comma", this.pos, "removed a trailing comma");
          if (f.node.kind === "object" && (f.state === St.AfterKey || f.state === St.AfterColon)) {
            this.edit("drop-dangling-key", f.keyStart, `the key ${snippet(f.key)} has no value; dropped it`);
          }
          this.pos++;
          close();
        } else if (counts[c === 125 ? 0 : 1] > 0) {
          // Closes an outer container: this one's closer is missing.
          if (f.node.kind === "object" && (f.state === St.AfterKey || f.state === St.AfterColon)) {
            this.edit("drop-dangling-key", f.keyStart, `the key ${snippet(f.key)} has no value; dropped it`);
          }
          this.edit("close-container", this.pos, `inserted a missing "${f.node.kind === "array" ? "]" : "}"}" before "${String.fromCharCode(c)}"`);
          close();
        } else {
          this.edit("remove-stray-closer", this.pos, `removed a "${String.fromCharCode(c)}" that closes nothing`);
          this.pos++;
        }
        continue;
      }
      if (c === 44) {
        flushGarbage();
        if (f.state === St.AfterValue) f.state = St.AfterComma;
        else if (f.node.kind === "object" && (f.state === St.AfterKey || f.state === St.AfterColon)) {
          this.edit("drop-dangling-key", f.keyStart, `the key ${snippet(f.key)} has no value; dropped it`);
          f.state = St.AfterComma;
        } else this.edit("remove-extra-comma", this.pos, "removed a comma with no item before it");
        this.pos++;
        continue;
      }
      // An ellipsis standing for "more items".
      if (c === 46 && t.startsWith("...", this.pos) && f.state !== St.AfterColon) {
        this.edit("remove-garbage", this.pos, 'removed "..."');
        this.pos += 3;
        continue;
      }
      if (f.node.kind === "array") {
        if (f.state === St.AfterValue) {
          const c2 = t.charCodeAt(this.pos);
          if (c2 === 123 || c2 === 91 || closersOf(c2) !== undefined || isNumberChar(c2) || isIdentStart(c2)) {
            flushGarbage();
            this.edit("insert-comma", this.pos, "inserted a missing comma between array items");
          } else {
            garbage();
            continue;
          }
        }
        const before = this.pos;
        const r = start("item");
        if (r === undefined) {
          this.pos = before;
          garbage();
          continue;
        }
        flushGarbage();
        if (r !== "pushed") {
          if (this.truncatedNothing) this.truncatedNothing = false;
          else attach(r);
        }
        continue;
      }
      // Object.
      if (f.state === St.AfterKey) {
        if (c === 58 || c === 61) {
          flushGarbage();
          if (c === 61) this.edit("insert-colon", this.pos, 'replaced "=" with ":" after a key');
          this.pos++;
          f.state = St.AfterColon;
          continue;
        }
        if (c === 123 || c === 91 || closersOf(c) !== undefined || isNumberChar(c) || isIdentStart(c)) {
          flushGarbage();
          this.edit("insert-colon", this.pos, `inserted a missing ":" after the key ${snippet(f.key)}`);
          f.state = St.AfterColon;
          continue;
        }
        garbage();
        continue;
      }
      if (f.state === St.AfterColon) {
        const before = this.pos;
        const r = start("value");
        if (r === undefined) {
          this.pos = before;
          garbage();
          continue;
        }
        flushGarbage();
        if (r !== "pushed") {
          // Nothing usable before the end of the text: the key is dropped there.
          if (this.truncatedNothing) this.truncatedNothing = false;
          else attach(r);
        }
        continue;
      }
      // Expecting a key (Start, AfterComma, or AfterValue with a missing comma).
      if (closersOf(c) !== undefined || isIdentStart(c) || isDigit(c) || c === 45) {
        flushGarbage();
        if (f.state === St.AfterValue) this.edit("insert-comma", this.pos, "inserted a missing comma between object members");
        const keyStart = this.pos;
        const key = closersOf(c) !== undefined ? this.readString("key") : this.readUnquotedKey();
        if (key === undefined) {
          this.edit("drop-dangling-key", keyStart, "the text ended inside a key; dropped it");
          f.state = St.AfterComma;
          continue;
        }
        f.key = key.value as string;
        f.keyStart = keyStart;
        f.state = St.AfterKey;
        continue;
      }
      garbage();
    }
    return result;
  }

}
