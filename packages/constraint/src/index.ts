// @formwork/constraint: a schema, a GBNF grammar or a regex resolved once to a grammar (see README.md).
// The user API; the keyword scan behind `strict` is in `@formwork/constraint/internal`.
export { resolveConstraint } from "./resolve.js";
export type { Constraint, ConstraintKind, ConstraintOptions, ConstraintWarning, Syntax } from "./constraint.js";
export { choice } from "./choice.js";
export type { ChoiceValue } from "./choice.js";
export type { SchemaValue } from "./schema-types.js";
export { columns } from "./columns.js";
export type { ColumnsOptions } from "./columns.js";
