/**
 * `snf bench live`: the same trace, at the same offered load, through real gateway + unit
 * processes in each state mode (proactive, reactive, external) and the per-packet HTTP baseline
 * (`packet`). Unit-side shares (seamless/pulled/waited per moved flowlet, replication bytes per
 * flowlet) come from the units' STATS frames (null for the HTTP baseline, which has none).
 */
import { replayInThread } from '../replay/replay-thread';
import { summarizeResidence } from '../replay/latency';
import { Gateway } from '../../gateway/gateway';
import { defaultGatewayOptions } from '../../gateway/options';
import { parseRunMode } from '../../gateway/modes';
import type { LoadedTrace } from '../../trace/types';
import type { ControllerParams } from '../../gateway/controller';
import { ProcessMeter } from '../../watchdog/process-meter';
import { knee, liveFigures } from './process-stats';
import { movedDiagnosis } from './moved-diagnosis';

export interface LiveBenchOptions {
  function: string;
  units: number;
  rate: number;
  /** Run modes in the one spelling (gateway/modes.ts), e.g. `flowlet/reactive`, `packet`. */
  modes: string[];
  /** Units' SNF_IDLE_PUSH_US; default: the gateway derives T/2 from the effective T (gateway/profiles.ts). */
  idlePushUs?: number;
  /** Runs per mode (each with a fresh gateway and units). */
  runs?: number;
  /** Leading packets left out of `steadyLatencyUs` (JIT warm-up, connection set-up). */
  warmupPackets?: number;
  /** Controller overrides (timeoutNs, unitCapacityBps, …). */
  controller?: Partial<ControllerParams>;
  /** Offered rates for a knee search (`knee.<mode>`); the run uses `rate` when absent. */
  rates?: number[];
}

/**
 * Leading repeats left out of the steady-state figures: those of the first 0.6 s, at most half the
 * run. Measured (lb, smallFlows, 2 units, 100 k pkt/s, 2026-11-29): JIT compilation, connection
 * set-up and the controller's first demand estimates keep p50 at 6–70 ms for ~0.5 s after start,
 * then it settles at ~0.1 ms — one repeat (0.14 s) of warm-up left most of that in "steady".
 */
export function defaultWarmupRepeats(tracePackets: number, rate: number, repeat: number): number {
  if (repeat <= 1 || tracePackets <= 0) return 0;
  return Math.min(Math.floor(repeat / 2), Math.max(1, Math.ceil((0.6 * rate) / tracePackets)));
}

const TOKEN = 'bench-live';

async function runMode(trace: LoadedTrace, mode: string, o: LiveBenchOptions): Promise<Record<string, unknown>> {
  const g = defaultGatewayOptions(o.function, TOKEN);
  g.mode = mode;
  g.minUnits = o.units;
  g.maxUnits = o.units;
  g.controller = { ...o.controller };
  g.timing = { fromSeq: Math.min(o.warmupPackets ?? 0, trace.count) };
  // e.g. `--cpu-prof --cpu-prof-dir=/tmp/p` to profile the units (NODE_OPTIONS may not carry --cpu-prof).
  g.unitNodeFlags = (process.env.SNF_BENCH_UNIT_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  // Link backpressure (unit-link.ts; default 8192, SNF_GATEWAY_LINK_MAX_QUEUED): the A/B switch, e.g. SNF_BENCH_LINK_MAX_QUEUED=0 = off.
  if (process.env.SNF_BENCH_LINK_MAX_QUEUED !== undefined) g.linkMaxQueued = Number(process.env.SNF_BENCH_LINK_MAX_QUEUED);
  // The gateway's start-up warm-up (gateway/dispatch/warm-up.ts), for A/B runs: e.g. SNF_BENCH_GATEWAY_WARMUP_PACKETS=0.
  if (process.env.SNF_BENCH_GATEWAY_WARMUP_PACKETS !== undefined) g.warmupPackets = Number(process.env.SNF_BENCH_GATEWAY_WARMUP_PACKETS);
  if (o.idlePushUs !== undefined) g.unitEnv = { SNF_IDLE_PUSH_US: String(o.idlePushUs) };
  const gw = new Gateway(g);
  try {
    await gw.start();
    const meter = new ProcessMeter();
    meter.start();
    // The replayer runs on a thread of its own (its loop, heap and CPU apart from the gateway's).
    const { replay: r, cpuUs: replayerCpuUs } = await replayInThread({ port: gw.streamPort, token: TOKEN, trace, rate: o.rate, drainTimeoutMs: 5000 });
    const whole = meter.read();
    const bench = { ...whole, cpuUs: Math.max(0, whole.cpuUs - replayerCpuUs) };
    meter.stop();
    const ctl = gw.controller.counters;
    const u = await gw.unitTotals();
    const has = Object.keys(u).length > 0;
    const moved = Math.max(1, ctl.flowletsMoved);
    const share = (x: number | undefined) => (has ? (x ?? 0) / moved : null);
    return {
      pps: r.pps, offeredPps: r.offeredPps, latencyUs: r.latencyUs, steadyLatencyUs: summarizeResidence(r.residenceNs, Math.min(o.warmupPackets ?? 0, trace.count)), lost: r.lost, reordered: r.reordered,
      flowlets: ctl.flowlets, flowletsMoved: ctl.flowletsMoved, overloadAssignments: ctl.overloadAssignments,
      seamlessShare: share(u.seamless), pulledShare: share(u.pulled), waitedShare: share((u.pulled ?? 0) + (u.releasedByPush ?? 0)),
      replicationBytesPerFlowlet: has ? ((u.pushBytesSent ?? 0) + (u.storeBytesWritten ?? 0)) / Math.max(1, ctl.flowlets) : null,
      stateLost: has ? u.stateLost ?? 0 : null,
      late: has ? u.late ?? 0 : null,
      waitedPackets: has ? u.waited ?? 0 : null,
      movedNotSeamless: has ? movedDiagnosis(ctl, u, await gw.unitStats()) : null,
      ...(await liveFigures(gw, bench, trace.count)),
      replayerCpuUsPerPacket: Math.round((replayerCpuUs / Math.max(1, trace.count)) * 100) / 100,
    };
  } finally {
    await gw.stop();
  }
}

export async function runLiveBench(trace: LoadedTrace, o: LiveBenchOptions): Promise<Record<string, unknown>> {
  o.modes.forEach(parseRunMode); // fail before any gateway starts
  if (o.rates !== undefined && o.rates.length > 0) return runKnee(trace, o, o.rates);
  const modes: Record<string, unknown> = {};
  const runs = Math.max(1, o.runs ?? 1);
  for (const m of o.modes) {
    const all: Array<Record<string, unknown>> = [];
    for (let i = 0; i < runs; i++) all.push(await runMode(trace, m, o));
    modes[m] = runs === 1 ? all[0] : all;
  }
  return { trace: trace.path, function: o.function, units: o.units, offeredPps: o.rate, modes };
}

/** `--rates`: every mode at every rate (ascending); `knee.<mode>` = highest rate with steady p99 ≤ 5 ms and nothing lost. */
async function runKnee(trace: LoadedTrace, o: LiveBenchOptions, rates: number[]): Promise<Record<string, unknown>> {
  const modes: Record<string, Record<string, unknown>> = {};
  const kneeOf: Record<string, number> = {};
  for (const m of o.modes) {
    const points: Array<{ rate: number; p99Us: number; lost: number }> = [];
    modes[m] = {};
    for (const rate of [...rates].sort((a, b) => a - b)) {
      const r = await runMode(trace, m, { ...o, rate });
      modes[m]![String(rate)] = r;
      points.push({ rate, p99Us: (r.steadyLatencyUs as { p99: number }).p99, lost: r.lost as number });
    }
    kneeOf[m] = knee(points);
  }
  return { trace: trace.path, function: o.function, units: o.units, rates, knee: kneeOf, modes };
}
