/**
 * Fast-forward: the tokens of the bytes a grammar forces, tokenized the way
 * the model's own tokenizer would, to evaluate in one batch instead of one
 * sampled step each.
 */
import type { Vocabulary } from "@formwork/core";
import type { GrammarMatcher } from "@formwork/grammar";

/** Tokenizes text with the model's tokenizer (special-token text stays text). */
export type Tokenize = (text: string) => readonly number[];

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The longest prefix of `bytes` that is whole UTF-8 characters, as text. */
function wholeCharacters(bytes: Uint8Array): string {
  for (let end = bytes.length; end > 0 && end >= bytes.length - 3; end--) {
    try {
      return fatal.decode(bytes.subarray(0, end));
    } catch {
      // cut inside a character: try one byte shorter
    }
  }
  return "";
}

/**
 * Tokens to fast-forward after `previous` (the last token in the context,
 * or -1 when there is none) given the grammar's forced bytes. Only tokens
 * that are certainly canonical are returned:
 *
 * - the forced text is tokenized together with the previous token's text,
 *   and nothing is returned unless that tokenization starts with `previous`
 *   itself (otherwise the previous token and the forced text would merge);
 * - the last token of the forced text is left out (it might merge with
 *   what follows), so at least two tokens must be forced to gain one.
 *
 * Every returned token is accepted by the matcher (the caller's matcher is
 * left unchanged); their bytes are a prefix of the forced bytes.
 */
export function fastForwardTokens(matcher: GrammarMatcher, vocabulary: Vocabulary, tokenize: Tokenize, previous: number, maxTokens = Infinity): number[] {
  const forced = matcher.forcedBytes(1024);
  if (forced.length < 2 || maxTokens < 1) return [];
  const text = wholeCharacters(forced);
  if (text.length === 0) return [];
  const prevText = previous >= 0 && vocabulary.isText(previous) ? wholeCharactersExact(vocabulary.bytesOf(previous)) : "";
  if (prevText === undefined) return [];
  let tokens = tokenize(prevText + text);
  if (prevText !== "") {
    if (tokens[0] !== previous) return [];
    tokens = tokens.slice(1);
  }
  const take = Math.min(tokens.length - 1, maxTokens);
  if (take < 1) return [];
  const out: number[] = [];
  let offset = 0;
  for (let i = 0; i < take; i++) {
    const id = tokens[i];
    if (!vocabulary.isText(id)) break;
    const b = vocabulary.bytesOf(id);
    if (offset + b.length > forced.length) break;
    let same = true;
    for (let j = 0; j < b.length; j++) if (b[j] !== forced[offset + j]) same = false;
    if (!same) break;
    offset += b.length;
    out.push(id);
  }
  // The forced bytes are forced, so the matcher accepts them; check anyway (cheap) and keep the prefix it takes.
  let accepted = 0;
  for (const id of out) {
    if (!matcher.acceptToken(id)) break;
    accepted++;
  }
  matcher.rollback(accepted);
  return out.slice(0, accepted);
}

/** The token's text when it is whole characters, else undefined. */
function wholeCharactersExact(bytes: Uint8Array): string | undefined {
  try {
    return fatal.decode(bytes);
  } catch {
    return undefined;
  }
}
