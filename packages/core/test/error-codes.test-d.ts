// Error codes are a string-literal union: tsc refuses a code that docs/errors.md (and ERROR_CODES) does not list.
import { describe, expectTypeOf, it } from "vitest";
import { ArgumentError, CompileError, FormworkError, LimitError, type ErrorCode, type LimitCode, type WarningCode } from "@formwork/core";
import { limitCode } from "@formwork/core/internal";

describe("error codes", () => {
  it("a listed code compiles; an unlisted one does not", () => {
    new CompileError("invalid-schema", "the schema is not an object");
    new ArgumentError("bad-option", "no such option");
    // @ts-expect-error: "no-such-code" is not an ErrorCode
    new CompileError("no-such-code", "x");
    // @ts-expect-error: a misspelled code is refused too
    new LimitError("max-dept", "x");
    // @ts-expect-error: a plain string is not an ErrorCode
    new FormworkError("invalid-schema" as string, "x");
  });

  it("err.code is the union, not string", () => {
    const err = new CompileError("empty-schema", "x");
    expectTypeOf(err.code).toEqualTypeOf<ErrorCode>();
    expectTypeOf<string>().not.toMatchTypeOf<ErrorCode>();
    expectTypeOf<"invalid-schema">().toMatchTypeOf<ErrorCode>();
    // @ts-expect-error: comparing with an unlisted code is a compile error (the types have no overlap)
    void (err.code === "invalid-scheme");
  });

  it("limit codes and warning codes", () => {
    expectTypeOf(limitCode("maxDepth")).toEqualTypeOf<LimitCode>();
    expectTypeOf<LimitCode>().toMatchTypeOf<ErrorCode>();
    expectTypeOf<ErrorCode>().toMatchTypeOf<WarningCode>();
    expectTypeOf<"gbnf-unused-rule">().toMatchTypeOf<WarningCode>();
    expectTypeOf<"gbnf-unused-rule">().not.toMatchTypeOf<ErrorCode>();
  });
});
