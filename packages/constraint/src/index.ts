// @formwork/constraint: a schema, a GBNF grammar or a regex resolved once to a grammar (see README.md).
export { resolveConstraint } from "./resolve.js";
export type { Constraint, ConstraintKind, ConstraintOptions, ConstraintWarning, Syntax } from "./constraint.js";
