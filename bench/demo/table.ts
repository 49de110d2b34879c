/**
 * The demo's side-by-side table: one row per figure, one column per mode (SNF flowlet, vanilla
 * per-packet), plain text for a terminal. "units over time" is a sparkline of the units running,
 * one character per second of the run (▁ = 0 … █ = the most any mode ran), then the range and
 * mean of the units over the epochs. A footnote says what the CPU row counts. Pure.
 */
import type { CompareResult } from '../compare/types';

export const DEMO_COLUMNS: ReadonlyArray<{ mode: string; title: string }> = Object.freeze([
  { mode: 'flowlet', title: 'SNF (flowlets)' },
  { mode: 'packet', title: 'vanilla (per-packet HTTP)' },
]);

/** The row labels, in order (tests and the README use them). */
export const DEMO_ROWS = [
  'packets/s', 'latency p50 (µs)', 'latency p99 (µs)', 'units (mean)', 'units over time',
  'billed packets', 'billed unit-seconds', 'CPU seconds (units)', 'reordered', 'lost',
] as const;

const BARS = '▁▂▃▄▅▆▇█';

/** Thousands separated with commas; fractions to 3 significant digits below 100. */
export function fmtNumber(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(3)));
}

/** One bar per `per` samples (their mean), scaled to `max`. */
export function sparkline(values: readonly number[], max: number, per = 10, width = 24): string {
  const out: string[] = [];
  for (let i = 0; i < values.length && out.length < width; i += per) {
    const chunk = values.slice(i, i + per);
    const mean = chunk.reduce((a, b) => a + b, 0) / chunk.length;
    out.push(max > 0 ? BARS[Math.min(BARS.length - 1, Math.round((mean / max) * (BARS.length - 1)))]! : BARS[0]!);
  }
  return out.join('');
}

/** "min–max, mean m" of the units per epoch. */
export function unitRange(units: readonly number[]): string {
  if (units.length === 0) return '–';
  const min = Math.min(...units), max = Math.max(...units);
  const mean = units.reduce((a, b) => a + b, 0) / units.length;
  return `${fmtNumber(min)}–${fmtNumber(max)}, mean ${fmtNumber(mean)}`;
}

/** Under the table: what the CPU row counts (params.cpuScope, set by the producer), if said. */
function footnotes(r: CompareResult): string[] {
  return typeof r.params.cpuScope === 'string' ? [`CPU seconds: ${r.params.cpuScope}.`] : [];
}

export function demoTable(r: CompareResult): string {
  const cols = DEMO_COLUMNS.filter((c) => r.modes[c.mode] !== undefined);
  const maxUnits = Math.max(0, ...cols.flatMap((c) => r.series[c.mode]?.provisionedUnits ?? []));
  const cell = (mode: string, row: (typeof DEMO_ROWS)[number]): string => {
    const m = r.modes[mode]!;
    switch (row) {
      case 'packets/s': return fmtNumber(m.pps);
      case 'latency p50 (µs)': return fmtNumber(m.latencyUs.p50);
      case 'latency p99 (µs)': return fmtNumber(m.latencyUs.p99);
      case 'units (mean)': return fmtNumber(m.unitsMean);
      case 'units over time': {
        const s = r.series[mode];
        return s ? `${sparkline(s.provisionedUnits, maxUnits, Math.max(1, Math.round(1000 / s.epochMs)))} ${unitRange(s.provisionedUnits)}` : '–';
      }
      case 'billed packets': return fmtNumber(m.billedPackets);
      case 'billed unit-seconds': return fmtNumber(m.billedUnitSeconds);
      case 'CPU seconds (units)': return fmtNumber(m.cpuSeconds);
      case 'reordered': return fmtNumber(m.reordered);
      case 'lost': return fmtNumber(m.lost);
    }
  };
  const rows: string[][] = [['', ...cols.map((c) => c.title)], ...DEMO_ROWS.map((row) => [row, ...cols.map((c) => cell(c.mode, row))])];
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((cells) => [...cells[j]!].length)));
  const line = (cells: string[]): string => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('   ').trimEnd();
  const head = `${r.trace} · ${fmtNumber(r.offeredPps)} pkt/s offered · ${r.function} · ${fmtNumber(Number(r.params.packets ?? 0))} packets`;
  return [head, line(rows[0]!), ...rows.slice(1).map(line), ...footnotes(r)].join('\n') + '\n';
}
