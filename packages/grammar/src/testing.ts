// @formwork/grammar/testing: the oracles the engine is tested against (not for product code).
//
// The reference recognizer is slow (Earley over code points; cubic in the
// worst case) and simple enough to trust: tests of the engine, the schema
// compiler and the decoders compare their answers with it. Product code asks
// the engine (`checkText`, `GrammarMatcher`).
export { referenceMatch, referenceMatchBytes, referencePrefixOk, referencePrefixOkBytes, ReferenceRecognizer } from "./reference/reference.js";
export type { ReferenceResult } from "./reference/reference.js";
