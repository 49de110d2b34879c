/**
 * A tiny SVG toolkit for the report's figures: scales with readable ticks, axes, a legend and
 * text escaping. No charting dependency; output is plain, diffable SVG text.
 */

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const DEFAULT_FRAME: Frame = { width: 720, height: 420, left: 80, right: 170, top: 56, bottom: 56 };

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a >= 1) return trim(v);
  return String(Number(v.toPrecision(2)));
}

function trim(v: number): string {
  return String(Number(v.toFixed(2)));
}

/** A linear or log10 mapping from data to pixels, with tick values. */
export class Scale {
  readonly lo: number;
  readonly hi: number;
  constructor(lo: number, hi: number, private readonly p0: number, private readonly p1: number, readonly log = false) {
    if (log) {
      lo = Math.max(lo, 1e-9);
      hi = Math.max(hi, lo * 10);
      this.lo = 10 ** Math.floor(Math.log10(lo));
      this.hi = 10 ** Math.ceil(Math.log10(hi));
    } else {
      if (!(hi > lo)) hi = lo + 1;
      const step = niceStep((hi - lo) / 5);
      this.lo = Math.floor(lo / step) * step;
      this.hi = Math.ceil(hi / step) * step;
    }
  }
  map(v: number): number {
    const t = this.log
      ? (Math.log10(Math.max(v, this.lo)) - Math.log10(this.lo)) / (Math.log10(this.hi) - Math.log10(this.lo))
      : (v - this.lo) / (this.hi - this.lo);
    return this.p0 + t * (this.p1 - this.p0);
  }
  ticks(): number[] {
    const out: number[] = [];
    if (this.log) {
      for (let v = this.lo; v <= this.hi * 1.0001; v *= 10) out.push(v);
      return out;
    }
    const step = niceStep((this.hi - this.lo) / 5);
    for (let v = this.lo; v <= this.hi + step / 2; v += step) out.push(Number(v.toPrecision(12)));
    return out;
  }
}

function niceStep(raw: number): number {
  const e = 10 ** Math.floor(Math.log10(raw));
  const m = raw / e;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * e;
}

/** Frame, title lines, axes with ticks and labels. */
export function axes(f: Frame, x: Scale, y: Scale, title: string, subtitle: string, xLabel: string, yLabel: string, xTickLabels?: string[]): string[] {
  const out: string[] = [];
  const x0 = f.left;
  const x1 = f.width - f.right;
  const y0 = f.height - f.bottom;
  const y1 = f.top;
  out.push(`<rect x="0" y="0" width="${f.width}" height="${f.height}" fill="white"/>`);
  out.push(`<text x="${f.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  out.push(`<text x="${f.left}" y="40" font-size="11" fill="#555">${esc(subtitle)}</text>`);
  for (const v of y.ticks()) {
    const py = y.map(v).toFixed(1);
    out.push(`<line x1="${x0}" y1="${py}" x2="${x1}" y2="${py}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x0 - 6}" y="${py}" font-size="11" text-anchor="end" dominant-baseline="middle">${fmt(v)}</text>`);
  }
  if (!xTickLabels) {
    for (const v of x.ticks()) {
      const px = x.map(v).toFixed(1);
      out.push(`<line x1="${px}" y1="${y0}" x2="${px}" y2="${y0 + 4}" stroke="#333"/>`);
      out.push(`<text x="${px}" y="${y0 + 16}" font-size="11" text-anchor="middle">${fmt(v)}</text>`);
    }
  }
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="#333"/>`);
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" stroke="#333"/>`);
  out.push(`<text x="${(x0 + x1) / 2}" y="${f.height - 14}" font-size="12" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text x="18" y="${(y0 + y1) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 18 ${(y0 + y1) / 2})">${esc(yLabel)}</text>`);
  return out;
}

export function legend(f: Frame, names: readonly string[], dashed: readonly boolean[] = []): string[] {
  const out: string[] = [];
  const x = f.width - f.right + 14;
  names.forEach((name, i) => {
    const y = f.top + 10 + i * 18;
    const dash = dashed[i] ? ' stroke-dasharray="5 3"' : '';
    out.push(`<line x1="${x}" y1="${y}" x2="${x + 20}" y2="${y}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2.5"${dash}/>`);
    out.push(`<text x="${x + 26}" y="${y}" font-size="11" dominant-baseline="middle">${esc(name)}</text>`);
  });
  return out;
}

export function svgDoc(f: Frame, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" font-family="Helvetica, Arial, sans-serif">\n${body.join('\n')}\n</svg>\n`;
}
