// @formwork/json-schema/internal: the YAML dialect's tables, for Formwork's benchmarks and tests.
// Not for applications: names here may change in any release. The user API is `@formwork/json-schema`.
export { YAML_NON_STRING, YAML_NUMBER, isPlainSafe, plainConditions } from "./syntax/yaml-dialect.js";
export type { YamlPlace } from "./syntax/yaml-dialect.js";
