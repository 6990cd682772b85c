/**
 * Vocabulary benchmark: for Qwen3 (151,936 ids) and Llama 3 (128,256 ids),
 * the time to build the exact `Vocabulary` from `tokenizer.json` and from
 * GGUF tokenizer metadata, the `TokenTrie` build time, its node count and
 * memory. Each time is the median of 5 runs (after one warm-up run).
 *
 * Usage: node packages/bench/dist/vocab-bench.js [--json]
 * (the root script `pnpm bench:vocab` builds first).
 */
import { availableParallelism, cpus } from "node:os";
import { TokenTrie, vocabularyFromGguf, vocabularyFromTokenizerJson } from "@formwork/core";
import type { GgufTokenizerMetadata, Vocabulary } from "@formwork/core";
import {
  buildVocabGguf,
  loadTokenizerConfig,
  loadTokenizerJson,
  MODEL_VOCAB_SIZE,
  readGgufTokenizerMetadata,
  type NpmTokenizerName,
} from "@formwork/testkit";
import { median } from "./stats.js";

const RUNS = 5;


function timeIt<T>(f: () => T): { ms: number; value: T } {
  f(); // warm-up
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    value = f();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

function vocabularyBytes(v: Vocabulary): number {
  return v.bytes.byteLength + v.offsets.byteLength + v.kinds.byteLength + v.eogMask.words.byteLength;
}

interface Row {
  vocabulary: NpmTokenizerName;
  ids: number;
  textTokens: number;
  tokenBytes: number;
  fromTokenizerJsonMs: number;
  readGgufMetadataMs: number;
  fromGgufMetadataMs: number;
  vocabularyMemoryBytes: number;
  trieBuildMs: number;
  trieNodes: number;
  trieMemoryBytes: number;
}

async function benchOne(name: NpmTokenizerName): Promise<Row> {
  const json = loadTokenizerJson(name);
  const config = loadTokenizerConfig(name);
  const size = MODEL_VOCAB_SIZE[name];
  const fromJson = timeIt(() => vocabularyFromTokenizerJson(json, { size, config, name }));

  const path = await buildVocabGguf(name);
  const readTimes: number[] = [];
  let meta: GgufTokenizerMetadata | undefined;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    meta = (await readGgufTokenizerMetadata(path)) as unknown as GgufTokenizerMetadata;
    if (i > 0) readTimes.push(performance.now() - t0);
  }
  const fromGguf = timeIt(() => vocabularyFromGguf(meta!, { name }));
  const trie = timeIt(() => new TokenTrie(fromJson.value));
  const vocab = fromJson.value;
  return {
    vocabulary: name,
    ids: vocab.size,
    textTokens: trie.value.textTokenIds.length,
    tokenBytes: vocab.bytes.byteLength,
    fromTokenizerJsonMs: fromJson.ms,
    readGgufMetadataMs: median(readTimes),
    fromGgufMetadataMs: fromGguf.ms,
    vocabularyMemoryBytes: vocabularyBytes(vocab),
    trieBuildMs: trie.ms,
    trieNodes: trie.value.nodeCount,
    trieMemoryBytes: trie.value.memoryBytes,
  };
}

const rows: Row[] = [];
for (const name of ["qwen3", "llama3"] as const) {
  process.stderr.write(`vocab-bench: ${name} (${RUNS} runs)\n`);
  rows.push(await benchOne(name));
}

if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ machine: machine(), runs: RUNS, rows }, null, 2));
} else {
  console.log(`vocab-bench: median of ${RUNS} runs; ${machine()}`);
  const mb = (b: number) => `${(b / 1048576).toFixed(2)} MiB`;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const table: Array<[string, (r: Row) => string]> = [
    ["ids (logits length)", (r) => r.ids.toLocaleString("en")],
    ["text tokens in the trie", (r) => r.textTokens.toLocaleString("en")],
    ["token bytes", (r) => r.tokenBytes.toLocaleString("en")],
    ["Vocabulary from tokenizer.json", (r) => ms(r.fromTokenizerJsonMs)],
    ["read GGUF metadata (node-llama-cpp)", (r) => ms(r.readGgufMetadataMs)],
    ["Vocabulary from GGUF metadata", (r) => ms(r.fromGgufMetadataMs)],
    ["Vocabulary memory", (r) => mb(r.vocabularyMemoryBytes)],
    ["TokenTrie build", (r) => ms(r.trieBuildMs)],
    ["TokenTrie nodes", (r) => r.trieNodes.toLocaleString("en")],
    ["TokenTrie memory", (r) => mb(r.trieMemoryBytes)],
  ];
  const w = Math.max(...table.map(([l]) => l.length));
  console.log(`${"".padEnd(w)}  ${rows.map((r) => r.vocabulary.padStart(12)).join("  ")}`);
  for (const [label, f] of table) console.log(`${label.padEnd(w)}  ${rows.map((r) => f(r).padStart(12)).join("  ")}`);
}

function machine(): string {
  return `${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${availableParallelism()} cores, Node ${process.versions.node}`;
}
