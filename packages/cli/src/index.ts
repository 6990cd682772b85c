// @formwork/cli: the `formwork` command, runnable in-process.
export { run, main } from "./main.js";
export { EXIT } from "./command.js";
export type { Command } from "./command.js";
