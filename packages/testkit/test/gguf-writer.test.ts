import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { readGgufFileInfo } from "node-llama-cpp";
import { GgufWriter, float16Bits, float16Value, gguf, toFloat16 } from "@formwork/testkit";

const dir = mkdtempSync(join(tmpdir(), "formwork-gguf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("GgufWriter", () => {
  it("writes metadata of every type that node-llama-cpp's GGUF reader reads back", async () => {
    const w = new GgufWriter()
      .set("general.architecture", gguf.str("llama"))
      .set("t.u8", gguf.u8(250))
      .set("t.i8", gguf.i8(-120))
      .set("t.u16", gguf.u16(65000))
      .set("t.i16", gguf.i16(-32000))
      .set("t.u32", gguf.u32(4_000_000_000))
      .set("t.i32", gguf.i32(-2_000_000_000))
      .set("t.f32", gguf.f32(0.5))
      .set("t.f64", gguf.f64(Math.PI))
      .set("t.u64", gguf.u64(2n ** 53n + 1n))
      .set("t.i64", gguf.i64(-(2n ** 40n)))
      .set("t.bool", gguf.bool(true))
      .set("t.str", gguf.str("héllo ▁ 🦙"))
      .set("t.arr_str", gguf.arr("string", ["a", "", "Ġb", "<0x0A>"]))
      .set("t.arr_i32", gguf.arr("int32", [1, -2, 3]))
      .set("t.arr_f32", gguf.arr("float32", [0.25, -1.5]))
      .set("t.arr_bool", gguf.arr("bool", [true, false]));
    const path = join(dir, "meta.gguf");
    w.write(path);
    const info = await readGgufFileInfo(path, { readTensorInfo: true });
    expect(info.version).toBe(3);
    const t = (info.metadata as unknown as { t: Record<string, unknown> }).t;
    expect(t.u8).toBe(250);
    expect(t.i8).toBe(-120);
    expect(t.u16).toBe(65000);
    expect(t.i16).toBe(-32000);
    expect(t.u32).toBe(4_000_000_000);
    expect(t.i32).toBe(-2_000_000_000);
    expect(t.f32).toBe(0.5);
    expect(t.f64).toBe(Math.PI);
    expect(BigInt(t.u64 as bigint)).toBe(2n ** 53n + 1n);
    expect(BigInt(t.i64 as bigint)).toBe(-(2n ** 40n));
    expect(t.bool).toBe(true);
    expect(t.str).toBe("héllo ▁ 🦙");
    expect(t.arr_str).toEqual(["a", "", "Ġb", "<0x0A>"]);
    expect(t.arr_i32).toEqual([1, -2, 3]);
    expect(t.arr_f32).toEqual([0.25, -1.5]);
    expect(t.arr_bool).toEqual([true, false]);
  });

  it.each([32, 64])("aligns f32 and f16 tensor data to %i bytes, where the reader finds it", async (alignment) => {
    const w = new GgufWriter({ alignment }).set("general.architecture", gguf.str("llama"));
    const a = Float32Array.from({ length: 7 }, (_, i) => i * 0.5 - 1);
    const b = Float32Array.from({ length: 3 * 5 }, (_, i) => Math.sin(i));
    w.addTensor({ name: "a", dims: [7], type: "f32", data: a });
    w.addTensor({ name: "b", dims: [3, 5], type: "f16", data: () => b });
    w.addTensor({ name: "c", dims: [1], type: "f32", data: Float32Array.of(42) });
    const path = join(dir, `t${alignment}.gguf`);
    const size = w.write(path);
    const file = readFileSync(path);
    expect(file.length).toBe(size);
    const info = await readGgufFileInfo(path, { readTensorInfo: true });
    expect(info.tensorInfo?.map((x) => [x.name, x.dimensions.map(Number), x.ggmlType])).toEqual([
      ["a", [7], 0],
      ["b", [3, 5], 1],
      ["c", [1], 0],
    ]);
    for (const x of info.tensorInfo ?? []) expect(Number(x.fileOffset) % alignment).toBe(0);
    const at = (name: string) => Number(info.tensorInfo!.find((x) => x.name === name)!.fileOffset);
    expect([...new Float32Array(file.buffer.slice(file.byteOffset + at("a"), file.byteOffset + at("a") + 28))]).toEqual([...a]);
    const half = new Uint16Array(file.buffer.slice(file.byteOffset + at("b"), file.byteOffset + at("b") + 30));
    expect([...half]).toEqual([...toFloat16(b)]);
    expect(file.readFloatLE(at("c"))).toBe(42);
  });

  it("refuses repeated keys and tensors and mismatched sizes", () => {
    const w = new GgufWriter().set("a", gguf.u8(1));
    expect(() => w.set("a", gguf.u8(2))).toThrow(/set twice/);
    w.addTensor({ name: "x", dims: [2], type: "f32", data: new Float32Array(2) });
    expect(() => w.addTensor({ name: "x", dims: [2], type: "f32", data: new Float32Array(2) })).toThrow(/twice/);
    expect(() => w.addTensor({ name: "y", dims: [3], type: "f32", data: new Float32Array(2) })).toThrow(/values/);
  });
});

describe("float16", () => {
  // Oracle: the nearest binary16 value, found by comparing with the neighbours.
  it("rounds every f32 to the nearest binary16, ties to even", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (v) => {
        const h = float16Bits(v);
        const x = float16Value(h);
        const err = Math.abs(x - Math.fround(v));
        for (const n of [h - 1, h + 1]) {
          if ((n & 0x7fff) >= 0x7c00 || n < 0 || n > 0xffff) continue;
          const other = Math.abs(float16Value(n) - Math.fround(v));
          expect(err).toBeLessThanOrEqual(other);
          if (err === other) expect(h & 1).toBe(0);
        }
      }),
      { seed: 3, numRuns: 20000 },
    );
  });

  it("handles the special values", () => {
    expect(float16Bits(0)).toBe(0);
    expect(float16Bits(-0)).toBe(0x8000);
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(1e6)).toBe(0x7c00);
    expect(float16Bits(-Infinity)).toBe(0xfc00);
    expect(float16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(float16Bits(2 ** -24)).toBe(1);
    expect(float16Bits(2 ** -26)).toBe(0);
    for (let h = 0; h < 0x7c00; h += 37) expect(float16Bits(float16Value(h))).toBe(h);
  });
});
