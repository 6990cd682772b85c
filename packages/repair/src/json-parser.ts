/**
 * A tolerant, iterative JSON parser: it reads one value starting at an
 * offset, accepts the mistakes language models make, and records an edit for
 * each. It never recurses (containers live on an explicit stack) and every
 * character is looked at a bounded number of times, so it runs in linear time
 * on any input.
 */
import { plainOf, type ArrayNode, type Child, type JsonNode, type ObjectNode, type ScalarNode } from "./json-node.js";
import { Ch, closersOf, isDigit, isIdentStart, isNewline, isNumberChar, isOpener, isWs } from "./json-chars.js";
import { snippet, type Ctx, type StepGuard } from "./json-scanner.js";
import { JsonScalarScanner } from "./json-scalars.js";

const enum St {
  Start, // just after `[` or `{`
  AfterValue,
  AfterComma,
  AfterKey, // object only: a key was read, `:` expected
  AfterColon, // object only: `:` was read, a value expected
}

/** What `mark` saves. */
export interface ParserMark {
  pos: number;
  steps: number;
  edits: number;
  truncated: boolean;
  truncatedNothing: boolean;
  garbageStart: number;
  unicodeWsAt: number;
  sawUnquotedKey: boolean;
  rescanBudget: number;
  frame: Frame | undefined;
}

/**
 * Streaming: where the parser writes the value as it reads it, instead of
 * building it (json-stream.ts). `key` is the member's key inside an object.
 */
export interface ValueSink {
  open(kind: "object" | "array", key: string | undefined): void;
  scalar(value: unknown, key: string | undefined): void;
  close(kind: "object" | "array"): void;
}

interface Frame {
  node: ObjectNode | ArrayNode;
  state: St;
  key: string;
  keyStart: number;
  /** The last key was written without quotes (a stray word may have been taken for it). */
  keyUnquoted: boolean;
  /** The object's keys so far, for objects too large to search linearly (built lazily). */
  keySet?: Set<string>;
  /** The state before the last key (to go back when that key turns out to be a stray word). */
  beforeKey: St;
}

/** Parses one value with the mistakes models make; see the module comment. */
export class TolerantJsonParser extends JsonScalarScanner {
  /** Open containers, innermost last. */
  private stack: Frame[] = [];
  /** Open objects and open arrays (to tell whether a closer closes an outer container). */
  private openObjects = 0;
  private openArrays = 0;
  private result: JsonNode | undefined;
  /** Start of a run of characters being dropped as garbage, or -1. */
  private garbageStart = -1;
  /** Streaming: the first characters of the garbage run when the window moved past its start. */
  private garbagePrefix: string | undefined = undefined;
  /** Streaming: the value is written here as it is read, and not kept (see `ValueSink`). */
  sink: ValueSink | undefined = undefined;

  /**
   * `values` mode (`true`): each container becomes its plain value as it
   * closes (`plain`), its children are not kept as nodes and no offsets are
   * recorded, so the parse holds about what the value itself holds. For a
   * repair without a schema, which needs no offsets nor the spine of a cut-off
   * value. Default false: the full tree.
   */
  constructor(text: string, readonly valuesMode = false) {
    super(text);
  }

  /**
   * Parses one value starting at `pos` (which must satisfy `canStartValue`
   * or be a `{`/`[`), leaving `pos` just after it. Returns undefined when the
   * text holds nothing usable there.
   */
  parseValue(): JsonNode | undefined {
    const first = this.beginValue();
    if (first !== "pushed") return first;
    while (this.stack.length > 0) this.step();
    return this.endValue();
  }

  /**
   * Starts one value at `pos` (see `parseValue`): a scalar, undefined, or
   * "pushed" when a container opened; then `step` until `depth` is 0 and
   * `endValue`. Streaming drives these one at a time (json-stream.ts).
   */
  beginValue(): ScalarNode | "pushed" | undefined {
    this.truncated = false;
    this.stack = [];
    this.openObjects = 0;
    this.openArrays = 0;
    this.result = undefined;
    this.garbageStart = -1;
    this.garbagePrefix = undefined;
    this.unicodeWsAt = -1;
    return this.startValue("top");
  }

  /** Open containers of the value being parsed. */
  get depth(): number {
    return this.stack.length;
  }

  /** One token of the value being parsed (a closer, a comma, a key, an item...), or its end. */
  step(): void {
    this.steps++;
    this.foldEdits();
    this.skipTrivia();
    if (this.atDocumentEnd()) {
      // Streaming: the end of the window is not the end of the input.
      if (this.pos >= this.n) this.checkReach();
      this.closeAllAtEnd();
      return;
    }
    const f = this.stack[this.stack.length - 1];
    const c = this.text.charCodeAt(this.pos);
    if (c === Ch.CloseBracket || c === Ch.CloseBrace) this.onCloser(f, c);
    else if (c === Ch.Comma) this.onComma(f);
    else if (c === Ch.Dot && this.text.startsWith("...", this.pos) && f.state !== St.AfterColon) {
      // An ellipsis standing for "more items".
      this.edit("remove-garbage", this.pos, 'removed "..."');
      this.pos += 3;
    } else if (f.node.kind === "array") this.arrayStep(f, c);
    else if (f.state === St.AfterKey) this.afterKeyStep(f, c);
    else if (f.state === St.AfterColon) this.readMemberValue();
    else this.keyStep(f, c);
  }

  /** After the last `step`: the value (and the edit for non-ASCII whitespace, once per value). */
  endValue(): JsonNode | undefined {
    if (this.unicodeWsAt >= 0) this.edit("normalize-whitespace", this.unicodeWsAt, "read non-ASCII whitespace between tokens (no-break, ideographic or other Unicode spaces) as spaces");
    return this.result;
  }

  /**
   * Streaming: the state a step may change before its first structural
   * change (a push, an attach, a close), to take the step back when it
   * needs more text (`NEED_MORE`).
   */
  mark(): ParserMark {
    const f = this.stack[this.stack.length - 1];
    return {
      pos: this.pos, steps: this.steps, edits: this.edits.length, truncated: this.truncated, truncatedNothing: this.truncatedNothing,
      garbageStart: this.garbageStart, unicodeWsAt: this.unicodeWsAt, sawUnquotedKey: this.sawUnquotedKey, rescanBudget: this.rescanBudget,
      frame: f === undefined ? undefined : { ...f },
    };
  }

  /** Takes the current step back to `m` (see `mark`). */
  rewind(m: ParserMark): void {
    this.pos = m.pos;
    this.steps = m.steps;
    this.edits.length = m.edits;
    this.truncated = m.truncated;
    this.truncatedNothing = m.truncatedNothing;
    this.garbageStart = m.garbageStart;
    this.unicodeWsAt = m.unicodeWsAt;
    this.sawUnquotedKey = m.sawUnquotedKey;
    this.rescanBudget = m.rescanBudget;
    if (m.frame !== undefined) Object.assign(this.stack[this.stack.length - 1], m.frame);
  }

  /**
   * Streaming: the window now starts `delta` characters later in the input
   * (`text` lost its first `delta` characters) and holds `added` more
   * characters at its end: offsets held are moved.
   */
  shiftWindow(text: string, delta: number, added: number): void {
    this.rescanBudget += added;
    if (delta === 0) {
      this.text = text;
      this.n = text.length;
      return;
    }
    if (this.garbageStart >= 0 && this.garbageStart < delta && this.garbagePrefix === undefined) {
      this.garbagePrefix = this.text.slice(this.garbageStart, Math.min(this.pos, this.garbageStart + 40));
    }
    this.text = text;
    this.n = text.length;
    this.base += delta;
    this.pos -= delta;
    if (this.garbageStart >= 0) this.garbageStart -= delta;
    if (this.unicodeWsAt >= 0) this.unicodeWsAt -= delta;
    for (const f of this.stack) {
      f.keyStart -= delta;
      f.node.start -= delta;
    }
  }

  /** Streaming: starts (`guard`) or ends the look-ahead check of a step, and says whether the input has ended. */
  setStreaming(guard: StepGuard | undefined, final: boolean): void {
    this.guard = guard;
    this.final = final;
  }

  protected override openKind(depth: number): "object" | "array" | undefined {
    return this.stack[this.stack.length - 1 - depth]?.node.kind;
  }

  /** The end of the text, or a closing code fence (which ends the document as the end of the text does). */
  private atDocumentEnd(): boolean {
    return this.pos >= this.n || (this.text.charCodeAt(this.pos) === Ch.Backtick && this.text.startsWith("```", this.pos));
  }

  /** Adds a finished value to the innermost open container (or makes it the result). */
  private attach(node: JsonNode): void {
    this.checkReach();
    const f = this.stack[this.stack.length - 1];
    if (f === undefined) {
      this.result = node;
      return;
    }
    if (this.sink !== undefined) {
      // Streaming: a scalar is written now (a container was written as it was read); only the keys are kept, for duplicates.
      if (f.node.kind === "object") {
        if (this.hasKey(f, f.key)) this.edit("duplicate-key", f.keyStart, `the key ${snippet(f.key)} appears twice in one object; kept the last value`);
        f.node.keys.push(f.key);
        f.keySet?.add(f.key);
      }
      if (node.kind === "scalar") this.sink.scalar(node.value, f.node.kind === "object" ? f.key : undefined);
      f.state = St.AfterValue;
      return;
    }
    // In values mode a closed container is attached as its plain value (only `toValue` of the root reads the children, and it takes `plain`).
    const child = node.kind === "scalar" ? node.value : ((node.plain as unknown as Child | undefined) ?? node);
    if (f.node.kind === "array") f.node.items.push(child);
    else {
      if (this.hasKey(f, f.key)) this.edit("duplicate-key", f.keyStart, `the key ${snippet(f.key)} appears twice in one object; kept the last value`);
      f.node.keys.push(f.key);
      f.node.values.push(child);
      f.keySet?.add(f.key);
    }
    if (!this.valuesMode) f.node.starts.push(node.start);
    f.state = St.AfterValue;
  }

  /** True when the object of `f` already has `key` (a linear search while small, then a set). */
  private hasKey(f: Frame, key: string): boolean {
    const keys = (f.node as ObjectNode).keys;
    if (f.keySet === undefined) {
      if (keys.length < 16) {
        this.steps += keys.length >> 3;
        return keys.includes(key);
      }
      f.keySet = new Set(keys);
    }
    return f.keySet.has(key);
  }

  /** Pops the innermost container and attaches it to its parent. */
  private close(): void {
    this.checkReach();
    const f = this.stack.pop()!;
    if (this.sink !== undefined) {
      if (f.node.kind === "object") this.openObjects--;
      else this.openArrays--;
      this.sink.close(f.node.kind);
      this.attach(f.node);
      return;
    }
    if (f.node.kind === "object") this.openObjects--;
    else this.openArrays--;
    if (this.valuesMode) {
      const n = f.node;
      if (n.kind === "object") {
        n.plain = plainOf(n) as Record<string, unknown>;
        n.keys = [];
        n.values = [];
      } else {
        n.plain = plainOf(n) as unknown[];
        n.items = [];
      }
    }
    this.attach(f.node);
  }

  /**
   * Starts a value at `pos`: returns a scalar, or pushes a container and
   * returns "pushed", or returns undefined when no value starts here.
   */
  private startValue(ctx: Ctx): ScalarNode | "pushed" | undefined {
    const c = this.text.charCodeAt(this.pos);
    if (isOpener(c)) {
      this.checkReach();
      const start = this.pos;
      const node: ObjectNode | ArrayNode =
        c === Ch.OpenBrace ? { kind: "object", start, keys: [], values: [], starts: [], partial: false } : { kind: "array", start, items: [], starts: [], partial: false };
      const parent = this.stack[this.stack.length - 1];
      this.sink?.open(node.kind, parent?.node.kind === "object" ? parent.key : undefined);
      this.stack.push({ node, state: St.Start, key: "", keyStart: 0, keyUnquoted: false, beforeKey: St.Start });
      if (c === Ch.OpenBrace) this.openObjects++;
      else this.openArrays++;
      this.pos++;
      return "pushed";
    }
    if (closersOf(c) !== undefined) return this.readStringValue(ctx);
    if (isNumberChar(c)) return this.readNumber(ctx);
    if (isIdentStart(c)) return this.readWordValue(ctx);
    if (c === Ch.Slash && ctx !== "top") return this.readRegexLiteral();
    return undefined;
  }

  /** Reads an array item or a member value at `pos`, or drops the character as garbage. */
  private readChild(ctx: Ctx): void {
    const before = this.pos;
    const r = this.startValue(ctx);
    if (r === undefined) {
      this.pos = before;
      this.garbage();
      return;
    }
    this.flushGarbage();
    if (r === "pushed") return;
    // Nothing usable before the end of the text: the item (or the key) is dropped there.
    if (this.truncatedNothing) this.truncatedNothing = false;
    else this.attach(r);
  }

  private readMemberValue(): void {
    this.readChild("value");
  }

  private garbage(): void {
    if (this.garbageStart < 0) this.garbageStart = this.pos;
    this.pos++;
  }

  private flushGarbage(): void {
    const g = this.garbageStart;
    if (g >= 0) {
      this.edit("remove-garbage", g, `removed ${JSON.stringify(this.garbagePrefix ?? this.text.slice(g, Math.min(this.pos, g + 40)))}, which cannot be part of the JSON document`);
      this.garbageStart = -1;
      this.garbagePrefix = undefined;
    }
  }

  /** True when an object's key was read but its value was not. */
  private static danglingKey(f: Frame): boolean {
    return f.node.kind === "object" && (f.state === St.AfterKey || f.state === St.AfterColon);
  }

  /**
   * The text ended (or a closing fence came) with containers open: close
   * them all. Before a fence, with no value cut off, the model finished and
   * only forgot the closers; otherwise the text was cut off.
   */
  private closeAllAtEnd(): void {
    this.flushGarbage();
    if (this.pos < this.n && !this.truncated) {
      while (this.stack.length > 0) {
        this.foldEdits();
        const g = this.stack[this.stack.length - 1];
        this.endDanglingMember(g);
        this.edit("close-container", this.pos, `inserted a missing "${g.node.kind === "array" ? "]" : "}"}" before the closing code fence`);
        this.close();
      }
      return;
    }
    this.truncated = true;
    while (this.stack.length > 0) {
      this.foldEdits();
      const g = this.stack[this.stack.length - 1];
      if (TolerantJsonParser.danglingKey(g)) {
        // `{"a":` or `{"a"`: the key is complete, its value was cut off; read as null (as for `{"a":}`).
        this.edit("fill-missing-value", this.pos, `the text ended after the key ${snippet(g.key)} and before its value; read the value as null`);
        this.attach({ kind: "scalar", start: this.pos, value: null, partial: true });
      }
      g.node.partial = true;
      this.edit("truncated-container", this.pos, `the text ended inside ${g.node.kind === "object" ? "an object" : "an array"} opened at offset ${this.base + g.node.start}; closed it`);
      this.close();
    }
  }

  /**
   * A member ends (at `,` or a closer) with no value: after `"a":` the value
   * is missing and becomes null; after `"a"` alone the key is dropped.
   */
  private endDanglingMember(f: Frame): void {
    if (!TolerantJsonParser.danglingKey(f)) return;
    if (f.state === St.AfterColon) {
      this.edit("fill-missing-value", this.pos, `the key ${snippet(f.key)} has a colon but no value; read the value as null`);
      this.attach({ kind: "scalar", start: this.pos, value: null, partial: false });
    } else this.edit("drop-dangling-key", f.keyStart, `the key ${snippet(f.key)} has no value; dropped it`);
  }

  private onCloser(f: Frame, c: number): void {
    this.flushGarbage();
    const want = f.node.kind === "array" ? Ch.CloseBracket : Ch.CloseBrace;
    if (c === want) {
      if (this.stack.length === 1 && f.node.kind === "object" && this.memberFollows(this.pos + 1)) {
        // `{"a": 1}, "b": 2}`: the object closed early; its members go on.
        this.edit("remove-stray-closer", this.pos, 'removed a "}" that closed the object before its last members');
        this.pos++;
        return;
      }
      if (f.state === St.AfterComma) this.edit("remove-trailing-comma", this.pos, "removed a trailing comma");
      this.endDanglingMember(f);
      this.pos++;
      this.close();
    } else if ((c === Ch.CloseBrace ? this.openObjects : this.openArrays) > 0) {
      // Closes an outer container: this one's closer is missing.
      this.endDanglingMember(f);
      this.edit("close-container", this.pos, `inserted a missing "${f.node.kind === "array" ? "]" : "}"}" before "${String.fromCharCode(c)}"`);
      this.close();
    } else {
      this.edit("remove-stray-closer", this.pos, `removed a "${String.fromCharCode(c)}" that closes nothing`);
      this.pos++;
    }
  }

  /** True when `, "key":` follows `at` (after whitespace). */
  private memberFollows(at: number): boolean {
    const t = this.text;
    let j = at;
    while (j < this.n && isWs(t.charCodeAt(j))) j++;
    if (t.charCodeAt(j) !== Ch.Comma) {
      this.steps += j - at;
      return false;
    }
    j++;
    while (j < this.n && isWs(t.charCodeAt(j))) j++;
    this.steps += j - at;
    return closersOf(t.charCodeAt(j)) !== undefined && this.startsExpected(j, "key");
  }

  private onComma(f: Frame): void {
    this.flushGarbage();
    if (f.state === St.AfterValue) f.state = St.AfterComma;
    else if (TolerantJsonParser.danglingKey(f)) {
      this.endDanglingMember(f);
      f.state = St.AfterComma;
    } else this.edit("remove-extra-comma", this.pos, "removed a comma with no item before it");
    this.pos++;
  }

  /**
   * A quote glued to the value before it and followed by a delimiter
   * (`12345",`): a stray closing quote of a value whose opening quote is
   * missing. Drops it and returns true.
   */
  private strayQuote(f: Frame, c: number): boolean {
    if (f.state !== St.AfterValue || closersOf(c) === undefined || isWs(this.text.charCodeAt(this.pos - 1)) || !this.closesUnopened(this.pos, false)) return false;
    this.flushGarbage();
    this.edit("remove-garbage", this.pos, "removed a stray quote after a value", "likely", false);
    this.pos++;
    return true;
  }

  private arrayStep(f: Frame, c: number): void {
    if (this.strayQuote(f, c)) return;
    if (f.state === St.AfterValue) {
      if (!(isOpener(c) || closersOf(c) !== undefined || isNumberChar(c) || isIdentStart(c))) {
        this.garbage();
        return;
      }
      this.flushGarbage();
      this.edit("insert-comma", this.pos, "inserted a missing comma between array items", this.stringsOnOneLine(c) ? "likely" : undefined);
    }
    this.readChild("item");
  }

  /**
   * True when a string starts at `pos` (first character `c`) right after
   * another string on the same line (`"a" "b"`): one string with unescaped
   * quotes is another reading of a missing comma there.
   */
  private stringsOnOneLine(c: number): boolean {
    if (closersOf(c) === undefined) return false;
    let j = this.pos - 1;
    while (j >= 0 && isWs(this.text.charCodeAt(j)) && !isNewline(this.text.charCodeAt(j))) j--;
    this.steps += this.pos - 1 - j;
    return j >= 0 && closersOf(this.text.charCodeAt(j)) !== undefined;
  }

  /** Object, after a key: a `:` (or `=`), or a value with the colon missing. */
  private afterKeyStep(f: Frame, c: number): void {
    if (f.keyUnquoted && closersOf(c) !== undefined && this.startsExpected(this.pos, "key")) {
      // `true, COMMENT "b": 1`: the word was no key but a stray word before the real one.
      this.flushGarbage();
      this.edit("remove-garbage", f.keyStart, `removed the stray word ${snippet(f.key)} before the key`);
      f.state = f.beforeKey;
      f.keyUnquoted = false;
      return;
    }
    if (c === Ch.Colon || c === Ch.Equals) {
      this.flushGarbage();
      if (c === Ch.Equals) this.edit("insert-colon", this.pos, 'replaced "=" with ":" after a key');
      this.pos++;
      f.state = St.AfterColon;
      return;
    }
    if (isOpener(c) || closersOf(c) !== undefined || isNumberChar(c) || isIdentStart(c)) {
      this.flushGarbage();
      this.edit("insert-colon", this.pos, `inserted a missing ":" after the key ${snippet(f.key)}`);
      f.state = St.AfterColon;
      return;
    }
    this.garbage();
  }

  /** Object, expecting a key (Start, AfterComma, or AfterValue with a missing comma). */
  private keyStep(f: Frame, c: number): void {
    if (isOpener(c) && f.state !== St.Start && this.stack.length >= 2 && this.stack[this.stack.length - 2].node.kind === "array") {
      // `[{"a": 1, {"a": 2}]`: a new item begins where a key was expected; the object's `}` is missing.
      this.flushGarbage();
      const comma = f.state === St.AfterComma;
      this.edit("close-container", this.pos, `inserted a missing "}" before "${String.fromCharCode(c)}" (a new array item begins)`);
      this.close();
      if (comma) this.stack[this.stack.length - 1].state = St.AfterComma;
      return;
    }
    if (this.strayQuote(f, c)) return;
    const quoted = closersOf(c) !== undefined;
    if (!(quoted || isIdentStart(c) || isDigit(c) || c === Ch.Minus)) {
      this.garbage();
      return;
    }
    this.flushGarbage();
    if (f.state === St.AfterValue) this.edit("insert-comma", this.pos, "inserted a missing comma between object members", this.stringsOnOneLine(c) ? "likely" : undefined);
    const keyStart = this.pos;
    const key = quoted ? this.readString("key") : this.readUnquotedKey();
    if (key === undefined) {
      this.edit("drop-dangling-key", keyStart, "the text ended inside a key; dropped it");
      f.state = St.AfterComma;
      return;
    }
    f.key = key.value as string;
    f.keyStart = keyStart;
    f.keyUnquoted = !quoted;
    f.beforeKey = f.state;
    f.state = St.AfterKey;
  }
}
