/**
 * Progress on stderr for long work (a model download): a bar redrawn in
 * place on a terminal, one line per tenth otherwise (logs, CI), and nothing
 * on stdout, which holds only results.
 */

const MB = 1024 * 1024;

/** A progress reporter: call it with the work done and the total (0 while unknown); `done()` ends the line. */
export interface Progress {
  (done: number, total: number): void;
  done(): void;
}

/** A progress bar labelled `label` on `stream` (default stderr). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let lastTenth = -1;
  let drawn = false;
  let lastDraw = 0;
  const report = ((done: number, total: number) => {
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const sizes = total > 0 ? `${(done / MB).toFixed(1)} / ${(total / MB).toFixed(1)} MB` : `${(done / MB).toFixed(1)} MB`;
    if (tty) {
      const now = Date.now();
      if (now - lastDraw < 100 && frac < 1) return;
      lastDraw = now;
      const width = 30;
      const full = Math.round(frac * width);
      stream.write(`\r${label} [${"#".repeat(full)}${" ".repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}% ${sizes}`);
      drawn = true;
      return;
    }
    const tenth = Math.floor(frac * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      stream.write(`${label}: ${tenth * 10}% (${sizes})\n`);
    }
  }) as Progress;
  report.done = () => {
    if (drawn) stream.write("\n");
    drawn = false;
  };
  return report;
}
