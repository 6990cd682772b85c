// @formwork/grammar/internal: the analyses, IR helpers and engine tuning the other Formwork packages use.
// Not for applications: names here may change in any release. The user API is `@formwork/grammar`.
export { normalizeRanges, effectiveRanges, MAX_CODE_POINT } from "./ir.js";
export { nullableRules, productiveRules, reachableRules, isNullable, isProductive, walkNodes } from "./analyze.js";
export { astToIr, automatonToRules, dfaKey, otherThanToIr, withStateRules } from "./regex-ir.js";
export type { AutomatonRulesOptions, CharsToIr } from "./regex-ir.js";
export { DEFAULT_ENGINE_OPTIONS, resolveEngineOptions } from "./engine/options.js";
export type { ResolvedEngineOptions } from "./engine/options.js";
export { sliceTuning } from "./engine/slice.js";
export { componentsOf, cyclicComponents, stronglyConnectedComponents } from "./cycles.js";
export { leafSizeEstimate } from "./engine/rule-graph.js";
