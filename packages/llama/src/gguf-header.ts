/**
 * A bounds check of a GGUF file's header, metadata and tensor table before
 * node-llama-cpp reads it. Its reader trusts the counts a file declares: a
 * 24-byte file declaring 2^63 key-values made it loop and grow without
 * bound. Here every count and length is checked against the bytes the file
 * has left, the file is read in fixed-size windows (memory does not depend
 * on the file), and nothing recurses.
 *
 * Layout (GGUF v2 and v3, little-endian): magic `GGUF`, u32 version, u64
 * tensor count, u64 key-value count; each key-value is a string key, a u32
 * type and a value (a string is a u64 length and bytes; an array is a u32
 * element type, a u64 count and the elements); each tensor info is a string
 * name, a u32 dimension count, u64 dimensions, a u32 type and a u64 offset.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ModelError } from "@formwork/core";

/** Byte sizes of the fixed-size GGUF value types by type id (string = 8, array = 9 are variable). */
const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
/** ggml's GGML_MAX_DIMS. */
const MAX_DIMS = 4;
const WINDOW = 1 << 20;

/** Reads a file front to back through one fixed buffer. */
class Reader {
  private readonly buf = Buffer.alloc(WINDOW);
  private bufStart = 0;
  private bufEnd = 0;
  /** Offset of the next byte to read. */
  pos = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly fail: (what: string) => ModelError,
  ) {}

  get left(): number {
    return this.size - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.left) throw this.fail(`${what} at byte ${this.pos} needs ${n} bytes, but the file ends after ${this.left}`);
    if (this.pos + n > this.bufEnd || this.pos < this.bufStart) {
      this.bufStart = this.pos;
      this.bufEnd = this.pos + readSync(this.fd, this.buf, 0, Math.min(WINDOW, this.size - this.pos), this.pos);
    }
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.pos - this.bufStart);
    this.pos += 4;
    return v;
  }

  /** A u64 as a number when it is at most `max` (a count or length that must fit what is left), else a `gguf-header` error. */
  count(what: string, max: number): number {
    this.need(8, what);
    const at = this.pos - this.bufStart;
    const lo = this.buf.readUInt32LE(at);
    const hi = this.buf.readUInt32LE(at + 4);
    this.pos += 8;
    // Above 2^53 a number loses precision; every such count is far past any file anyway.
    const v = hi * 2 ** 32 + lo;
    if (hi >= 2 ** 21 || v > max) {
      const exact = (BigInt(hi) << 32n) | BigInt(lo);
      throw this.fail(`${what} at byte ${this.pos - 8} is ${exact}, but the ${this.left} bytes left hold at most ${max}`);
    }
    return v;
  }

  skip(n: number, what: string): void {
    if (n > this.left) throw this.fail(`${what} at byte ${this.pos} needs ${n} bytes, but the file ends after ${this.left}`);
    this.pos += n;
  }

  string(what: string): void {
    this.skip(this.count(`the length of ${what}`, Math.max(0, this.left - 8)), what);
  }
}

/**
 * Checks that `path` is a GGUF file (v2 or v3) whose declared counts and
 * lengths all fit inside it. Throws `ModelError` `gguf-header` naming what is
 * wrong and where (byte offset). Reads the metadata and tensor table once
 * (a few MB for a real model's vocabulary), not the tensor data.
 */
export function checkGgufFile(path: string): void {
  const fail = (what: string) =>
    new ModelError("gguf-header", `${path} is not a well-formed GGUF file: ${what}`, {
      location: { kind: "file", path },
      hint: "The file is damaged or not a model; download or convert it again (llama.cpp's convert_hf_to_gguf.py writes GGUF v3).",
    });
  const fd = openSync(path, "r");
  try {
    const r = new Reader(fd, fstatSync(fd).size, fail);
    if (r.size < 4 || r.u32("the magic") !== 0x46554747) throw fail('it does not start with the magic "GGUF"');
    const version = r.u32("the version");
    if (version !== 2 && version !== 3) throw fail(`its version is ${version}; llama.cpp reads versions 2 and 3`);
    // Smallest tensor info: empty name (8), dimension count (4), type (4), offset (8). Smallest key-value: empty key (8), type (4), one byte.
    const tensors = r.count("the tensor count", Math.floor(Math.max(0, r.left - 16) / 24));
    const kvs = r.count("the key-value count", Math.floor(Math.max(0, r.left - 8) / 13));
    for (let i = 0; i < kvs; i++) {
      r.string(`key ${i}`);
      const type = r.u32(`the type of key ${i}`);
      if (type === STRING) r.string(`the value of key ${i}`);
      else if (type === ARRAY) {
        const element = r.u32(`the element type of key ${i}`);
        if (element === STRING) {
          const n = r.count(`the length of array ${i}`, Math.floor(Math.max(0, r.left - 8) / 8));
          for (let j = 0; j < n; j++) r.string(`element ${j} of key ${i}`);
        } else if (SCALAR_SIZE[element] !== undefined) {
          const size = SCALAR_SIZE[element];
          r.skip(size * r.count(`the length of array ${i}`, Math.floor(Math.max(0, r.left - 8) / size)), `array ${i}`);
        } else throw fail(`key ${i} is an array of type ${element}, which llama.cpp does not read (nested arrays included)`);
      } else if (SCALAR_SIZE[type] !== undefined) r.skip(SCALAR_SIZE[type], `the value of key ${i}`);
      else throw fail(`key ${i} has the unknown type ${type}`);
    }
    for (let i = 0; i < tensors; i++) {
      r.string(`the name of tensor ${i}`);
      const dims = r.u32(`the dimension count of tensor ${i}`);
      if (dims > MAX_DIMS) throw fail(`tensor ${i} has ${dims} dimensions; ggml allows at most ${MAX_DIMS}`);
      r.skip(8 * dims + 4 + 8, `tensor ${i}'s shape, type and offset`);
    }
  } finally {
    closeSync(fd);
  }
}
