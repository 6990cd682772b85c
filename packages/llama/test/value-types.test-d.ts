// The type of a generation's value, checked by tsc (vitest typecheck): inferred from zod, from a JSON Schema
// literal (inline or `as const`), from choice(); unknown when the schema's type is not known; a wrong property
// access is a compile error.
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { choice, resolveConstraint, type SchemaValue } from "@formwork/constraint";
import { generate, generateStream } from "@formwork/llama";

const personSchema = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" }, tags: { type: "array", items: { type: "string" } } },
  required: ["name", "age"],
  additionalProperties: false,
} as const;

describe("value types", () => {
  it("an `as const` JSON Schema gives its value type (json-schema-to-ts)", () => {
    expectTypeOf<SchemaValue<typeof personSchema>>().toEqualTypeOf<{ name: string; age: number; tags?: string[] }>();
  });

  it("generate() types value from an as-const schema, and a wrong property is a compile error", async () => {
    const r = await generate({ schema: personSchema, prompt: "A person:" });
    expectTypeOf(r.value).toEqualTypeOf<{ name: string; age: number; tags?: string[] } | undefined>();
    expectTypeOf(r.value!.name).toBeString();
    // @ts-expect-error: "nme" is not a property of the schema's values
    void r.value?.nme;
  });

  it("an inline literal needs no `as const`", async () => {
    const r = await generate({ schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false }, prompt: "?" });
    expectTypeOf(r.value).toEqualTypeOf<{ ok: boolean } | undefined>();
  });

  it("zod gives its output type", async () => {
    const Person = z.object({ name: z.string(), age: z.number().int().default(0), role: z.enum(["admin", "user"]).optional() });
    const r = await generate({ schema: Person, prompt: "A person:" });
    expectTypeOf(r.value).toEqualTypeOf<z.output<typeof Person> | undefined>();
    expectTypeOf(r.value!.role).toEqualTypeOf<"admin" | "user" | undefined>();
    // @ts-expect-error: zod's type has no "email"
    void r.value?.email;
  });

  it("choice() gives the union of its literals", async () => {
    const r = await generate({ schema: choice(["yes", "no", 3]), prompt: "?" });
    expectTypeOf(r.value).toEqualTypeOf<"yes" | "no" | 3 | undefined>();
  });

  it("a resolved constraint carries its type into generate() and generateStream()", async () => {
    const c = resolveConstraint({ schema: personSchema })!;
    const r = await generate({ constraint: c, prompt: "A person:" });
    expectTypeOf(r.value).toEqualTypeOf<{ name: string; age: number; tags?: string[] } | undefined>();
    for await (const chunk of generateStream({ schema: personSchema, prompt: "x" })) {
      if (chunk.type === "done") expectTypeOf(chunk.result.value).toEqualTypeOf<{ name: string; age: number; tags?: string[] } | undefined>();
    }
  });

  it("a schema whose type is not known, no schema, a grammar: unknown", async () => {
    const fromFile: object = JSON.parse("{}");
    expectTypeOf((await generate({ schema: fromFile, prompt: "x" })).value).toEqualTypeOf<unknown>();
    expectTypeOf((await generate({ schema: '{"type":"string"}', prompt: "x" })).value).toEqualTypeOf<unknown>();
    expectTypeOf((await generate({ prompt: "x" })).value).toEqualTypeOf<unknown>();
    expectTypeOf((await generate({ grammar: 'root ::= "a"', prompt: "x" })).value).toEqualTypeOf<unknown>();
  });

  it("option names are still checked", async () => {
    // @ts-expect-error: "shema" is not an option
    await generate({ shema: personSchema, prompt: "x" });
  });
});
