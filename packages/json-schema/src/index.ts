// @formwork/json-schema: JSON Schema to grammar, every keyword exact or refused.
export { compileSchema, productive } from "./compiler.js";
export type { CompiledSchema } from "./compiler.js";
export type { CompileSchemaOptions, WhitespaceStyle } from "./options.js";
export type { CompileWarning } from "./context.js";
export type { Draft } from "./resolver.js";
export { validate, createValidator } from "./validate.js";
export type { ValidateOptions, ValidationResult } from "./validate.js";
export { checkJsonText } from "./check.js";
export type { JsonTextCheck } from "./check.js";
