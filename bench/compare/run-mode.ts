/**
 * One mode of a comparison: a fresh `snf gateway` child process (and its units) for the mode, the
 * trace replayed from this process at the offered load, the gateway's snf_* series and the CPU
 * of its process tree sampled every epoch, then its stats read on stop. The replayer's CPU is
 * this process's and never counted.
 */
import { replay } from '../replay/replayer';
import { parseRunMode } from '../../gateway/modes';
import type { LoadedTrace } from '../../trace/types';
import type { CompareModeResult, CompareModeSeries } from './types';
import { EPOCH_MS, latencyCdfUs, provisionedOverDemand, samplesToEpochs, unitSeconds, unitsMean } from './epochs';
import { CpuMeter } from './proc-cpu';
import { GatewayProcess, type GatewaySample } from './gateway-process';

export interface ModeRunOptions {
  trace: LoadedTrace;
  function: string;
  mode: string;
  rate?: number;
  speed?: number;
  minUnits: number;
  maxUnits: number;
  capacityBps: number;
  timeoutUs?: number;
  ofWatchdog?: string;
  /** Offered bits/s per epoch (the same for every mode). */
  demandBps: readonly number[];
  drainTimeoutMs: number;
  onProgress?(sent: number, received: number): void;
}

export interface ModeRun {
  result: CompareModeResult;
  series: CompareModeSeries;
  /** Counters behind the figures (for tests and the curious). */
  detail: { sent: number; received: number; duplicates: number; nfRuns: number; epochsWithin20: number; processes: number };
}

const TOKEN = 'bench-compare';

/** The implementation serving a mode. */
export function runtimeOf(mode: string, ofWatchdog: string | undefined): string {
  if (parseRunMode(mode).assignment !== 'packet') return 'snf gateway + snf watchdog units';
  return ofWatchdog !== undefined ? 'of-watchdog 0.11.6 (http) + snf watchdog --http, per-packet HTTP' : 'snf watchdog --http, per-packet HTTP';
}

export async function runMode(o: ModeRunOptions): Promise<ModeRun> {
  const packet = parseRunMode(o.mode).assignment === 'packet';
  const ofWatchdog = packet ? o.ofWatchdog : undefined;
  const maxUnits = ofWatchdog !== undefined ? 1 : o.maxUnits;
  const gw = new GatewayProcess({
    function: o.function, token: TOKEN, mode: o.mode, minUnits: Math.min(o.minUnits, maxUnits), maxUnits, capacityBps: o.capacityBps,
    ...(o.timeoutUs !== undefined ? { timeoutUs: o.timeoutUs } : {}), ...(ofWatchdog !== undefined ? { ofWatchdog } : {}),
  });
  const tMs: number[] = [];
  const samples: GatewaySample[] = [];
  let stats: Record<string, any> = {};
  let cpu: CpuMeter | null = null;
  let timer: NodeJS.Timeout | null = null;
  try {
    await gw.start();
    cpu = new CpuMeter(gw.pid);
    const meter = cpu;
    const t0 = performance.now();
    meter.sample();
    let busy = false;
    timer = setInterval(() => {
      meter.sample();
      if (busy) return;
      busy = true;
      const t = performance.now() - t0;
      gw.sample().then((s) => {
        tMs.push(t);
        samples.push(s);
      }, () => undefined).finally(() => (busy = false));
    }, EPOCH_MS);
    const r = await replay({
      port: gw.streamPort, token: TOKEN, trace: o.trace, drainTimeoutMs: o.drainTimeoutMs,
      ...(o.rate !== undefined ? { rate: o.rate } : {}), ...(o.speed !== undefined ? { speed: o.speed } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    clearInterval(timer);
    timer = null;
    meter.sample();
    const cpuSeconds = meter.seconds();
    const last = await gw.sample().catch(() => samples[samples.length - 1]);
    stats = await gw.stop();
    const epochs = o.demandBps.length;
    const demandUnits = o.demandBps.map((b) => b / o.capacityBps);
    const provisionedUnits = samplesToEpochs(tMs, samples.map((s) => s.activeUnits), epochs);
    const utilization = samplesToEpochs(tMs, samples.map((s) => s.utilization), epochs);
    const pod = provisionedOverDemand(demandUnits, provisionedUnits);
    // Billing: SNF units report drained packets in CREDIT frames; HTTP units bill every request answered.
    const httpStats = stats.http as { requests: number; errors: number } | null;
    const nfRuns = packet && httpStats ? httpStats.requests - httpStats.errors : Number(stats.gateway?.billedPackets ?? last?.billedPackets ?? 0);
    const runEpochs = samplesToEpochs(tMs, samples.map((s) => s.activeUnits), Math.max(1, Math.ceil((r.durationS * 1e3) / EPOCH_MS)));
    const result: CompareModeResult = {
      runtime: runtimeOf(o.mode, ofWatchdog),
      pps: Math.round(r.pps),
      latencyUs: { p50: r.latencyUs.p50, p99: r.latencyUs.p99 },
      unitsMean: unitsMean(runEpochs),
      provisionedOverDemand: { p50: pod.p50, p90: pod.p90 },
      billedPackets: nfRuns,
      billedUnitSeconds: unitSeconds(runEpochs),
      cpuSeconds: Math.round(cpuSeconds * 100) / 100,
      lost: r.lost,
      reordered: r.reordered,
      offered: r.sent,
      delivered: r.received,
      gatewayStats: stats,
    };
    const series: CompareModeSeries = {
      epochMs: EPOCH_MS,
      tMs: demandUnits.map((_, e) => e * EPOCH_MS),
      demandUnits: demandUnits.map(round4),
      provisionedUnits,
      utilization: utilization.map(round4),
      latencyCdfUs: latencyCdfUs(r.residenceNs),
    };
    return { result, series, detail: { sent: r.sent, received: r.received, duplicates: r.duplicates, nfRuns, epochsWithin20: pod.within, processes: meter.processes } };
  } finally {
    if (timer) clearInterval(timer);
    await gw.stop().catch(() => undefined);
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
