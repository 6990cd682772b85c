/**
 * The sampling settings the speed benchmarks (`bench:select`, `bench:decode`)
 * give each engine, `--sampling same|own`:
 *
 * - `same` (default): every engine samples with node-llama-cpp's defaults,
 *   top-k 40 and top-p 0.95 (min-p 0), at the benchmark's temperature, so
 *   the per-token sampling work is the same job on both sides. Formwork then
 *   reads the best 64 allowed tokens per step (`candidatesToRead`).
 * - `own`: each engine with its own defaults: Formwork top-k 0 and top-p 1
 *   (every allowed token kept, so the best 256 are read per step),
 *   node-llama-cpp top-k 40 and top-p 0.95. The benchmarks' setting before
 *   2026-12-02's decode-cost change.
 */
export type SamplingMode = "same" | "own";

/** node-llama-cpp 3.22's defaults for `LlamaContextSequence.evaluate` (top-k 40, top-p 0.95, min-p 0). */
export const NLC_SAMPLING = { topK: 40, topP: 0.95, minP: 0 } as const;

/** Reads `--sampling`; throws on another value. */
export function samplingMode(value: string | undefined): SamplingMode {
  const v = value ?? "same";
  if (v !== "same" && v !== "own") throw new Error(`--sampling must be "same" or "own", got ${JSON.stringify(v)}`);
  return v;
}

/** Formwork's top-k / top-p / min-p under `mode` (empty: its defaults). */
export function formworkSampling(mode: SamplingMode): { topK?: number; topP?: number; minP?: number } {
  return mode === "same" ? { ...NLC_SAMPLING } : {};
}

/** A line for the benchmark's header. */
export function samplingLine(mode: SamplingMode): string {
  return mode === "same"
    ? "sampling: top-k 40, top-p 0.95 for every engine (node-llama-cpp's defaults; --sampling own for each engine's own)"
    : "sampling: each engine's defaults (Formwork top-k 0, top-p 1: the best 256 allowed read per step; node-llama-cpp top-k 40, top-p 0.95)";
}
