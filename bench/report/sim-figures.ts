/**
 * The paper's simulator figures as SVG strings, each titled with what it shows and subtitled
 * with the trace, compression and parameters:
 * Fig. 1 provisioned vs demand per epoch, Fig. 2 unit-epoch utilization CDF, Figs. 3–5 latency
 * percentiles per mode, Figs. 6–7 parameter sweeps, Fig. 8 over-provisioning per controller.
 */
import type { SweepPoint } from '../sim/compare';
import type { SimRun } from '../sim/simulator';
import { barChart, cdfChart, lineChart } from './charts';

export function fig1Provisioning(runs: readonly SimRun[], subtitle: string): string {
  const series = [];
  const first = runs[0];
  const ep = (first?.series.epochNs ?? 1e8) / 1e9;
  if (first) series.push({ name: 'demand', xs: first.series.demandBps.map((_, i) => i * ep), ys: first.series.demandBps.map(mbps), dashed: true });
  for (const r of runs) series.push({ name: `${r.mode.label} provisioned`, xs: r.series.provisionedBps.map((_, i) => i * ep), ys: r.series.provisionedBps.map(mbps) });
  return lineChart({ title: 'Fig. 1 — provisioned capacity vs demand per epoch', subtitle, xLabel: 'time (s)', yLabel: 'Mb/s' }, series, { step: true });
}

export function fig2Utilization(runs: readonly SimRun[], subtitle: string): string {
  return cdfChart(
    { title: 'Fig. 2 — per-epoch utilization of running units (CDF)', subtitle, xLabel: 'served bits / capacity in the epoch', yLabel: 'share of unit-epochs' },
    runs.map((r) => ({ name: r.mode.label, values: r.series.unitUtilization })),
  );
}

const PCTS = ['p1', 'p25', 'p50', 'p75', 'p99', 'p99.9'];

export function latencyBars(title: string, runs: readonly SimRun[], subtitle: string): string {
  return barChart(
    { title, subtitle, xLabel: 'percentile', yLabel: 'latency (µs, log)' },
    PCTS,
    runs.map((r) => {
      const l = r.result.latencyUs;
      return { name: r.mode.label, values: [l.p1, l.p25, l.p50, l.p75, l.p99, l.p999] };
    }),
    { logY: true },
  );
}

/** Figs. 6–7: a metric over a swept knob, one line per mode. */
export function sweepChart(title: string, knob: string, points: readonly SweepPoint[], metric: (p: SweepPoint) => number, yLabel: string, subtitle: string, logY = false): string {
  const modes = [...new Set(points.map((p) => p.mode))];
  const series = modes.map((m) => {
    const ps = points.filter((p) => p.mode === m);
    return { name: m, xs: ps.map((p) => p.value), ys: ps.map(metric) };
  });
  return lineChart({ title, subtitle, xLabel: knob, yLabel }, series, { logY });
}

/** Fig. 8: CDF of per-controller, per-epoch (provisioned − load) in Mb/s, RM vs independent. */
export function fig8OverProvisioning(series: ReadonlyArray<{ name: string; values: readonly number[] }>, subtitle: string): string {
  return cdfChart({ title: 'Fig. 8 — over-provisioning per controller and epoch', subtitle, xLabel: 'provisioned − load (Mb/s)', yLabel: 'share of controller-epochs' }, series);
}

function mbps(v: number): number {
  return v / 1e6;
}
