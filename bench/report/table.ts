/** Markdown tables of simulator results: one row per mode (or sweep point). */
import type { ModeResult } from '../sim/simulator';

const COLUMNS: Array<[string, (r: ModeResult) => string]> = [
  ['packets', (r) => String(r.packets)],
  ['flowlets', (r) => String(r.assignments)],
  ['p25 µs', (r) => num(r.latencyUs.p25)],
  ['p50 µs', (r) => num(r.latencyUs.p50)],
  ['p75 µs', (r) => num(r.latencyUs.p75)],
  ['p99 µs', (r) => num(r.latencyUs.p99)],
  ['p99.9 µs', (r) => num(r.latencyUs.p999)],
  ['prov/demand p50', (r) => num(r.provisionedOverDemand.p50)],
  ['prov/demand p90', (r) => num(r.provisionedOverDemand.p90)],
  ['overloaded unit-epochs', (r) => pct(r.overloadedUnitEpochShare)],
  ['mean util', (r) => pct(r.meanUnitUtilization)],
  ['seamless', (r) => pct(r.seamlessShare)],
  ['waited', (r) => pct(r.waitedShare)],
  ['pulled', (r) => pct(r.pulledShare)],
  ['repl B/flowlet', (r) => num(r.replicationBytesPerFlowlet)],
];

export function resultsTable(rows: ReadonlyArray<{ label: string; result: ModeResult }>): string {
  const head = ['mode', ...COLUMNS.map((c) => c[0])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${[r.label, ...COLUMNS.map((c) => c[1](r.result))].join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

function num(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 100) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}
