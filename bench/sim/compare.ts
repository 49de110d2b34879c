/**
 * Runs several modes (and sweeps) on the same input and shapes the `snf sim --json` answer:
 * {"trace", "params", "modes": {"<mode>": ModeResult}} — one key per compared mode, in order.
 */
import type { ControllerParams } from '../../gateway/controller';
import type { SimInput } from './input';
import { parseModeSpec } from './mode';
import type { SimParams } from './params';
import { simulate, type ModeResult, type SimRun } from './simulator';

export interface CompareJson {
  trace: string;
  params: Record<string, unknown>;
  modes: Record<string, ModeResult>;
}

export type Progress = (label: string, done: number) => void;

export function runModes(input: SimInput, modes: readonly string[], ctrl: Partial<ControllerParams>, sim: SimParams, progress?: Progress): SimRun[] {
  const specs = modes.map(parseModeSpec); // parse all first: a typo fails before any long run
  return specs.map((spec) => simulate(input, spec, ctrl, sim, { onProgress: progress ? (d) => progress(spec.label, d) : undefined }));
}

export function compareJson(trace: string, params: Record<string, unknown>, runs: readonly SimRun[]): CompareJson {
  const modes: Record<string, ModeResult> = {};
  for (const r of runs) modes[r.mode.label] = r.result;
  return { trace, params, modes };
}

/** A sweep: one controller/simulator knob over values, e.g. `k=1,2,3,4`. */
export interface Sweep {
  knob: 'k' | 'alpha' | 'size-kb' | 'timeout-us' | 'backlog-us';
  values: number[];
}

export function applySweep(knob: Sweep['knob'], value: number, ctrl: Partial<ControllerParams>): Partial<ControllerParams> {
  switch (knob) {
    case 'k': return { ...ctrl, k: value };
    case 'alpha': return { ...ctrl, alpha: value };
    case 'size-kb': return { ...ctrl, sizeThresholdBytes: Math.round(value * 1000) };
    case 'timeout-us': return { ...ctrl, timeoutNs: Math.round(value * 1000) };
    // 0 turns the backlog term off (the earlier load); otherwise the drain-time budget (µs).
    case 'backlog-us': return value === 0 ? { ...ctrl, countBacklog: false } : { ...ctrl, countBacklog: true, backlogBudgetNs: Math.round(value * 1000) };
  }
}

export interface SweepPoint {
  value: number;
  mode: string;
  result: ModeResult;
  peakUnits: number;
}

export function runSweep(input: SimInput, modes: readonly string[], sweep: Sweep, ctrl: Partial<ControllerParams>, sim: SimParams, progress?: Progress): SweepPoint[] {
  const out: SweepPoint[] = [];
  for (const v of sweep.values) {
    const runs = runModes(input, modes, applySweep(sweep.knob, v, ctrl), sim, progress ? (l, d) => progress(`${l} ${sweep.knob}=${v}`, d) : undefined);
    for (const r of runs) out.push({ value: v, mode: r.mode.label, result: r.result, peakUnits: r.peakUnits });
  }
  return out;
}
