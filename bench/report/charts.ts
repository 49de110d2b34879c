/**
 * The three figure kinds the report draws: lines over x (time series, sweeps), empirical CDFs,
 * and grouped bars (latency percentiles per mode). Each takes a title and a subtitle that names
 * the trace, compression and parameters, so a figure read alone says what it shows.
 */
import { DEFAULT_FRAME, PALETTE, Scale, axes, esc, fmt, legend, svgDoc, type Frame } from './svg';

export interface LineSeries {
  name: string;
  xs: readonly number[];
  ys: readonly number[];
  dashed?: boolean;
}

export interface ChartText {
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
}

export function lineChart(text: ChartText, series: readonly LineSeries[], opts: { logY?: boolean; logX?: boolean; step?: boolean; frame?: Frame } = {}): string {
  const f = opts.frame ?? DEFAULT_FRAME;
  const all = series.flatMap((s) => s.xs);
  const allY = series.flatMap((s) => s.ys).filter((v) => !opts.logY || v > 0);
  const x = new Scale(min(all), max(all), f.left, f.width - f.right, opts.logX);
  const y = new Scale(opts.logY ? min(allY) : Math.min(0, min(allY)), max(allY), f.height - f.bottom, f.top, opts.logY);
  const body = axes(f, x, y, text.title, text.subtitle, text.xLabel, text.yLabel);
  series.forEach((s, i) => {
    const pts: string[] = [];
    for (let j = 0; j < s.xs.length; j++) {
      const px = x.map(s.xs[j]).toFixed(1);
      const py = y.map(s.ys[j]).toFixed(1);
      if (opts.step && j > 0) pts.push(`${px},${y.map(s.ys[j - 1]).toFixed(1)}`);
      pts.push(`${px},${py}`);
    }
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    body.push(`<polyline fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.8"${dash} points="${pts.join(' ')}"/>`);
    if (s.xs.length <= 12) {
      for (let j = 0; j < s.xs.length; j++) body.push(`<circle cx="${x.map(s.xs[j]).toFixed(1)}" cy="${y.map(s.ys[j]).toFixed(1)}" r="3" fill="${PALETTE[i % PALETTE.length]}"/>`);
    }
  });
  body.push(...legend(f, series.map((s) => s.name), series.map((s) => !!s.dashed)));
  return svgDoc(f, body);
}

/** Empirical CDF of each series' values (sorted copy; at most ~400 drawn points each). */
export function cdfChart(text: ChartText, series: ReadonlyArray<{ name: string; values: readonly number[] }>, opts: { logX?: boolean } = {}): string {
  const lines: LineSeries[] = series.map((s) => {
    const v = [...s.values].sort((a, b) => a - b);
    const xs: number[] = [];
    const ys: number[] = [];
    const stride = Math.max(1, Math.floor(v.length / 400));
    for (let i = 0; i < v.length; i += stride) { xs.push(v[i]); ys.push((i + 1) / v.length); }
    if (v.length) { xs.push(v[v.length - 1]); ys.push(1); }
    return { name: s.name, xs, ys };
  });
  return lineChart(text, lines, { logX: opts.logX, step: true });
}

/** Grouped bars: one group per category, one bar per series. */
export function barChart(text: ChartText, categories: readonly string[], series: ReadonlyArray<{ name: string; values: readonly number[] }>, opts: { logY?: boolean; frame?: Frame } = {}): string {
  const f = opts.frame ?? DEFAULT_FRAME;
  const vals = series.flatMap((s) => s.values).filter((v) => !opts.logY || v > 0);
  const x = new Scale(0, categories.length, f.left, f.width - f.right);
  const y = new Scale(opts.logY ? min(vals) : 0, max(vals), f.height - f.bottom, f.top, opts.logY);
  const body = axes(f, x, y, text.title, text.subtitle, text.xLabel, text.yLabel, [...categories]);
  const groupW = (f.width - f.right - f.left) / Math.max(1, categories.length);
  const barW = (groupW * 0.8) / Math.max(1, series.length);
  const base = f.height - f.bottom;
  categories.forEach((c, ci) => {
    const gx = f.left + ci * groupW + groupW * 0.1;
    body.push(`<text x="${(gx + groupW * 0.4).toFixed(1)}" y="${base + 16}" font-size="11" text-anchor="middle">${esc(c)}</text>`);
    series.forEach((s, si) => {
      const v = s.values[ci];
      if (!(v > 0) && opts.logY) return;
      const top = y.map(v);
      body.push(`<rect x="${(gx + si * barW).toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${Math.max(0, base - top).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${s.name} ${c}: ${fmt(v)}`)}</title></rect>`);
    });
  });
  body.push(...legend(f, series.map((s) => s.name)));
  return svgDoc(f, body);
}

function min(xs: readonly number[]): number {
  let m = Infinity;
  for (const v of xs) if (v < m) m = v;
  return m === Infinity ? 0 : m;
}

function max(xs: readonly number[]): number {
  let m = -Infinity;
  for (const v of xs) if (v > m) m = v;
  return m === -Infinity ? 1 : m;
}
