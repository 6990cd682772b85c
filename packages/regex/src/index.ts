export { utf8Sequences, utf8SequencesOfRanges, utf8Length, encodeCodePoint } from "./utf8-ranges.js";
export type { ByteRange } from "./utf8-ranges.js";
