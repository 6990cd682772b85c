/**
 * Loads `@mlc-ai/web-xgrammar` (XGrammar compiled to WebAssembly) in Node,
 * the peer the mask benchmark measures beside Formwork.
 *
 * The package says `"type": "module"` but ships a CommonJS/UMD bundle, so a
 * plain `import` fails; the file is compiled here as a CommonJS module.
 */
import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname } from "node:path";
import type * as WebXgrammar from "@mlc-ai/web-xgrammar";
import { loadTokenizerJson, loadTokenizerConfig, MODEL_VOCAB_SIZE, type NpmTokenizerName } from "@formwork/testkit";

/** The module's exports (`Grammar`, `GrammarCompiler`, `GrammarMatcher`, `TokenizerInfo`, ...). */
export type WebXgrammarModule = typeof WebXgrammar;

let loaded: WebXgrammarModule | undefined;

/** The web-xgrammar module, loaded once per process. */
export function loadWebXgrammar(): WebXgrammarModule {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = require.resolve("@mlc-ai/web-xgrammar");
  type CjsModule = InstanceType<typeof Module> & { _compile(source: string, filename: string): void; paths: string[] };
  const M = Module as unknown as { new (id: string): CjsModule; _nodeModulePaths(dir: string): string[] };
  const m = new M(file);
  m.filename = file;
  m.paths = M._nodeModulePaths(dirname(file));
  m._compile(readFileSync(file, "utf8"), file);
  loaded = m.exports as WebXgrammarModule;
  return loaded;
}

/**
 * The encoded vocabulary XGrammar's Hugging Face loader would build: the
 * BPE `model.vocab` plus `added_tokens`, by id, empty strings for holes,
 * padded to the model's logits size.
 */
export function xgrammarEncodedVocab(name: NpmTokenizerName): { encoded: string[]; stopTokenIds: number[] } {
  const tj = loadTokenizerJson(name) as unknown as { model: { vocab: Record<string, number> }; added_tokens?: { id: number; content: string }[] };
  const size = MODEL_VOCAB_SIZE[name];
  const encoded: string[] = new Array(size).fill("");
  for (const [text, id] of Object.entries(tj.model.vocab)) if (id < size) encoded[id] = text;
  for (const t of tj.added_tokens ?? []) if (t.id < size) encoded[t.id] = t.content;
  const config = loadTokenizerConfig(name) as { eos_token?: string | { content: string } };
  const eosText = typeof config.eos_token === "string" ? config.eos_token : config.eos_token?.content;
  const eos = (tj.added_tokens ?? []).find((t) => t.content === eosText)?.id;
  return { encoded, stopTokenIds: eos === undefined ? [] : [eos] };
}

/** A `TokenizerInfo` for an npm tokenizer (byte-level BPE, no prefix space). */
export async function xgrammarTokenizerInfo(xg: WebXgrammarModule, name: NpmTokenizerName): Promise<WebXgrammar.TokenizerInfo> {
  const { encoded, stopTokenIds } = xgrammarEncodedVocab(name);
  return xg.TokenizerInfo.createTokenizerInfo(encoded, "byte_level", false, MODEL_VOCAB_SIZE[name], stopTokenIds);
}
