/**
 * The report page: one self-contained HTML file (inline CSS, inline SVG figures, no script, no
 * external reference). Every text that came from the run (trace path, mode names, parameters,
 * runtimes) is escaped here; the SVGs come escaped from echarts.
 */
import type { CompareModeResult, CompareResult } from '../../compare/types';
import { esc } from '../svg';

export interface RenderedFigure {
  id: string;
  title: string;
  what: string;
  svg?: string;
  note?: string;
}

const COLUMNS: Array<[string, (m: CompareModeResult) => string]> = [
  ['packets/s', (m) => num(m.pps)],
  ['p50 µs', (m) => num(m.latencyUs.p50)],
  ['p99 µs', (m) => num(m.latencyUs.p99)],
  ['units (mean)', (m) => num(m.unitsMean)],
  ['prov/demand p50', (m) => num(m.provisionedOverDemand.p50)],
  ['prov/demand p90', (m) => num(m.provisionedOverDemand.p90)],
  ['billed packets', (m) => num(m.billedPackets)],
  ['billed unit-s', (m) => num(m.billedUnitSeconds)],
  ['CPU s', (m) => num(m.cpuSeconds)],
  ['packets / CPU-s', (m) => (m.cpuSeconds > 0 ? num(m.billedPackets / m.cpuSeconds) : '–')],
  ['lost', (m) => num(m.lost)],
  ['reordered', (m) => num(m.reordered)],
];

function num(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}

/** The line every figure carries: trace, offered load, function and the run's parameters. */
export function runCaption(r: CompareResult): string {
  const params = Object.entries(r.params).map(([k, v]) => `${k} ${String(v)}`).join(' · ');
  return `trace ${r.trace} · offered ${num(r.offeredPps)} pkt/s · function ${r.function}${params ? ` · ${params}` : ''}`;
}

export function comparisonTable(r: CompareResult): string {
  const head = ['mode', 'runtime', ...COLUMNS.map((c) => c[0])].map((h) => `<th>${esc(h)}</th>`).join('');
  const rows = Object.entries(r.modes).map(([mode, m]) =>
    `<tr><th scope="row">${esc(mode)}</th><td class="rt">${esc(m.runtime)}</td>${COLUMNS.map((c) => `<td>${esc(c[1](m))}</td>`).join('')}</tr>`);
  return `<table id="comparison"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
table{border-collapse:collapse;font-size:.85rem;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
thead th{background:#f3f3f3}tbody th,td.rt{text-align:left}td.rt{font-size:.75rem;color:#555}
.figs{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;border:1px solid #e3e3e3;padding:.5rem}
figcaption{font-size:.8rem;color:#444;max-width:760px}figcaption b{color:#222}.note{color:#a33}`;

function figureHtml(f: RenderedFigure, caption: string): string {
  const body = f.svg ?? `<p class="note">No data: ${esc(f.note ?? 'nothing recorded')}</p>`;
  return `<figure id="${esc(f.id)}" class="${f.svg ? 'chart' : 'chart empty'}">${body}
<figcaption><b>${esc(f.title)}.</b> ${esc(f.what)}<br>${esc(caption)}</figcaption></figure>`;
}

export function reportPage(r: CompareResult, figs: readonly RenderedFigure[]): string {
  const caption = runCaption(r);
  const prov = figs.filter((f) => f.id.startsWith('fig1-'));
  const rest = figs.filter((f) => !f.id.startsWith('fig1-'));
  const params = Object.entries(r.params).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(String(v))}</dd>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>SNF comparison: ${esc(r.function)} on ${esc(r.trace)}</title>
<style>${CSS}</style></head><body>
<h1>SNF comparison: ${esc(r.function)}</h1>
<dl><dt>trace</dt><dd>${esc(r.trace)}</dd><dt>offered</dt><dd>${esc(num(r.offeredPps))} pkt/s</dd>
<dt>function</dt><dd>${esc(r.function)}</dd><dt>date</dt><dd>${esc(r.date)}</dd>${params}</dl>
<h2>Comparison</h2>
${comparisonTable(r)}
<h2>Provisioned capacity vs demand (Fig. 1)</h2>
<div class="figs">${prov.map((f) => figureHtml(f, caption)).join('\n')}</div>
<h2>Utilization and latency (Figs. 2–4)</h2>
<div class="figs">${rest.map((f) => figureHtml(f, caption)).join('\n')}</div>
</body></html>
`;
}
