// @formwork/select: best-of-N candidates, validated, the best one chosen (see README.md). The user API;
// the strategies as pure functions (choose, tally, voteDecided, canonicalJson, valueAt) are in
// `@formwork/select/internal`.
export { bestOfN } from "./best-of-n.js";
export type { BestOfNOptions, BestOfNResult, Candidate, CandidateError, CandidateValidator, ValidatorOutcome, StopCause } from "./best-of-n.js";
export { STRATEGIES } from "./strategies.js";
export type { Strategy, VoteCount } from "./strategies.js";
