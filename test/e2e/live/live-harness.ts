/**
 * Shared by the live e2e tests: run a trace through LocalRuntime (the reference) and through a
 * live gateway with real unit processes, and collect both sides per flow.
 */
import Redis from 'ioredis';
import { replay, type ReplayResult } from '../../../bench/replay/replayer';
import { getFunction } from '../../../functions';
import { Gateway } from '../../../gateway/gateway';
import { externalKey } from '../../../watchdog/state/external-store';
import { defaultGatewayOptions, type StateMode } from '../../../gateway/options';
import { LocalRuntime } from '../../../sdk/local-runtime';
import { Packet } from '../../../sdk/packet';
import { Verdict, type NetworkFunction } from '../../../sdk/types';
import type { FlowKey } from '../../../sdk/flow-key';
import type { LoadedTrace } from '../../../trace/types';

export interface Expected {
  verdict: number[];
  bytes: Array<Buffer | null>;
  /** Final state per flow key index (undefined = none). */
  state: unknown[];
}

/** `include`: only the packets it accepts run (the others are skipped: e.g. lost in a crash); verdict/bytes stay indexed by packet. */
export function runReference(nfName: string, trace: LoadedTrace, keys: readonly FlowKey[], include?: (i: number) => boolean): Expected {
  const nf = getFunction(nfName) as NetworkFunction<unknown, unknown>;
  const rt = new LocalRuntime(nf);
  const p = new Packet();
  const verdict: number[] = [];
  const bytes: Array<Buffer | null> = [];
  for (let i = 0; i < trace.count; i++) {
    if (include !== undefined && !include(i)) {
      verdict.push(Verdict.DROP);
      bytes.push(null);
      continue;
    }
    // The runtime rewrites in place: give it a copy so the trace stays pristine for the replay.
    const copy = Buffer.from(trace.bytes.subarray(trace.offsets[i]!, trace.offsets[i]! + trace.lengths[i]!));
    p.reset(copy, 0, copy.length);
    const v = rt.process(p, trace.timesNs[i]!);
    verdict.push(v);
    bytes.push(v === Verdict.FORWARD ? copy : null);
  }
  return { verdict, bytes, state: keys.map((k) => rt.state.get(k)) };
}

export interface LiveRun {
  result: ReplayResult;
  /** Final state per flow key index, decoded (undefined = none / deleted), newest clock over units. */
  state: unknown[];
  /** External state mode: what Redis holds per flow after the units stopped (null otherwise). */
  stored: unknown[] | null;
  stats: Record<string, unknown>;
  /** Every unit's counters (STATS frame), summed over units. */
  units: Record<string, number>;
}

export const TOKEN = 'e2e-live-token';

export interface LiveOptions {
  units: number;
  rate: number;
  timeoutNs: number;
  sizeBytes: number;
  /** Per-unit capacity the controller packs against (b/s). */
  capacityBps: number;
}

export async function runLive(nfName: string, state: StateMode, trace: LoadedTrace, opts: LiveOptions): Promise<LiveRun> {
  const nf = getFunction(nfName) as NetworkFunction<unknown, unknown>;
  const o = defaultGatewayOptions(nfName, TOKEN);
  o.mode = `flowlet/${state}`;
  o.nfTime = 'source';
  o.minUnits = opts.units;
  o.maxUnits = opts.units;
  // α = 0 and a tiny capacity: each unit fits few open flowlets, so new flowlets spread and move.
  o.controller = { timeoutNs: opts.timeoutNs, sizeThresholdBytes: opts.sizeBytes, alpha: 0, unitCapacityBps: opts.capacityBps, initialDemandBps: 1e6, idleRetireNs: 1e12,
    // Budget = the meter window (as live): with these tiny capacities a short budget is a few
    // dozen packets, which held packets alone exceed, and the test would be about overload.
    backlogBudgetNs: 0,
    // The paper's packer: size forks move too, and a full unit's flows too (the live defaults
    // keep them home: sizeForkStays, pendingStaysWhenFull); this test wants moves.
    sizeForkStays: false, pendingStaysWhenFull: false };
  // Hold timeout 5 s: a liveness bound on a contended 2-core box (see correctness.test.ts). The
  // units' T/2 is derived by the gateway from opts.timeoutNs (gateway/profiles.ts unitSettings).
  o.unitEnv = { SNF_HOLD_TIMEOUT_MS: '5000' };
  o.onUnitLog = (global as any).__unitLog;
  const gw = new Gateway(o);
  let run: Omit<LiveRun, 'stored'>;
  try {
    await gw.start();
    const result = await replay({ port: gw.streamPort, token: TOKEN, trace, rate: opts.rate, collect: true, drainTimeoutMs: 8000 });
    const keys = result.flows.keys;
    const units = await gw.unitTotals();
    const dumped = await gw.collectState(keys);
    const decoded = dumped.map((d) => (d === null || !d.present ? undefined : nf.stateCodec.decode(d.value)));
    run = { result, state: decoded, stats: gw.stats(), units };
  } finally {
    await gw.stop();
  }
  if (state !== 'external') return { ...run, stored: null };
  // The units wrote every changed flow on SIGTERM: Redis must now hold the final state.
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const prefix = `snf:ext:${gw.runId}:${nf.name}:`;
    const raw = await Promise.all(run.result.flows.keys.map((k) => redis.hmgetBuffer(externalKey(prefix, k), 'p', 'v')));
    const stored = raw.map(([p, v]) => (p === null || p.toString() !== '1' ? undefined : nf.stateCodec.decode(v ?? Buffer.alloc(0))));
    const left = await redis.keys(`${prefix}*`);
    if (left.length > 0) await redis.del(...left);
    return { ...run, stored };
  } finally {
    redis.disconnect();
  }
}
