// The worker thread of `main` in which every verb runs (see IN_WORKER in main.ts): runs the verb
// and posts its exit code; the main thread stays free to answer Ctrl-C.
import { parentPort, workerData } from "node:worker_threads";
import { run } from "./main.js";

const { argv, stderrIsTTY } = workerData as { argv: string[]; stderrIsTTY: boolean };
if (stderrIsTTY) process.stderr.isTTY = true;
run(argv).then(
  (code) => parentPort!.postMessage({ code }),
  (err: unknown) => parentPort!.postMessage({ internal: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
);
