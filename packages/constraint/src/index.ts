// @formwork/constraint: a schema, a GBNF grammar or a regex resolved once to a grammar (see README.md).
export { resolveConstraint } from "./resolve.js";
export type { Constraint, ConstraintKind, ConstraintOptions, ConstraintWarning, Syntax } from "./constraint.js";
export { choice } from "./choice.js";
export type { ChoiceValue } from "./choice.js";
export type { SchemaValue } from "./schema-types.js";
export { unknownKeywords, KEYWORDS } from "./keywords.js";
export type { UnknownKeyword } from "./keywords.js";
export { columns } from "./columns.js";
export type { ColumnsOptions } from "./columns.js";
