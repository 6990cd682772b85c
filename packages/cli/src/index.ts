// @formwork/cli: the `formwork` command, runnable in-process.
export { run, EXIT } from "./main.js";
export type { Command } from "./main.js";
