import { closeSync, openSync, writeSync } from "node:fs";

/**
 * A GGUF v3 writer: metadata of every value type (arrays included) and
 * tensors in f32 or f16, each aligned to `general.alignment` (default 32).
 *
 * File layout (all little-endian): magic `GGUF`, version 3, tensor count
 * (u64), metadata count (u64); the metadata key/value pairs in insertion
 * order; the tensor infos (name, dimension count, dimensions innermost first,
 * type, offset from the start of the data section); padding to the
 * alignment; then each tensor's data, padded to the alignment.
 */

/** GGUF metadata value type codes. */
export const GgufValueType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

/** The name of a scalar GGUF value type. */
export type GgufScalarType = Exclude<keyof typeof GgufValueType, "array">;

/** A typed GGUF metadata value. */
export type GgufValue =
  | { type: "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64"; value: number }
  | { type: "uint64" | "int64"; value: number | bigint }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "array"; itemType: GgufScalarType; value: ArrayLike<number | bigint | boolean | string> };

/** Shorthands for typed metadata values: `gguf.u32(3)`, `gguf.str("llama")`, `gguf.arr("int32", [1, 2])`. */
export const gguf = {
  u8: (value: number): GgufValue => ({ type: "uint8", value }),
  i8: (value: number): GgufValue => ({ type: "int8", value }),
  u16: (value: number): GgufValue => ({ type: "uint16", value }),
  i16: (value: number): GgufValue => ({ type: "int16", value }),
  u32: (value: number): GgufValue => ({ type: "uint32", value }),
  i32: (value: number): GgufValue => ({ type: "int32", value }),
  u64: (value: number | bigint): GgufValue => ({ type: "uint64", value }),
  i64: (value: number | bigint): GgufValue => ({ type: "int64", value }),
  f32: (value: number): GgufValue => ({ type: "float32", value }),
  f64: (value: number): GgufValue => ({ type: "float64", value }),
  bool: (value: boolean): GgufValue => ({ type: "bool", value }),
  str: (value: string): GgufValue => ({ type: "string", value }),
  arr: (itemType: GgufScalarType, value: ArrayLike<number | bigint | boolean | string>): GgufValue => ({
    type: "array",
    itemType,
    value,
  }),
};

/** Tensor element types the writer supports, with their GGML type codes. */
export const GgmlType = { f32: 0, f16: 1 } as const;
export type GgufTensorType = keyof typeof GgmlType;

/** A tensor to write. `data` may be a function, called once at write time, so big tensors are not all held at once. */
export interface GgufTensor {
  name: string;
  /** Dimensions, innermost (contiguous) first, as GGML's `ne`. */
  dims: readonly number[];
  type: GgufTensorType;
  data: Float32Array | (() => Float32Array);
}

const encoder = new TextEncoder();

/** Growable little-endian byte buffer for the header. */
class ByteSink {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number) {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number) { this.reserve(1); this.view.setUint8(this.length, v); this.length += 1; }
  i8(v: number) { this.reserve(1); this.view.setInt8(this.length, v); this.length += 1; }
  u16(v: number) { this.reserve(2); this.view.setUint16(this.length, v, true); this.length += 2; }
  i16(v: number) { this.reserve(2); this.view.setInt16(this.length, v, true); this.length += 2; }
  u32(v: number) { this.reserve(4); this.view.setUint32(this.length, v, true); this.length += 4; }
  i32(v: number) { this.reserve(4); this.view.setInt32(this.length, v, true); this.length += 4; }
  f32(v: number) { this.reserve(4); this.view.setFloat32(this.length, v, true); this.length += 4; }
  f64(v: number) { this.reserve(8); this.view.setFloat64(this.length, v, true); this.length += 8; }
  u64(v: number | bigint) { this.reserve(8); this.view.setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  i64(v: number | bigint) { this.reserve(8); this.view.setBigInt64(this.length, BigInt(v), true); this.length += 8; }
  bytes(b: Uint8Array) { this.reserve(b.length); this.buf.set(b, this.length); this.length += b.length; }
  string(s: string) { const b = encoder.encode(s); this.u64(b.length); this.bytes(b); }
  pad(alignment: number) { const n = (alignment - (this.length % alignment)) % alignment; this.reserve(n); this.buf.fill(0, this.length, this.length + n); this.length += n; }
  result(): Uint8Array { return this.buf.subarray(0, this.length); }
}

function writeScalar(out: ByteSink, type: GgufScalarType, v: number | bigint | boolean | string, key: string) {
  const num = () => {
    if (typeof v !== "number") throw new TypeError(`GGUF ${key}: ${type} value must be a number, got ${typeof v}`);
    return v;
  };
  switch (type) {
    case "uint8": return out.u8(num());
    case "int8": return out.i8(num());
    case "uint16": return out.u16(num());
    case "int16": return out.i16(num());
    case "uint32": return out.u32(num());
    case "int32": return out.i32(num());
    case "float32": return out.f32(num());
    case "float64": return out.f64(num());
    case "uint64": return out.u64(typeof v === "bigint" ? v : num());
    case "int64": return out.i64(typeof v === "bigint" ? v : num());
    case "bool":
      if (typeof v !== "boolean") throw new TypeError(`GGUF ${key}: bool value must be a boolean`);
      return out.u8(v ? 1 : 0);
    case "string":
      if (typeof v !== "string") throw new TypeError(`GGUF ${key}: string value must be a string`);
      return out.string(v);
  }
}

/**
 * Builds a GGUF v3 file: `set` metadata (insertion order is file order),
 * `addTensor` tensors, then `write(path)`. Deterministic: the same calls give
 * the same bytes.
 */
export class GgufWriter {
  readonly alignment: number;
  readonly #metadata = new Map<string, GgufValue>();
  readonly #tensors: GgufTensor[] = [];

  /** `alignment` (default 32, GGUF's default) is written as `general.alignment` when it differs. */
  constructor(options: { alignment?: number } = {}) {
    this.alignment = options.alignment ?? 32;
    if (!Number.isInteger(this.alignment) || this.alignment <= 0 || this.alignment % 8 !== 0) {
      throw new RangeError(`GGUF alignment must be a positive multiple of 8, got ${this.alignment}`);
    }
    if (this.alignment !== 32) this.set("general.alignment", gguf.u32(this.alignment));
  }

  /** Adds a metadata key; throws if the key was already set. */
  set(key: string, value: GgufValue): this {
    if (this.#metadata.has(key)) throw new Error(`GGUF metadata key "${key}" set twice`);
    this.#metadata.set(key, value);
    return this;
  }

  /** Adds a tensor; throws on a repeated name or a data length that does not match `dims`. */
  addTensor(tensor: GgufTensor): this {
    if (this.#tensors.some((t) => t.name === tensor.name)) throw new Error(`GGUF tensor "${tensor.name}" added twice`);
    if (tensor.dims.length < 1 || tensor.dims.length > 4) throw new RangeError(`GGUF tensor "${tensor.name}" must have 1 to 4 dimensions`);
    if (tensor.data instanceof Float32Array && tensor.data.length !== elementCount(tensor.dims)) {
      throw new RangeError(`GGUF tensor "${tensor.name}" has ${tensor.data.length} values for dims ${tensor.dims.join("×")}`);
    }
    this.#tensors.push(tensor);
    return this;
  }

  /** The header: everything before the tensor data, padded to the alignment. */
  header(): Uint8Array {
    const out = new ByteSink();
    out.bytes(encoder.encode("GGUF"));
    out.u32(3);
    out.u64(this.#tensors.length);
    out.u64(this.#metadata.size);
    for (const [key, value] of this.#metadata) {
      out.string(key);
      out.u32(GgufValueType[value.type]);
      if (value.type === "array") {
        out.u32(GgufValueType[value.itemType]);
        out.u64(value.value.length);
        for (let i = 0; i < value.value.length; i++) writeScalar(out, value.itemType, value.value[i], key);
      } else {
        writeScalar(out, value.type, value.value, key);
      }
    }
    let offset = 0;
    for (const t of this.#tensors) {
      out.string(t.name);
      out.u32(t.dims.length);
      for (const d of t.dims) out.u64(d);
      out.u32(GgmlType[t.type]);
      out.u64(offset);
      offset += alignUp(tensorBytes(t), this.alignment);
    }
    out.pad(this.alignment);
    return out.result();
  }

  /** Writes the file at `path` (overwriting it) and returns its size in bytes. */
  write(path: string): number {
    const fd = openSync(path, "w");
    try {
      const header = this.header();
      writeAll(fd, header);
      let size = header.length;
      for (const t of this.#tensors) {
        const values = typeof t.data === "function" ? t.data() : t.data;
        if (values.length !== elementCount(t.dims)) {
          throw new RangeError(`GGUF tensor "${t.name}" has ${values.length} values for dims ${t.dims.join("×")}`);
        }
        const bytes = t.type === "f32" ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength) : new Uint8Array(toFloat16(values).buffer);
        writeAll(fd, bytes);
        const pad = alignUp(bytes.length, this.alignment) - bytes.length;
        if (pad > 0) writeAll(fd, new Uint8Array(pad));
        size += bytes.length + pad;
      }
      return size;
    } finally {
      closeSync(fd);
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array) {
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function tensorBytes(t: GgufTensor): number {
  return elementCount(t.dims) * (t.type === "f32" ? 4 : 2);
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE 754 binary16 bits of `v`, rounded to nearest, ties to even (overflow → ±Inf, NaN kept). */
export function float16Bits(v: number): number {
  f32Scratch[0] = v;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): value / 2^-24, rounded.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** The value of binary16 bits `h`. */
export function float16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Converts f32 values to binary16 bits. */
export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float16Bits(values[i]);
  return out;
}
