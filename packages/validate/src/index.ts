// @formwork/validate: one JSON Schema validator (ajv + formats) for every Formwork package (see README.md).
export { createValidator, validate, checkSchemaLimits, DEFAULT_VALIDATOR_LIMITS } from "./validator.js";
export type { Validator, ValidatorOptions, ValidationResult, ValidationIssue, RegExpEngine } from "./validator.js";
export { draftOf, draftOfSchema, DEFAULT_DRAFT } from "./draft.js";
export type { Draft } from "./draft.js";
