// The benchmark statistics and the SVG charts drawn from them: quantiles by nearest rank, and boxes and bars
// placed where their values are on the axis.
import { describe, expect, it } from "vitest";
import { distribution, median, quantile } from "../src/stats.js";
import { barChart, boxPlotChart, fmt } from "../src/svg-chart.js";

const text = { title: "t", subtitle: ["a <b> & c"], unit: "µs" };

describe("stats", () => {
  it("quantiles by nearest rank, medians, distributions", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(quantile(xs, 0.5)).toBe(51);
    expect(quantile(xs, 0.99)).toBe(100);
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2, NaN])).toBe(2.5);
    expect(distribution([...xs].reverse())).toEqual({ n: 100, p10: 11, p25: 26, p50: 51, p75: 76, p90: 91, p99: 100, max: 100 });
  });
});

describe("svg charts", () => {
  it("draws a box per lane at the log-scale position of its quantiles", () => {
    const d = (p50: number) => ({ n: 9, p10: p50 / 10, p25: p50 / 2, p50, p75: p50 * 2, p90: p50 * 5, p99: p50 * 10, max: p50 * 100 });
    const svg = boxPlotChart(text, [{ label: "g", lanes: [{ name: "a", value: d(10) }, { name: "b", value: null, note: "skipped" }] }]);
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg).toContain("a &lt;b&gt; &amp; c");
    expect(svg).toContain("b: skipped");
    // Axis 1 µs .. 1000 µs over 520 px from x = 230: 10 µs sits a third of the way.
    const ticks = [...svg.matchAll(/<line x1="([\d.]+)" y1="\d+" x2="[\d.]+" y2="\d+" stroke="#1f6feb" stroke-width="2.5"\/>/g)].map((m) => Number(m[1]));
    expect(ticks).toEqual([Math.round((230 + 520 / 3) * 10) / 10]);
    expect(svg).toContain("p50 10.0  p99 100");
  });

  it("draws bars proportional to their values", () => {
    const svg = barChart(text, [{ label: "s", lanes: [{ name: "x", value: 10 }, { name: "y", value: 20 }] }]);
    const widths = [...svg.matchAll(/<rect x="230" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[1] / widths[0]).toBeCloseTo(2, 2);
    expect(fmt(12345)).toBe("12.3k");
    expect(fmt(2_500_000)).toBe("2.50M");
  });
});
