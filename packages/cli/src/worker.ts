// The worker thread of `main` in which every verb runs (see IN_WORKER in main.ts): runs the verb
// and posts its exit code; the main thread stays free to answer Ctrl-C.
import { parentPort, workerData } from "node:worker_threads";
import { run } from "./main.js";

const { argv, stderrIsTTY, pipedStdin } = workerData as { argv: string[]; stderrIsTTY: boolean; pipedStdin: boolean };
if (stderrIsTTY) process.stderr.isTTY = true;
// Stdin the verb did not read (an argument error before `repair` reads its document) would keep this thread,
// and so the process, alive after the answer: `echo x | formwork repair --quite` printed its error and hung.
const finish = (message: { code?: number; internal?: string }) => {
  parentPort!.postMessage(message);
  if (pipedStdin) process.stdin.resume(); // drained to its end (the main thread ends it once answered), unread it kept the thread alive
};
run(argv).then(
  (code) => finish({ code }),
  (err: unknown) => finish({ internal: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
);
