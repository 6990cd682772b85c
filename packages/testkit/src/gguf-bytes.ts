/**
 * Raw GGUF bytes for hostile-input tests and benchmarks: a header with any
 * tensor and key-value counts (2^63 included), and the little-endian pieces
 * to hand-build a malformed file after it. The fixture's `GgufWriter` writes
 * only well-formed files; these write what a hostile file may declare.
 */

/** A little-endian u32. */
export function ggufU32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

/** A little-endian u64. */
export function ggufU64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return b;
}

/** A GGUF string: its UTF-8 length as a u64, then the bytes. */
export function ggufString(s: string): Buffer {
  return Buffer.concat([ggufU64(BigInt(Buffer.byteLength(s))), Buffer.from(s)]);
}

/** The 24-byte GGUF header: magic `GGUF`, version (3 unless given), tensor count and key-value count, as declared (no check). */
export function ggufHeader(tensors: bigint, kvs: bigint, version = 3): Buffer {
  return Buffer.concat([Buffer.from("GGUF"), ggufU32(version), ggufU64(tensors), ggufU64(kvs)]);
}
