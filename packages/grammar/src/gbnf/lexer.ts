/**
 * The GBNF lexer (chevrotain) and llama.cpp's newline rules.
 *
 * llama.cpp's grammar parser skips spaces, tabs and `#` comments everywhere,
 * but skips newlines only in some places: inside parentheses, after `::=` and
 * after `|`. Anywhere else at the top level a newline ends the rule. We lex
 * newlines as tokens and then drop the ones llama.cpp would skip
 * ({@link significantTokens}), so that the parser sees a newline exactly
 * where one ends a rule.
 */
import type { CustomPatternMatcherFunc, IToken, TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\r\n]*/, group: Lexer.SKIPPED });
export const Newline = createToken({ name: "Newline", pattern: /\r\n|\r|\n/, label: "the end of the line", line_breaks: true });
export const Define = createToken({ name: "Define", pattern: /::=/, label: "'::='" });
export const Pipe = createToken({ name: "Pipe", pattern: /\|/, label: "'|'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "'.'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "'+'" });
export const Question = createToken({ name: "Question", pattern: /\?/, label: "'?'" });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/, label: "'{'", push_mode: "braces" });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/, label: "'}'", pop_mode: true });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Int = createToken({ name: "Int", pattern: /[0-9]+/, label: "an integer" });
/**
 * A matcher for text between `open` and `close` where a backslash escapes the
 * next character, scanned in one loop: a `RegExp` such as
 * `/"(?:\\[\s\S]|[^"\\])*"/` keeps one backtrack entry per character and
 * overflows V8's regexp stack on a literal of a few megabytes.
 */
const BACKSLASH = 0x5c;
function delimited(open: number, close: number): CustomPatternMatcherFunc {
  return (text, offset) => {
    if (text.charCodeAt(offset) !== open) return null;
    for (let i = offset + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i++;
      else if (c === close) return [text.slice(offset, i + 1)];
    }
    return null;
  };
}

/** A string literal; raw newlines are allowed inside, as in llama.cpp. */
export const Literal = createToken({ name: "Literal", pattern: { exec: delimited(0x22, 0x22) }, start_chars_hint: ['"'], label: "a string literal", line_breaks: true });
/** A character class; `\]` does not close it. */
export const CharClass = createToken({ name: "CharClass", pattern: { exec: delimited(0x5b, 0x5d) }, start_chars_hint: ["["], label: "a character class", line_breaks: true });
/** Rule names: letters, digits and dashes (llama.cpp's `is_word_char`; no underscore). */
export const Name = createToken({ name: "Name", pattern: /[a-zA-Z0-9-]+/, label: "a rule name" });
/** llama.cpp's token references `<[id]>`, `<token>`, `!<...>`: lexed so that they can be refused clearly. */
export const TokenRef = createToken({ name: "TokenRef", pattern: /!?<[^>\r\n]*>/, label: "a token reference" });

const mainTokens: TokenType[] = [WhiteSpace, Comment, Newline, Define, Pipe, LParen, RParen, Dot, Star, Plus, Question, LBrace, Literal, CharClass, Name, TokenRef];
const braceTokens: TokenType[] = [WhiteSpace, Comment, Newline, Int, Comma, RBrace];

/** All token types, for the parser. */
export const allTokens: TokenType[] = [...mainTokens, Int, Comma, RBrace];

export const gbnfLexer = new Lexer(
  { modes: { main: mainTokens, braces: braceTokens }, defaultMode: "main" },
  { positionTracking: "full", ensureOptimizations: false },
);

/**
 * Drops the newline tokens that llama.cpp skips: inside parentheses, after
 * `::=`, after `|`, at the start of the text, and repeated newlines. Appends a
 * final newline (at `text.length`, image "") when the text does not end with
 * one, so that every rule ends with a newline token.
 */
export function significantTokens(tokens: IToken[], textLength: number): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LParen) depth++;
    else if (type === RParen && depth > 0) depth--;
    if (type === Newline) {
      const prev = out.length > 0 ? out[out.length - 1].tokenType : undefined;
      if (depth > 0 || prev === undefined || prev === Define || prev === Pipe || prev === Newline) continue;
    }
    out.push(t);
  }
  if (out.length > 0 && out[out.length - 1].tokenType !== Newline) {
    out.push(syntheticEnd(textLength));
  }
  return out;
}

function syntheticEnd(offset: number): IToken {
  return {
    image: "",
    startOffset: offset,
    endOffset: offset - 1,
    tokenType: Newline,
    tokenTypeIdx: Newline.tokenTypeIdx!,
  } as IToken;
}
