/**
 * The report's figures, in the manner of the paper's: Fig. 1 provisioned capacity vs demand over
 * time (one panel per mode), Fig. 2 the per-epoch utilization of running units (CDF over epochs),
 * Figs. 3–4 packet latency CDFs by allocation mode and by state mode. Pure: a CompareResult in,
 * echarts options out (render.ts draws them). A figure with no samples is returned as a note,
 * never drawn empty.
 */
import type { CompareModeSeries, CompareResult } from '../../compare/types';
import { PALETTE } from '../svg';
import type { ChartOption } from './render';
import { allocationModes, stateModes } from './modes';

export interface FigureSpec {
  /** File-safe id, e.g. `fig1-provisioning-flowlet`. */
  id: string;
  title: string;
  /** What is drawn, in words (the caption adds trace and parameters). */
  what: string;
  width: number;
  height: number;
  /** Undefined when no mode had samples: `note` says so. */
  option?: ChartOption;
  note?: string;
}

const MAX_POINTS = 400;

function axis(name: string, type: 'value' | 'log' = 'value', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type, name, nameLocation: 'middle', nameGap: 30, scale: type === 'log', ...extra };
}

function base(xName: string, yName: string, xType: 'value' | 'log' = 'value', yExtra: Record<string, unknown> = {}): ChartOption {
  return {
    color: PALETTE,
    backgroundColor: '#ffffff',
    grid: { left: 64, right: 24, top: 44, bottom: 52 },
    legend: { top: 6, type: 'plain' },
    xAxis: axis(xName, xType),
    yAxis: axis(yName, 'value', { nameGap: 44, ...yExtra }),
  };
}

/** Keeps at most `max` points, evenly spaced, always the last. */
function thin<T>(points: T[], max = MAX_POINTS): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  const step = points.length / max;
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * step)] as T);
  out.push(points[points.length - 1] as T);
  return out;
}

function line(name: string, data: Array<[number, number]>, step = false, dashed = false): Record<string, unknown> {
  return {
    type: 'line', name, data, showSymbol: false, ...(step ? { step: 'end' } : {}),
    lineStyle: { width: 1.6, ...(dashed ? { type: 'dashed' } : {}) },
  };
}

function provisioning(mode: string, s: CompareModeSeries | undefined): FigureSpec {
  const id = `fig1-provisioning-${mode.replace(/[^A-Za-z0-9]+/g, '_')}`;
  const title = `Provisioned vs demand: ${mode}`;
  const what = `Units running (time-averaged per ${s?.epochMs ?? '?'} ms epoch) against the offered load in units' worth of capacity, over the replay.`;
  const n = s ? Math.min(s.tMs.length, s.demandUnits.length, s.provisionedUnits.length) : 0;
  if (!s || n === 0) return { id, title, what, width: 540, height: 300, note: `no time series was recorded for ${mode}` };
  const demand: Array<[number, number]> = [];
  const prov: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const t = (s.tMs[i] as number) / 1000;
    demand.push([t, s.demandUnits[i] as number]);
    prov.push([t, s.provisionedUnits[i] as number]);
  }
  const option = base('time (s)', 'units');
  option.series = [line('demand', thin(demand), false, true), line('provisioned', thin(prov), true)];
  return { id, title, what, width: 540, height: 300, option };
}

function utilizationCdf(modes: readonly string[], series: CompareResult['series']): FigureSpec {
  const id = 'fig2-utilization-cdf';
  const title = 'Utilization of running units per epoch';
  const what = 'Empirical CDF over epochs with units running of the mean utilization of the running units (Fig. 2 of the paper, all modes on one axis).';
  const lines: Record<string, unknown>[] = [];
  for (const m of modes) {
    const s = series[m];
    if (!s) continue;
    const vals: number[] = [];
    const n = Math.min(s.utilization.length, s.provisionedUnits.length);
    for (let i = 0; i < n; i++) if ((s.provisionedUnits[i] as number) > 0) vals.push((s.utilization[i] as number) * 100);
    if (vals.length === 0) continue;
    vals.sort((a, b) => a - b);
    lines.push(line(m, thin(vals.map((v, i): [number, number] => [v, (i + 1) / vals.length])), true));
  }
  if (lines.length === 0) return { id, title, what, width: 760, height: 360, note: 'no mode recorded utilization samples' };
  const option = base('utilization of running units (%)', 'fraction of epochs', 'value', { min: 0, max: 1 });
  (option.xAxis as Record<string, unknown>).min = 0;
  (option.xAxis as Record<string, unknown>).max = 100;
  option.series = lines;
  return { id, title, what, width: 760, height: 360, option };
}

function latencyCdf(id: string, title: string, what: string, modes: readonly string[], series: CompareResult['series']): FigureSpec {
  const lines: Record<string, unknown>[] = [];
  for (const m of modes) {
    const pts = (series[m]?.latencyCdfUs ?? []).filter((p) => p[0] > 0);
    if (pts.length > 0) lines.push(line(m, thin(pts.map((p): [number, number] => [p[0], p[1]])), true));
  }
  if (lines.length === 0) return { id, title, what, width: 760, height: 360, note: `no latency samples for ${modes.join(', ') || 'any mode of this kind'}` };
  const option = base('packet latency (µs, log scale)', 'fraction of packets ≤ x', 'log', { min: 0, max: 1 });
  option.series = lines;
  return { id, title, what, width: 760, height: 360, option };
}

export function compareFigures(r: CompareResult): FigureSpec[] {
  const keys = Object.keys(r.modes);
  for (const k of Object.keys(r.series)) if (!keys.includes(k)) keys.push(k);
  const figs = keys.map((m) => provisioning(m, r.series[m]));
  figs.push(utilizationCdf(keys, r.series));
  const alloc = allocationModes(keys);
  figs.push(latencyCdf('fig3-latency-by-allocation', 'Packet latency by allocation mode',
    'Empirical CDF of per-packet latency through the gateway, one line per work-allocation mode at its default state (Fig. 3 of the paper).', alloc, r.series));
  const states = stateModes(keys);
  figs.push(latencyCdf('fig4-latency-by-state', 'Packet latency by state mode',
    'Empirical CDF of per-packet latency in flowlet mode, one line per state mode: proactive replication, reactive pull, external store (Fig. 4 of the paper).', states, r.series));
  return figs;
}
