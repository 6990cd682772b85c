// @formwork/select/internal: the selection strategies as pure functions of the candidates' reports, for
// tests and benchmarks (each choice checked against its definition). Not for applications: names here may
// change in any release. The user API is `@formwork/select`.
export { choose, tally, voteDecided, canonicalJson, valueAt } from "./strategies.js";
export type { Scored } from "./strategies.js";
