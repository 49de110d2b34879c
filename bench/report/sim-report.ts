/**
 * Writes one `snf sim` invocation's report into a folder: report.md (command, date, trace,
 * parameters, the results table, links to the figures) and the figures it can draw from what
 * was run. Figures are named after the paper's (fig1-provisioning.svg, …).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepPoint } from '../sim/compare';
import type { SimRun } from '../sim/simulator';
import { summarizeControllers, type MultiControllerResult } from '../sim/multi-controller';
import { fig1Provisioning, fig2Utilization, fig8OverProvisioning, latencyBars, sweepChart } from './sim-figures';
import { resultsTable } from './table';

export interface SimReportInput {
  command: string;
  trace: string;
  params: Record<string, unknown>;
  runs: readonly SimRun[];
  sweep?: { knob: string; points: readonly SweepPoint[] };
  multi?: MultiControllerResult;
  date?: Date;
}

/** One line naming trace, compression and the parameters that shape every figure. */
export function figureSubtitle(trace: string, params: Record<string, unknown>): string {
  const p = params;
  const name = trace.split('/').pop() ?? trace;
  const adv = p.adversarialEvery ? ` · adversarial every:${p.adversarialEvery}` : '';
  return `${name} · compress ×${p.compress} · BW_max ${Number(p.unitBwBps) / 1e6} Mb/s · T ${p.timeoutUs} µs · B ${p.sizeKb} KB · α ${p.alpha} · K ${p.k} · seed ${p.seed}${adv}`;
}

export function writeSimReport(dir: string, input: SimReportInput): string[] {
  mkdirSync(dir, { recursive: true });
  const sub = figureSubtitle(input.trace, input.params);
  const files: Array<[string, string, string]> = [];
  if (input.runs.length > 0) {
    files.push(['fig1-provisioning.svg', 'Provisioned capacity vs demand per epoch', fig1Provisioning(input.runs, sub)]);
    files.push(['fig2-utilization-cdf.svg', 'Per-epoch utilization of running units', fig2Utilization(input.runs, sub)]);
    const adv = input.params.adversarialEvery ? ' under adversarial flowlets' : '';
    files.push(['fig3-latency.svg', `Latency percentiles per mode${adv}`, latencyBars(`Latency percentiles per mode${adv}`, input.runs, sub)]);
  }
  if (input.sweep && input.sweep.points.length > 0) {
    const { knob, points } = input.sweep;
    files.push([`sweep-${knob}-p99.svg`, `p99 latency over ${knob}`, sweepChart(`p99 latency vs ${knob}`, knob, points, (p) => p.result.latencyUs.p99, 'p99 latency (µs)', sub, true)]);
    files.push([`sweep-${knob}-units.svg`, `Provisioned / demand (p50) over ${knob}`, sweepChart(`Provisioned / demand (p50) vs ${knob}`, knob, points, (p) => p.result.provisionedOverDemand.p50, 'provisioned / demand', sub)]);
    files.push([`sweep-${knob}-seamless.svg`, `Seamless share of moved flowlets over ${knob}`, sweepChart(`Seamless moved flowlets vs ${knob}`, knob, points, (p) => p.result.seamlessShare, 'seamless share', sub)]);
  }
  if (input.multi) {
    const m = input.multi;
    const mb = (xs: number[]) => xs.map((x) => x / 1e6);
    files.push(['fig8-controllers.svg', `Over-provisioning per controller and epoch, ${m.controllers} controllers`, fig8OverProvisioning([{ name: 'independent', values: mb(m.independentOverBps) }, { name: 'with RM', values: mb(m.rmOverBps) }], `${sub} · ${m.controllers} controllers`)]);
  }
  for (const [name, , svg] of files) writeFileSync(join(dir, name), svg);
  const date = (input.date ?? new Date()).toISOString();
  const md: string[] = [
    `# snf sim — ${input.trace.split('/').pop()}`,
    '',
    `- command: \`${input.command}\``,
    `- date: ${date}`,
    `- trace: \`${input.trace}\``,
    `- params: \`${JSON.stringify(input.params)}\``,
    ...workloadLine(input.params.workload),
    '',
  ];
  if (input.runs.length) md.push(resultsTable(input.runs.map((r) => ({ label: r.mode.label, result: r.result }))));
  if (input.sweep) {
    md.push(`## Sweep over ${input.sweep.knob}`, '');
    md.push(resultsTable(input.sweep.points.map((p) => ({ label: `${p.mode} ${input.sweep!.knob}=${p.value}`, result: p.result }))));
  }
  if (input.multi) md.push('## Multiple controllers (Fig. 8)', '', '```json', JSON.stringify(summarizeControllers(input.multi), null, 2), '```', '');
  for (const [name, caption] of files) md.push(`![${caption}](${name})`, '');
  writeFileSync(join(dir, 'report.md'), md.join('\n'));
  return ['report.md', ...files.map((f) => f[0])];
}

/** The flow size distribution (bench/sim/workload.ts), when the CLI measured it. */
function workloadLine(w: unknown): string[] {
  if (!w || typeof w !== 'object') return [];
  const x = w as Record<string, number>;
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  return [`- workload: ${x.flows} flows; ${pct(x.shareOver10KB)} > 10 KB carrying ${pct(x.byteShareOver10KB)} of bytes; ${pct(x.shareOver100KB)} > 100 KB; ${pct(x.shareOver1MB)} > 1 MB; flow bytes p50 ${x.p50Bytes}, p99 ${x.p99Bytes}, max ${x.maxBytes}; duration p50 ${x.p50DurationUs} µs, p99 ${x.p99DurationUs} µs`];
}
