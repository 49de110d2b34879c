/**
 * Shared by the live e2e tests: run a trace through LocalRuntime (the reference) and through a
 * live gateway with real unit processes, and collect both sides per flow.
 */
import Redis from 'ioredis';
import { replay, type ReplayResult } from '../../../bench/replay/replayer';
import { getFunction } from '../../../functions';
import { Gateway } from '../../../gateway/gateway';
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

export function runReference(nfName: string, trace: LoadedTrace, keys: readonly FlowKey[]): Expected {
  const nf = getFunction(nfName) as NetworkFunction<unknown, unknown>;
  const rt = new LocalRuntime(nf);
  const p = new Packet();
  const verdict: number[] = [];
  const bytes: Array<Buffer | null> = [];
  for (let i = 0; i < trace.count; i++) {
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
  /** Final state per flow key index, decoded (undefined = none / deleted). */
  state: unknown[];
  stats: Record<string, unknown>;
  /** Every unit's counters (STATS frame), summed over units. */
  units: Record<string, number>;
}

export const TOKEN = 'e2e-live-token';

export async function runLive(nfName: string, state: StateMode, trace: LoadedTrace, opts: { units: number; rate: number; timeoutNs: number; sizeBytes: number }): Promise<LiveRun> {
  const nf = getFunction(nfName) as NetworkFunction<unknown, unknown>;
  const o = defaultGatewayOptions(nfName, TOKEN);
  o.state = state;
  o.nfTime = 'source';
  o.minUnits = opts.units;
  o.maxUnits = opts.units;
  // α = 0 and a tiny capacity: each unit fits few open flowlets, so new flowlets spread and move.
  o.controller = { timeoutNs: opts.timeoutNs, sizeThresholdBytes: opts.sizeBytes, alpha: 0, unitCapacityBps: Number(process.env.SNF_TEST_LIVE_CAP ?? 2e6), initialDemandBps: 1e6, idleRetireNs: 1e12 };
  o.unitEnv = { SNF_IDLE_PUSH_US: String(Math.max(1, Math.round(opts.timeoutNs / 2e3)))};
  let redis: Redis | null = null;
  if (state === 'external') {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const old = await redis.keys(`snf:state:${nf.name}:*`);
    if (old.length > 0) await redis.del(...old);
  }
  o.onUnitLog = (global as any).__unitLog;
  const gw = new Gateway(o);
  try {
    await gw.start();
    const result = await replay({ port: gw.streamPort, token: TOKEN, trace, rate: opts.rate, collect: true, drainTimeoutMs: 3000 });
    const keys = result.flows.keys;
    const units: Record<string, number> = {};
    for (const st of Object.values(await gw.unitStats())) for (const [k, v] of Object.entries(st)) units[k] = (units[k] ?? 0) + (v ?? 0);
    let decoded: unknown[];
    if (redis !== null) {
      const raw = await Promise.all(keys.map((k) => redis!.getBuffer(`snf:state:${nf.name}:${k.proto}:${k.srcIp}:${k.srcPort}:${k.dstIp}:${k.dstPort}`)));
      decoded = raw.map((b) => (b === null ? undefined : nf.stateCodec.decode(b)));
    } else {
      const dumped = await gw.collectState(keys);
      decoded = dumped.map((d) => (d === null || !d.present ? undefined : nf.stateCodec.decode(d.value)));
    }
    return { result, state: decoded, stats: gw.stats(), units };
  } finally {
    await gw.stop();
    redis?.disconnect();
  }
}
