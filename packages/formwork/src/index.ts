// formwork: the user API of the @formwork/* packages in one import (see README.md).
export { generate, generateStream, loadModel } from "@formwork/llama";
export type { GenerateOptions, GenerateResult, GenerateChunk, GenerateTimings, LoadModelOptions, LoadedModel, ChatMessage, StopReason, DownloadProgress } from "@formwork/llama";
export { resolveConstraint, choice } from "@formwork/constraint";
export type { Constraint, ConstraintOptions, ConstraintWarning, SchemaValue, ChoiceValue } from "@formwork/constraint";
export { checkText } from "@formwork/grammar";
export { validate, createValidator } from "@formwork/validate";
export type { ValidationResult, ValidationIssue, Validator } from "@formwork/validate";
export { repairJson, repairYaml, repairCsv } from "@formwork/repair";
export type { RepairResult, Edit, RepairJsonOptions, RepairYamlOptions, RepairCsvOptions, CsvColumn } from "@formwork/repair";
export { bestOfN } from "@formwork/select";
export type { BestOfNOptions, BestOfNResult, Candidate, CandidateError, CandidateValidator, Strategy } from "@formwork/select";
export { FormworkError, CompileError, UnsupportedError, LimitError, ModelError, ArgumentError } from "@formwork/core";
export type { ErrorLocation } from "@formwork/core";
export { buildFixtureModel } from "@formwork/fixture";
