/**
 * Small SVG charts for docs/benchmarks/: latency distributions as horizontal
 * box plots on a log scale (box p25-p75, whiskers p10-p99, a tick at p50, a
 * dot at the maximum), one lane per engine, engines of one row side by side;
 * and grouped horizontal bars for single figures (medians). Plain SVG text,
 * no dependencies, readable on GitHub in light and dark themes (a white
 * background is drawn).
 */
import type { Distribution } from "./stats.js";

/** One engine's lane in a row. */
export interface Lane<T> {
  name: string;
  value: T | null;
  /** Shown instead of the lane when `value` is null (e.g. why the peer was not measured). */
  note?: string;
}

/** A row of the chart (a grammar, a schema): its lanes, one per engine. */
export interface Row<T> {
  label: string;
  lanes: Lane<T>[];
}

export interface ChartText {
  title: string;
  /** Lines under the title: the command, the machine, the load. */
  subtitle: string[];
  /** The unit of the x axis (`µs`, `ms/token`). */
  unit: string;
}

const COLORS = ["#1f6feb", "#d1242f", "#2da44e", "#8250df", "#bf8700"];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
const LABEL_W = 230;
const PLOT_W = 520;
const NOTE_W = 150;
const LANE_H = 16;
const ROW_GAP = 10;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A number as the chart prints it: 3 significant digits, no exponent (k and M for thousands and millions). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return "–";
  if (x >= 1e6) return `${fmt(x / 1e6)}M`;
  if (x >= 1e4) return `${fmt(x / 1e3)}k`;
  if (x >= 100) return String(Math.round(x));
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

/** Log-scale ticks (1, 2, 5 times powers of ten) covering [lo, hi]. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const decades = Math.log10(hi) - Math.log10(lo);
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of decades > 3 ? [1] : [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

function frame(text: ChartText, height: number, engines: string[], body: string[], scale: { x: (v: number) => number; ticks: number[] }, top: number, plotBottom: number): string {
  const width = LABEL_W + PLOT_W + NOTE_W + 20;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="10" y="20" font-size="15" font-weight="600" fill="#1f2328">${esc(text.title)}</text>`);
  text.subtitle.forEach((line, i) => out.push(`<text x="10" y="${38 + i * 15}" fill="#59636e">${esc(line)}</text>`));
  // Legend.
  let lx = 10;
  const ly = 38 + text.subtitle.length * 15 + 4;
  engines.forEach((name, i) => {
    out.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 16}" y="${ly}" fill="#1f2328">${esc(name)}</text>`);
    lx += 24 + name.length * 7;
  });
  // Grid and axis.
  for (const t of scale.ticks) {
    const x = scale.x(t);
    out.push(`<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${plotBottom}" stroke="#d0d7de" stroke-width="1"/>`);
    out.push(`<text x="${x}" y="${plotBottom + 14}" text-anchor="middle" fill="#59636e">${fmt(t)}</text>`);
  }
  out.push(`<text x="${LABEL_W + PLOT_W / 2}" y="${plotBottom + 30}" text-anchor="middle" fill="#59636e">${esc(text.unit)}</text>`);
  out.push(...body);
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

function layout(text: ChartText, rows: Row<unknown>[]) {
  const top = 38 + text.subtitle.length * 15 + 20;
  let y = top;
  const positions = rows.map((r) => {
    const at = y;
    y += r.lanes.length * LANE_H + ROW_GAP;
    return at;
  });
  return { top, positions, plotBottom: y, height: y + 40 };
}

function engineNames(rows: Row<unknown>[]): string[] {
  const names: string[] = [];
  for (const r of rows) for (const l of r.lanes) if (!names.includes(l.name)) names.push(l.name);
  return names;
}

/**
 * The rows' labels and lanes: `lane(value, color, cy)` draws a measured lane centred at `cy`; a lane
 * with no value (`measured` false) shows its note instead.
 */
function drawRows<T>(rows: Row<T>[], positions: number[], engines: string[], measured: (v: T | null) => v is T, lane: (v: T, color: string, cy: number) => string[]): string[] {
  const body: string[] = [];
  rows.forEach((r, i) => {
    const y0 = positions[i];
    body.push(`<text x="${LABEL_W - 8}" y="${y0 + (r.lanes.length * LANE_H) / 2 + 4}" text-anchor="end" fill="#1f2328">${esc(r.label)}</text>`);
    r.lanes.forEach((l, k) => {
      const c = COLORS[engines.indexOf(l.name) % COLORS.length];
      const cy = y0 + k * LANE_H + LANE_H / 2;
      if (measured(l.value)) body.push(...lane(l.value, c, cy));
      else body.push(`<text x="${LABEL_W + 4}" y="${cy + 4}" fill="${c}" font-style="italic">${esc(`${l.name}: ${l.note ?? "not measured"}`)}</text>`);
    });
  });
  return body;
}

/** Box plots of distributions, log scale. */
export function boxPlotChart(text: ChartText, rows: Row<Distribution>[]): string {
  const values = rows.flatMap((r) => r.lanes.flatMap((l) => (l.value ? [l.value.p10, l.value.max] : []))).filter((v) => v > 0 && Number.isFinite(v));
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const x = (v: number) => Math.round((LABEL_W + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * PLOT_W) * 10) / 10;
  const engines = engineNames(rows);
  const { top, positions, plotBottom, height } = layout(text, rows);
  const body = drawRows(rows, positions, engines, (d): d is Distribution => d !== null && d.n > 0, (d, c, cy) => [
    `<line x1="${x(d.p10)}" y1="${cy}" x2="${x(d.p99)}" y2="${cy}" stroke="${c}" stroke-width="1.5"/>`,
    `<rect x="${x(d.p25)}" y="${cy - 5}" width="${Math.max(1, x(d.p75) - x(d.p25))}" height="10" fill="${c}" fill-opacity="0.35" stroke="${c}"/>`,
    `<line x1="${x(d.p50)}" y1="${cy - 6}" x2="${x(d.p50)}" y2="${cy + 6}" stroke="${c}" stroke-width="2.5"/>`,
    `<circle cx="${x(d.max)}" cy="${cy}" r="2.5" fill="${c}"/>`,
    `<text x="${LABEL_W + PLOT_W + 8}" y="${cy + 4}" fill="${c}">${esc(`p50 ${fmt(d.p50)}  p99 ${fmt(d.p99)}`)}</text>`,
  ]);
  return frame(text, height, engines, body, { x, ticks: logTicks(lo, hi) }, top, plotBottom);
}

/** Horizontal bars of single figures (medians), linear scale from 0. */
export function barChart(text: ChartText, rows: Row<number>[]): string {
  const values = rows.flatMap((r) => r.lanes.flatMap((l) => (l.value !== null && Number.isFinite(l.value) ? [l.value] : [])));
  const hi = Math.max(...values) * 1.05;
  const step = 10 ** Math.floor(Math.log10(hi / 2));
  const ticks: number[] = [];
  for (let t = 0; t <= hi; t += step * (hi / step > 10 ? 2 : 1)) ticks.push(t);
  const x = (v: number) => Math.round((LABEL_W + (v / hi) * PLOT_W) * 10) / 10;
  const engines = engineNames(rows);
  const { top, positions, plotBottom, height } = layout(text, rows);
  const body = drawRows(rows, positions, engines, (v): v is number => v !== null && Number.isFinite(v), (v, c, cy) => [
    `<rect x="${LABEL_W}" y="${cy - LANE_H / 2 + 2}" width="${Math.max(1, x(v) - LABEL_W)}" height="${LANE_H - 4}" fill="${c}" fill-opacity="0.8"/>`,
    `<text x="${x(v) + 4}" y="${cy + 4}" fill="${c}">${esc(fmt(v))}</text>`,
  ]);
  return frame(text, height, engines, body, { x, ticks }, top, plotBottom);
}
