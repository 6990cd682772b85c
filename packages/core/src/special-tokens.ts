import { TokenKind } from "./vocabulary.js";

/**
 * llama.cpp's rules for end-of-generation and control tokens, written out so
 * that a `Vocabulary` built from GGUF metadata or a `tokenizer.json` has the
 * same end-of-generation set as `llama_vocab_is_eog` (checked against
 * node-llama-cpp's `isEogToken` in the oracle tests).
 *
 * Source of the rules: `llama_vocab::impl::load` in llama.cpp's
 * `src/llama-vocab.cpp` (the release bundled with node-llama-cpp 3.22.1).
 * llama.cpp matches on the token's stored text (the GGUF string, which for
 * byte-level BPE is the byte-encoded form).
 */

/** Token texts that llama.cpp takes as an end-of-turn token when no `eot_token_id` is given. */
export const EOT_TOKEN_TEXTS: readonly string[] = [
  "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
  "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
];

/** Token texts that always end generation in llama.cpp. */
export const EOG_TOKEN_TEXTS: readonly string[] = [
  "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
  "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
  "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
  "<｜end▁of▁sentence｜>", "[e~[",
];

/** Fill-in-the-middle token texts llama.cpp detects; pad, repo and separator also end generation. */
export const FIM_TOKEN_TEXTS = {
  pre: ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"],
  suf: ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"],
  mid: ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"],
  pad: ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"],
  rep: ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"],
  sep: ["<|file_sep|>"],
} as const;

const GPT_OSS_TEXTS = ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"];
const RULE_TEXTS: ReadonlySet<string> = new Set([
  ...EOT_TOKEN_TEXTS,
  ...EOG_TOKEN_TEXTS,
  "<|eom_id|>",
  ...Object.values(FIM_TOKEN_TEXTS).flat(),
  ...GPT_OSS_TEXTS,
]);

/** Ids given explicitly by metadata (`tokenizer.ggml.*_token_id`), each optional. */
export interface SpecialTokenIds {
  eos?: number | undefined;
  eot?: number | undefined;
  eom?: number | undefined;
  fimPre?: number | undefined;
  fimSuf?: number | undefined;
  fimMid?: number | undefined;
  fimPad?: number | undefined;
  fimRep?: number | undefined;
  fimSep?: number | undefined;
}

/**
 * Applies llama.cpp's special-token rules to a vocabulary's stored token
 * texts: returns the end-of-generation ids (ascending) and updates `kinds` in
 * place where llama.cpp overrides a token's type (text-detected end-of-turn,
 * FIM and end-of-generation tokens become `Control`; gpt-oss's
 * `<|channel|>`-style tokens become `UserDefined`).
 *
 * One approximation: where several texts of one FIM role are present, llama.cpp
 * keeps the first it meets in a hash map (an order it does not define); this
 * treats them all as that role. None of the tested vocabularies has two.
 */
export function applySpecialTokenRules(texts: readonly string[], kinds: Uint8Array, ids: SpecialTokenIds): number[] {
  const n = texts.length;
  const inRange = (id: number | undefined) => (id !== undefined && id >= 0 && id < n ? id : undefined);
  // Only texts that some rule names are looked up (all start with "<", "[", "_" or "▁").
  const byText = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const c = texts[i].charCodeAt(0);
    // llama.cpp's token_to_id keeps the last id of a duplicated text.
    if ((c === 0x3c || c === 0x5b || c === 0x5f || c === 0x2581) && RULE_TEXTS.has(texts[i])) byText.set(texts[i], i);
  }
  const control = (id: number) => {
    if (kinds[id] !== TokenKind.Control) kinds[id] = TokenKind.Control;
  };
  const find = (candidates: readonly string[]): number[] => {
    const out: number[] = [];
    for (const t of candidates) {
      const id = byText.get(t);
      if (id !== undefined) out.push(id);
    }
    return out;
  };
  const detect = (given: number | undefined, candidates: readonly string[]): number[] => {
    const id = inRange(given);
    if (id !== undefined) return [id];
    const found = find(candidates);
    found.forEach(control);
    return found;
  };

  const eot = detect(ids.eot, EOT_TOKEN_TEXTS);
  const eom = detect(ids.eom, ["<|eom_id|>"]);
  detect(ids.fimPre, FIM_TOKEN_TEXTS.pre);
  detect(ids.fimSuf, FIM_TOKEN_TEXTS.suf);
  detect(ids.fimMid, FIM_TOKEN_TEXTS.mid);
  const eog = new Set<number>([
    ...detect(ids.fimPad, FIM_TOKEN_TEXTS.pad),
    ...detect(ids.fimRep, FIM_TOKEN_TEXTS.rep),
    ...detect(ids.fimSep, FIM_TOKEN_TEXTS.sep),
  ]);
  for (const id of find(EOG_TOKEN_TEXTS)) {
    eog.add(id);
    control(id);
  }
  for (const id of find(GPT_OSS_TEXTS)) kinds[id] = TokenKind.UserDefined;
  const eos = inRange(ids.eos);
  if (eos !== undefined) eog.add(eos);
  for (const id of eot) eog.add(id);
  for (const id of eom) eog.add(id);

  // gpt-oss / solar-open: "<|end|>" is not an end of generation there.
  const eogText = new Set([...eog].map((id) => texts[id]));
  if (
    ((eogText.has("<|return|>") && eogText.has("<|call|>")) || (eogText.has("<|calls|>") && eogText.has("<|flush|>"))) &&
    eogText.has("<|end|>")
  ) {
    for (const id of eog) if (texts[id] === "<|end|>") (eog.delete(id), (kinds[id] = TokenKind.UserDefined));
  }
  // gemma4 / paddleocr: "</s>" is not an end of generation where "<|tool_response>" is one.
  if (eogText.has("<|tool_response>") && eogText.has("</s>")) {
    for (const id of eog) if (texts[id] === "</s>") (eog.delete(id), (kinds[id] = TokenKind.Normal));
  }
  return [...eog].sort((a, b) => a - b);
}
