/**
 * Character codes and character classes of the tolerant JSON parser. Codes
 * are UTF-16 code units, as `String.prototype.charCodeAt` returns them.
 */

/** The character codes the JSON scanner and parser branch on. */
export const enum Ch {
  Tab = 0x09,
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Quote = 0x22, // "
  Hash = 0x23, // #
  Dollar = 0x24, // $
  Apostrophe = 0x27, // '
  OpenParen = 0x28, // (
  CloseParen = 0x29, // )
  Star = 0x2a, // *
  Plus = 0x2b, // +
  Comma = 0x2c, // ,
  Minus = 0x2d, // -
  Dot = 0x2e, // .
  Slash = 0x2f, // /
  Digit0 = 0x30,
  Digit9 = 0x39,
  Colon = 0x3a, // :
  Semicolon = 0x3b, // ;
  Equals = 0x3d, // =
  UpperA = 0x41,
  UpperE = 0x45,
  UpperZ = 0x5a,
  OpenBracket = 0x5b, // [
  Backslash = 0x5c, // \
  CloseBracket = 0x5d, // ]
  Underscore = 0x5f, // _
  Backtick = 0x60, // `
  LowerA = 0x61,
  LowerE = 0x65,
  LowerZ = 0x7a,
  OpenBrace = 0x7b, // {
  CloseBrace = 0x7d, // }
  LastAscii = 0x7f,
  NoBreakSpace = 0xa0,
  AcuteAccent = 0xb4, // ´, written as a closing backtick
  LeftSingleQuote = 0x2018, // ‘
  RightSingleQuote = 0x2019, // ’
  LeftDoubleQuote = 0x201c, // “
  RightDoubleQuote = 0x201d, // ”
  ByteOrderMark = 0xfeff,
}

/**
 * Whitespace between tokens: JSON's four, and the Unicode spaces models and
 * copy-paste put there (no-break space, Ogham space, Mongolian vowel
 * separator, the U+2000–U+200A spaces, line and paragraph separators, narrow
 * no-break space, medium mathematical space, ideographic space, BOM).
 */
export function isWs(c: number): boolean {
  if (c === Ch.Space || c === Ch.LineFeed || c === Ch.CarriageReturn || c === Ch.Tab) return true;
  if (c < Ch.NoBreakSpace) return false;
  return (
    c === Ch.NoBreakSpace ||
    c === 0x1680 ||
    c === 0x180e ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === Ch.ByteOrderMark
  );
}

/** True for whitespace that is not JSON's own (it is normalised between tokens). */
export function isUnicodeWs(c: number): boolean {
  return c >= Ch.NoBreakSpace && isWs(c);
}

/** A line break (`\n` or `\r`). */
export function isNewline(c: number): boolean {
  return c === Ch.LineFeed || c === Ch.CarriageReturn;
}

export function isDigit(c: number): boolean {
  return c >= Ch.Digit0 && c <= Ch.Digit9;
}

/** A character that may start an unquoted word (identifier-like, or any non-ASCII character that is not whitespace). */
export function isIdentStart(c: number): boolean {
  return (c >= Ch.UpperA && c <= Ch.UpperZ) || (c >= Ch.LowerA && c <= Ch.LowerZ) || c === Ch.Underscore || c === Ch.Dollar || (c > Ch.LastAscii && !isWs(c));
}

export function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

/** A character of a (possibly loosely written) number: digits, sign, point, exponent. */
export function isNumberChar(c: number): boolean {
  return isDigit(c) || c === Ch.Minus || c === Ch.Plus || c === Ch.Dot || c === Ch.LowerE || c === Ch.UpperE;
}

/** `{` or `[`. */
export function isOpener(c: number): boolean {
  return c === Ch.OpenBrace || c === Ch.OpenBracket;
}

/** `}` or `]`. */
export function isCloser(c: number): boolean {
  return c === Ch.CloseBrace || c === Ch.CloseBracket;
}

/** True for a character that ends an unquoted key: whitespace, `:`, `,`, a bracket, `"`, `'` or `=`. */
export function isKeyStop(c: number): boolean {
  return (
    isWs(c) ||
    c === Ch.Colon ||
    c === Ch.Comma ||
    c === Ch.OpenBrace ||
    c === Ch.CloseBrace ||
    c === Ch.OpenBracket ||
    c === Ch.CloseBracket ||
    c === Ch.Quote ||
    c === Ch.Apostrophe ||
    c === Ch.Equals
  );
}

/** Opening quote characters and the characters that may close each. */
export function closersOf(c: number): string | undefined {
  switch (c) {
    case Ch.Quote:
      return '"';
    case Ch.Apostrophe:
      return "'";
    case Ch.Backtick:
      return "`\u00b4";
    case Ch.LeftDoubleQuote:
    case Ch.RightDoubleQuote:
      return "\u201d\u201c";
    case Ch.LeftSingleQuote:
    case Ch.RightSingleQuote:
      return "\u2019\u2018";
    default:
      return undefined;
  }
}

/** True when `c` opens a string (any quote character `closersOf` knows). */
export function isQuote(c: number): boolean {
  return closersOf(c) !== undefined;
}
