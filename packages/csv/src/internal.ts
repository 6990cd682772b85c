// @formwork/csv/internal: the dialect's spelling rules shared by the CSV grammar and writers. Not for
// applications: names here may change in any release. The user API is `@formwork/csv`.
export { readsAsOther, needsQuotes, quoteForcing, isJsonNumber, JSON_NUMBER_SOURCE } from "./dialect.js";
