// @formwork/select: best-of-N candidates, validated, the best one chosen (see README.md).
export { bestOfN } from "./best-of-n.js";
export type { BestOfNOptions, BestOfNResult, Candidate, CandidateError, CandidateValidator, ValidatorOutcome, StopCause } from "./best-of-n.js";
export { choose, tally, voteDecided, canonicalJson, valueAt, STRATEGIES } from "./strategies.js";
export type { Strategy, Scored, VoteCount } from "./strategies.js";
