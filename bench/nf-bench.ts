/**
 * `snf bench nf`: each NF over one trace in one process, on one core.
 * Every pass restores the pristine bytes (NFs rewrite in place) and shifts time forward by the
 * trace span plus a second, so state ages as it would on a longer trace; only process() is timed.
 */
import { Packet } from '../sdk/packet';
import type { LocalRuntime } from '../sdk/local-runtime';
import type { LoadedTrace } from '../trace/load';

export interface NfBenchResult {
  pps: number;
  nsPerPacket: number;
  packets: number;
}

export interface NfBenchOptions {
  /** Minimum timed duration per NF. */
  minMs: number;
  /** Untimed passes first, so the JIT has settled. */
  warmupPasses: number;
}

export const DEFAULT_NF_BENCH: NfBenchOptions = { minMs: 1500, warmupPasses: 3 };

export function benchNf(runtime: LocalRuntime<any, any>, trace: LoadedTrace, opts: NfBenchOptions = DEFAULT_NF_BENCH): NfBenchResult {
  const pristine = Buffer.from(trace.bytes);
  const work = Buffer.from(trace.bytes);
  const packet = Packet.parse(work, 0, 0);
  const span = trace.count > 0 ? trace.timesNs[trace.count - 1] + 1e9 : 1e9;
  let timedNs = 0;
  let timedPackets = 0;
  for (let pass = 0; ; pass++) {
    pristine.copy(work);
    const base = pass * span;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < trace.count; i++) {
      packet.reset(work, trace.offsets[i], trace.lengths[i]);
      runtime.process(packet, base + trace.timesNs[i]);
    }
    const dt = Number(process.hrtime.bigint() - t0);
    if (pass < opts.warmupPasses) continue;
    timedNs += dt;
    timedPackets += trace.count;
    if (timedNs >= opts.minMs * 1e6 || trace.count === 0) break;
  }
  const nsPerPacket = timedPackets > 0 ? timedNs / timedPackets : 0;
  return { pps: nsPerPacket > 0 ? Math.round(1e9 / nsPerPacket) : 0, nsPerPacket: round(nsPerPacket), packets: timedPackets };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
