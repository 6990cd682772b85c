/**
 * Schema documents, base URIs, `$id`/`$anchor` resources and `$ref`
 * resolution. A `Frame` is a subschema together with where it sits (the
 * document, a JSON pointer for messages) and the base URI its `$ref`s
 * resolve against.
 */
import { CompileError, UnsupportedError } from "@formwork/core";

// The drafts and how a schema names its own live with the validator, so that compiler and validator read a schema alike.
import type { Draft } from "@formwork/validate";
export { draftOf, type Draft } from "@formwork/validate";

const FRAME = Symbol("formwork.frame");

/** A subschema in context. Synthetic schemas (built by the compiler) may hold Frames as subschema values. */
export interface Frame {
  readonly [FRAME]: true;
  /** The schema: a boolean or an object. */
  readonly s: unknown;
  /** A JSON pointer for messages (prefixed by the document URI when it is not the root document). */
  readonly ptr: string;
  /** The URI `$ref`s inside this schema resolve against. */
  readonly base: string;
  /** Identity within one conjunction and the ids of the frames it was expanded from (for `unevaluated*`). */
  readonly tag: FrameTag;
}

/** Where a frame sits in the expansion of a conjunction. */
export interface FrameTag {
  readonly id: number;
  readonly lineage: readonly number[];
  /** Frames produced by negation evaluate nothing. */
  readonly noEval: boolean;
}

let nextId = 1;

/** Makes a frame (a fresh root of its own expansion tree). */
export function frame(s: unknown, ptr: string, base: string): Frame {
  return { [FRAME]: true, s, ptr, base, tag: { id: nextId++, lineage: [], noEval: false } };
}

/** The same frame (same tag) with a different schema, e.g. with one keyword removed. */
export function withSchema(f: Frame, s: unknown): Frame {
  return { [FRAME]: true, s, ptr: f.ptr, base: f.base, tag: f.tag };
}

/** `child` re-tagged as expanded from `parent` (through allOf, $ref, anyOf...). */
export function under(parent: Frame, child: Frame, noEval = false): Frame {
  return { [FRAME]: true, s: child.s, ptr: child.ptr, base: child.base, tag: { id: nextId++, lineage: [...parent.tag.lineage, parent.tag.id], noEval: parent.tag.noEval || noEval } };
}

/** Whether `g` is `f` or was expanded from it, and can evaluate properties/items. */
export function inSubtree(f: Frame, g: Frame): boolean {
  return !g.tag.noEval && (g.tag.id === f.tag.id || g.tag.lineage.includes(f.tag.id));
}

/** Whether a value is a Frame. */
export function isFrame(v: unknown): v is Frame {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[FRAME] === true;
}

/** A JSON pointer token for `t` (most names have neither "~" nor "/", and are their own token). */
const escapeToken = (t: string) => (t.includes("~") || t.includes("/") ? t.replace(/~/g, "~0").replace(/\//g, "~1") : t);

const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];
const SCHEMA_ARRAYS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const SCHEMA_SINGLE = ["additionalProperties", "additionalItems", "unevaluatedItems", "unevaluatedProperties", "contains", "propertyNames", "not", "if", "then", "else", "items"];
/** A bit per keyword that can hold a subschema ("items" is in two lists, with one bit). */
const KEYWORD_BIT = new Map([...SCHEMA_MAPS, ...SCHEMA_ARRAYS, ...SCHEMA_SINGLE].map((k, i, all) => [k, 1 << all.indexOf(k)]));
const bitsOf = (keys: string[]) => keys.map((k) => KEYWORD_BIT.get(k)!);
const MAP_BITS = bitsOf(SCHEMA_MAPS);
const ARRAY_BITS = bitsOf(SCHEMA_ARRAYS);
const SINGLE_BITS = bitsOf(SCHEMA_SINGLE);

/** The default base URI of a schema without `$id`. */
export const DEFAULT_BASE = "formwork:/root.json";

function stripFragment(u: string): string {
  const i = u.indexOf("#");
  return i < 0 ? u : u.slice(0, i);
}

/** Resolves `ref` against `base` (RFC 3986), or throws a `CompileError` at `ptr`. */
export function resolveUri(ref: string, base: string, ptr: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    throw new CompileError("invalid-ref", `Cannot resolve the reference ${JSON.stringify(ref)} against the base URI ${base}`, {
      location: { kind: "pointer", pointer: ptr },
      hint: "Use an absolute URI or a JSON pointer fragment such as #/$defs/name.",
    });
  }
}

/** All documents (the root and preloaded remotes) indexed by resource URI and anchor. */
export class SchemaRegistry {
  private readonly resources = new Map<string, Frame>();
  private readonly anchors = new Map<string, Frame>();
  readonly root: Frame;

  constructor(rootSchema: unknown, readonly draft: Draft, remotes: Record<string, unknown> = {}) {
    for (const [uri, doc] of Object.entries(remotes)) this.index(doc, uri, `${uri}#`, uri);
    const rootId = this.idOf(rootSchema);
    const base = rootId ? resolveUri(rootId, DEFAULT_BASE, "") : DEFAULT_BASE;
    this.root = frame(rootSchema, "", stripFragment(base));
    this.index(rootSchema, DEFAULT_BASE, "", DEFAULT_BASE);
  }

  private idOf(s: unknown): string | undefined {
    if (typeof s !== "object" || s === null || Array.isArray(s)) return undefined;
    const o = s as Record<string, unknown>;
    const id = this.draft === 4 ? o.id : o.$id;
    return typeof id === "string" ? id : undefined;
  }

  private index(s: unknown, base: string, ptr: string, docUri: string): void {
    if (typeof s !== "object" || s === null || Array.isArray(s)) {
      if (ptr === "" || ptr.endsWith("#")) this.resources.set(stripFragment(base), frame(s, ptr, stripFragment(base)));
      return;
    }
    const o = s as Record<string, unknown>;
    let here = base;
    const id = this.idOf(o);
    // In draft 7 and earlier, $ref makes its siblings (including $id) ignored.
    const idIgnored = this.draft <= 7 && typeof o.$ref === "string";
    if (id !== undefined && !idIgnored) {
      if (id.startsWith("#") && this.draft <= 7) {
        this.anchors.set(`${stripFragment(base)}#${id.slice(1)}`, frame(s, ptr, stripFragment(base)));
      } else {
        here = resolveUri(id, base, ptr);
        const f = frame(s, ptr, stripFragment(here));
        this.resources.set(stripFragment(here), f);
        const frag = new URL(here).hash.slice(1);
        if (frag && this.draft <= 7) this.anchors.set(`${stripFragment(here)}#${frag}`, f);
      }
    }
    if (ptr === "" || ptr.endsWith("#")) this.resources.set(stripFragment(here), frame(s, ptr, stripFragment(here)));
    for (const key of ["$anchor", "$dynamicAnchor"]) {
      if (typeof o[key] === "string") this.anchors.set(`${stripFragment(here)}#${o[key]}`, frame(s, ptr, stripFragment(here)));
    }
    // One pass over the schema's own keys finds the keywords that can hold a subschema; only those
    // are read below (most subschemas hold none: a property's {"type": "string"}).
    let present = 0;
    for (const k in o) present |= KEYWORD_BIT.get(k) ?? 0;
    if (present === 0) return;
    const sep = ptr.endsWith("#") ? "" : "";
    for (let i = 0; i < SCHEMA_MAPS.length; i++) {
      if ((present & MAP_BITS[i]) === 0) continue;
      const k = SCHEMA_MAPS[i];
      const m = o[k];
      if (m && typeof m === "object" && !Array.isArray(m)) {
        for (const [name, sub] of Object.entries(m)) this.index(sub, here, `${ptr}${sep}/${escapeToken(k)}/${escapeToken(name)}`, docUri);
      }
    }
    for (let i = 0; i < SCHEMA_ARRAYS.length; i++) {
      if ((present & ARRAY_BITS[i]) === 0) continue;
      const k = SCHEMA_ARRAYS[i];
      const a = o[k];
      if (Array.isArray(a)) a.forEach((sub, i) => this.index(sub, here, `${ptr}/${k}/${i}`, docUri));
    }
    for (let i = 0; i < SCHEMA_SINGLE.length; i++) {
      if ((present & SINGLE_BITS[i]) === 0) continue;
      const k = SCHEMA_SINGLE[i];
      const v = o[k];
      if (v !== undefined && !Array.isArray(v) && (typeof v === "object" || typeof v === "boolean")) this.index(v, here, `${ptr}/${k}`, docUri);
    }
  }

  /** Resolves a `$ref` found in `from`. Throws `CompileError` (`unresolved-ref`) when it points nowhere. */
  resolve(ref: string, from: Frame, ptr: string): Frame {
    const abs = resolveUri(ref, from.base, ptr);
    const hashAt = abs.indexOf("#");
    const docUri = stripFragment(abs);
    const fragment = hashAt < 0 ? "" : decodeURIComponent(abs.slice(hashAt + 1));
    const fail = (): never => {
      throw new CompileError("unresolved-ref", `The reference ${JSON.stringify(ref)} (resolved to ${abs}) points to no schema`, {
        location: { kind: "pointer", pointer: ptr },
        hint: "Check the $defs name or JSON pointer, or preload the remote document with the `remotes` option.",
      });
    };
    if (fragment === "" || fragment.startsWith("/")) {
      const resource = this.resources.get(docUri);
      if (!resource) fail();
      return this.walk(resource!, fragment, fail);
    }
    const anchored = this.anchors.get(`${docUri}#${fragment}`);
    if (!anchored) fail();
    return anchored!;
  }

  private walk(start: Frame, pointer: string, fail: () => never): Frame {
    let cur = start;
    if (pointer === "") return cur;
    for (const raw of pointer.slice(1).split("/")) {
      const token = raw.includes("~") ? raw.replace(/~1/g, "/").replace(/~0/g, "~") : raw;
      const s = cur.s;
      if (typeof s !== "object" || s === null) fail();
      const next = (s as Record<string, unknown>)[token];
      if (next === undefined) fail();
      cur = this.childFrame(cur, token, next);
    }
    return cur;
  }

  /** The frame of `value` found under `token` in `parent` (applying `$id`). */
  childFrame(parent: Frame, token: string, value: unknown): Frame {
    if (isFrame(value)) return value;
    const ptr = `${parent.ptr}/${escapeToken(token)}`;
    let base = parent.base;
    const id = this.idOf(value);
    if (id !== undefined && !(id.startsWith("#") && this.draft <= 7) && !(this.draft <= 7 && typeof (value as Record<string, unknown>).$ref === "string")) {
      base = stripFragment(resolveUri(id, parent.base, ptr));
    }
    return frame(value, ptr, base);
  }

  /** The child frame at a path of tokens below `parent`, or undefined if absent. */
  child(parent: Frame, ...tokens: (string | number)[]): Frame | undefined {
    let cur = parent;
    for (const t of tokens) {
      const s = cur.s;
      if (typeof s !== "object" || s === null) return undefined;
      const v = (s as Record<string, unknown>)[String(t)];
      if (v === undefined) return undefined;
      cur = this.childFrame(cur, String(t), v);
    }
    return cur;
  }
}

/** Throws the standard refusal for a keyword the compiler cannot enforce exactly. */
export function refuse(ptr: string, what: string, hint = "Remove or simplify the keyword, or pass lenient: true to approximate it (with a warning)."): never {
  throw new UnsupportedError("unsupported-keyword", what, { location: { kind: "pointer", pointer: ptr }, hint });
}
