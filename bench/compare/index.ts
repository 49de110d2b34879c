/**
 * The comparison engine (`snf bench compare`, reused by `snf demo`): the same trace at the same
 * offered load through each mode on fresh processes, figures per mode (types.ts, issue 11's JSON)
 * and the series the report draws. Modes run one after another (never two at once on a shared
 * machine). Stable entry point: `runCompare(opts, onProgress?)`.
 */
import { parseRunMode } from '../../gateway/modes';
import { SnfError } from '../../sdk/errors';
import { LIVE } from '../../gateway/profiles';
import type { LoadedTrace } from '../../trace/types';
import type { CompareResult } from './types';
import { demandBps } from './epochs';
import { runMode, type ModeRun } from './run-mode';

export type { CompareResult, CompareModeResult, CompareModeSeries, CompareModeFigures } from './types';
export { runtimeOf } from './run-mode';

/** The full matrix of issue 11, in the one spelling of gateway/modes.ts. */
export const COMPARE_MODES: readonly string[] = Object.freeze([
  'flowlet/proactive', 'flowlet/reactive', 'flowlet/external', 'flow', 'smartflow:50', 'smartflow:100', 'packet',
]);

export interface CompareOptions {
  trace: LoadedTrace;
  /** Network function (functions/<nf>). Default lb. */
  function?: string;
  /** Modes in order. Default COMPARE_MODES. */
  modes?: readonly string[];
  /** Offered packets/s (even spacing). Wins over `speed`. One of the two is required. */
  rate?: number;
  /** Time compression of the trace's own timing (keeps its burstiness). */
  speed?: number;
  /** Units the controller may run (min 1). Default 1..4. */
  minUnits?: number;
  maxUnits?: number;
  /** Per-unit capacity (bits/s) the controller packs against and demand is measured in. Default: the LIVE profile's. */
  capacityBps?: number;
  /** Flowlet timeout T (µs). Default: the LIVE profile's. */
  timeoutUs?: number;
  /** `packet` through the real of-watchdog at this path (one unit: it binds :8081). Default: `snf watchdog --http`. */
  ofWatchdog?: string;
  /** Give up on missing egress this long after the last packet (default 5000 ms). */
  drainTimeoutMs?: number;
}

export interface CompareProgress {
  mode: string;
  /** 0-based index of the mode and how many there are. */
  index: number;
  modes: number;
  phase: 'start' | 'replay' | 'done';
  sent: number;
  received: number;
  total: number;
}

/**
 * A mode whose processes failed to come up (a unit not ready in 20 s on a machine busy with other
 * work) is tried once more on fresh processes; a failure after the replay began is not retried.
 */
async function startRetried(run: () => Promise<ModeRun>): Promise<ModeRun> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof SnfError) || err.code !== 'SNF_ERR_UNIT_START') throw err;
    return run();
  }
}

/** Runs every mode; resolves with the figures and series of each (types.ts). */
export async function runCompare(opts: CompareOptions, onProgress?: (p: CompareProgress) => void): Promise<CompareResult> {
  const modes = [...(opts.modes ?? COMPARE_MODES)];
  modes.forEach(parseRunMode); // fail before any process starts
  if (opts.rate === undefined && opts.speed === undefined) throw new Error('runCompare: give rate or speed');
  const t = opts.trace;
  const fn = opts.function ?? 'lb';
  const capacityBps = opts.capacityBps ?? LIVE.controller.unitCapacityBps;
  const dueNs = (i: number): number => (opts.rate !== undefined ? (i / opts.rate) * 1e9 : t.timesNs[i]! / opts.speed!);
  const demand = demandBps(t.wireLengths, dueNs);
  const offeredS = t.count > 0 ? dueNs(t.count - 1) / 1e9 : 0;
  const offeredPps = opts.rate ?? (offeredS > 0 ? Math.round(t.count / offeredS) : 0);
  const result: CompareResult = {
    trace: t.path, offeredPps, function: fn, date: new Date().toISOString(),
    params: {
      packets: t.count, rate: opts.rate ?? 0, speed: opts.speed ?? 0, epochMs: 100, capacityBps,
      timeoutUs: opts.timeoutUs ?? LIVE.controller.timeoutNs / 1e3, minUnits: opts.minUnits ?? 1, maxUnits: opts.maxUnits ?? 4,
      ofWatchdog: opts.ofWatchdog ?? '',
    },
    modes: {}, series: {},
  };
  for (const [index, mode] of modes.entries()) {
    const tell = (phase: CompareProgress['phase'], sent: number, received: number): void =>
      onProgress?.({ mode, index, modes: modes.length, phase, sent, received, total: t.count });
    tell('start', 0, 0);
    const run: ModeRun = await startRetried(() => runMode({
      trace: t, function: fn, mode, minUnits: opts.minUnits ?? 1, maxUnits: opts.maxUnits ?? 4, capacityBps, demandBps: demand,
      drainTimeoutMs: opts.drainTimeoutMs ?? 5000,
      ...(opts.rate !== undefined ? { rate: opts.rate } : { speed: opts.speed! }),
      ...(opts.timeoutUs !== undefined ? { timeoutUs: opts.timeoutUs } : {}),
      ...(opts.ofWatchdog !== undefined ? { ofWatchdog: opts.ofWatchdog } : {}),
      onProgress: (sent, received) => tell('replay', sent, received),
    }));
    result.modes[mode] = run.result;
    result.series[mode] = run.series;
    tell('done', run.detail.sent, run.detail.received);
  }
  return result;
}
