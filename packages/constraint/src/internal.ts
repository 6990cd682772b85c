// @formwork/constraint/internal: the keyword scan behind `strict` and the unknown-keyword warnings. Not for
// applications: names here may change in any release. The user API is `@formwork/constraint`.
export { unknownKeywords, KEYWORDS } from "./keywords.js";
export type { UnknownKeyword } from "./keywords.js";
