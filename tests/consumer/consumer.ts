// A program as a user writes it in their own project (installed from the packed tarballs by .ci/package-check):
// the fixture model, a JSON Schema written `as const` and a zod schema, typed values.
import { z } from "zod";
import { bestOfN, choice, generate, loadModel, validate } from "formwork";

const schema = {
  type: "object",
  properties: { name: { type: "string", maxLength: 12 }, age: { type: "integer", minimum: 0, maximum: 120 } },
  required: ["name", "age"],
  additionalProperties: false,
} as const;
const Pet = z.object({ kind: z.enum(["cat", "dog"]), legs: z.number().int().min(3).max(4) });

const model = await loadModel({ threads: 1 }); // no model: the fixture model
const person = await generate({ model, prompt: "A person:", schema, seed: 1, maxTokens: 60 });
const pet = await generate({ model, prompt: "A pet:", schema: Pet, seed: 2, maxTokens: 40 });
const answer = await generate({ model, prompt: "Yes or no?", schema: choice(["yes", "no"]), maxTokens: 8 });
const best = await bestOfN({ model, prompt: "A person:", schema, n: 2, seed: 3, maxTokens: 60, select: "mean-logprob" });
await model.dispose();

// The values are typed from the schemas: these lines compile only if they are.
const name: string | undefined = person.value?.name;
const kind: "cat" | "dog" | undefined = pet.value?.kind;
const yesNo: "yes" | "no" | undefined = answer.value;
const bestAge: number | undefined = best.value?.age;
// @ts-expect-error: a property the schema does not have is a compile error
void person.value?.nme;

for (const r of [person, pet, answer]) if (!r.complete || r.value === undefined) throw new Error(`incomplete: ${r.text}`);
if (best.candidates.length !== 2 || !best.chosen?.valid || !validate(schema, best.value).valid) throw new Error("bestOfN chose no valid candidate");
if (!validate(schema, person.value).valid || !Pet.safeParse(pet.value).success) throw new Error("invalid value");
console.log(JSON.stringify({ name, age: person.value?.age, kind, legs: pet.value?.legs, yesNo, bestAge }));
