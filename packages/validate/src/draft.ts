/**
 * The JSON Schema drafts Formwork knows, and which one a schema is written
 * in: its `$schema` URI first, then the caller's default.
 */

/** A JSON Schema draft: 4, 6, 7, 2019 (2019-09) or 2020 (2020-12). */
export type Draft = 4 | 6 | 7 | 2019 | 2020;

/** The draft a schema without `$schema` is read as, unless the caller says otherwise. */
export const DEFAULT_DRAFT: Draft = 2020;

/** The draft named by a `$schema` URI, or null when it names none we know. */
export function draftOf(schemaUri: unknown): Draft | null {
  if (typeof schemaUri !== "string") return null;
  if (schemaUri.includes("draft-04")) return 4;
  if (schemaUri.includes("draft-06")) return 6;
  if (schemaUri.includes("draft-07")) return 7;
  if (schemaUri.includes("2019-09")) return 2019;
  if (schemaUri.includes("2020-12")) return 2020;
  return null;
}

/** The draft of `schema`: its `$schema`, else `fallback`, else {@link DEFAULT_DRAFT}. */
export function draftOfSchema(schema: unknown, fallback?: Draft): Draft {
  const named = typeof schema === "object" && schema !== null ? draftOf((schema as Record<string, unknown>).$schema) : null;
  return named ?? fallback ?? DEFAULT_DRAFT;
}
