// @formwork/json-schema: JSON Schema to grammar, every keyword exact or refused.
export { compileSchema } from "./compiler.js";
export type { CompiledSchema } from "./compiler.js";
export type { CompileSchemaOptions, WhitespaceStyle } from "./options.js";
export type { CompileWarning } from "./context.js";
export { checkJsonText } from "./check.js";
export { stringifyYaml } from "./syntax/yaml.js";
export type { JsonTextCheck } from "./check.js";
// Validation is @formwork/validate's (one ajv wrapper for every package); re-exported for users of this package.
export { validate, createValidator } from "@formwork/validate";
export type { Draft, ValidatorOptions, ValidationResult, ValidationIssue } from "@formwork/validate";
