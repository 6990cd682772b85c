/**
 * The GBNF syntax (chevrotain `CstParser`), over the tokens of `lexer.ts`
 * after {@link significantTokens} has dropped the newlines llama.cpp skips:
 *
 * ```
 * grammar     ::= rule*
 * rule        ::= Name "::=" alternates Newline
 * alternates  ::= sequence ("|" sequence)*
 * sequence    ::= (primary postfix*)*
 * primary     ::= Literal | CharClass | Name | "(" alternates ")" | "." | TokenRef
 * postfix     ::= "*" | "+" | "?" | "{" Int ("," Int?)? "}"
 * ```
 */
import type { IParserErrorMessageProvider, TokenType, IToken } from "chevrotain";
import { CstParser } from "./chevrotain.js";
import {
  allTokens,
  CharClass,
  Comma,
  Define,
  Dot,
  Int,
  LBrace,
  Literal,
  LParen,
  Name,
  Newline,
  Pipe,
  Plus,
  Question,
  RBrace,
  RParen,
  Star,
  TokenRef,
} from "./lexer.js";

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

/** Describes a token for a message: `'*'`, `the rule name "foo"`, `the end of the text`. */
export function describeToken(t: IToken): string {
  if (t.tokenType === Newline) return t.image === "" ? "the end of the text" : "the end of the line";
  if (t.tokenType === Name) return `the rule name "${t.image}"`;
  if (t.tokenType === Literal) return `the literal ${t.image}`;
  if (t.tokenType === CharClass) return `the class ${t.image}`;
  if (t.image === "" || t.tokenType.name === "EOF") return "the end of the text";
  return `'${t.image}'`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${label(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected a new rule (a name followed by '::=') but found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.add(label(path[0]));
    return `expected ${[...firsts].join(" or ")} but found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const firsts = new Set<string>();
    for (const path of expectedIterationPaths) if (path[0]) firsts.add(label(path[0]));
    return `expected ${[...firsts].join(" or ")} but found ${describeToken(actual[0])}`;
  },
};

class GbnfParser extends CstParser {
  constructor() {
    super(allTokens, { errorMessageProvider: messages, recoveryEnabled: false, maxLookahead: 2, nodeLocationTracking: "onlyOffset" });
    this.performSelfAnalysis();
  }

  grammar = this.RULE("grammar", () => {
    this.MANY(() => this.SUBRULE(this.rule));
  });

  rule = this.RULE("rule", () => {
    this.CONSUME(Name);
    this.CONSUME(Define);
    this.SUBRULE(this.alternates);
    this.CONSUME(Newline);
  });

  alternates = this.RULE("alternates", () => {
    this.SUBRULE(this.sequence);
    this.MANY(() => {
      this.CONSUME(Pipe);
      this.SUBRULE2(this.sequence);
    });
  });

  sequence = this.RULE("sequence", () => {
    this.MANY(() => this.SUBRULE(this.item));
  });

  item = this.RULE("item", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => this.SUBRULE(this.postfix));
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(Literal) },
      { ALT: () => this.CONSUME(CharClass) },
      { ALT: () => this.CONSUME(Name) },
      { ALT: () => this.CONSUME(Dot) },
      { ALT: () => this.CONSUME(TokenRef) },
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.alternates);
          this.CONSUME(RParen);
        },
      },
    ]);
  });

  postfix = this.RULE("postfix", () => {
    this.OR([
      { ALT: () => this.CONSUME(Star) },
      { ALT: () => this.CONSUME(Plus) },
      { ALT: () => this.CONSUME(Question) },
      {
        ALT: () => {
          this.CONSUME(LBrace);
          this.CONSUME(Int, { LABEL: "min" });
          this.OPTION(() => {
            this.CONSUME(Comma);
            this.OPTION2(() => this.CONSUME2(Int, { LABEL: "max" }));
          });
          this.CONSUME(RBrace);
        },
      },
    ]);
  });
}

/** The one parser instance (chevrotain parsers are reusable: set `input`, call a rule). */
export const gbnfParser = new GbnfParser();
