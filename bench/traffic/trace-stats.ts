/**
 * traceStats: the flow and flowlet statistics of a trace — what the built-in traffic generator
 * (calibrated-generator.ts) is calibrated against and what its test measures on the generated
 * traffic, with this same code. Pure: a LoadedTrace in, numbers out.
 *
 * Flows are connections (canonical 5-tuple: both directions together, as the gateway's flowlet
 * table keys them). A new flowlet starts when a connection was idle for at least `timeoutNs`
 * (timeout-only flowlets; the size threshold B is the gateway's and is left out here). Quantiles
 * use the nearest-rank rule.
 */
import { canonicalKey, flowKeyOf, newFlowKey } from '../../sdk/flow-key';
import { FlowTable } from '../../sdk/flow-table';
import { Packet } from '../../sdk/packet';
import type { LoadedTrace } from '../../trace/types';

/** The quantiles every distribution below is summarised by. */
export const STAT_QUANTILES = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1] as const;

/** Values at STAT_QUANTILES, in that order. */
export type Quantiles = number[];

export interface TraceStats {
  packets: number;
  connections: number;
  /** Share of connections that are UDP (the rest TCP or other). */
  udpShare: number;
  durationS: number;
  timeoutMs: number;
  /** Packets per connection. */
  packetsPerConnection: Quantiles;
  /** Flowlets per connection at the timeout. */
  flowletsPerConnection: Quantiles;
  flowletsPerConnectionMean: number;
  /** Packets per flowlet (the burst a unit serves in one go). */
  packetsPerFlowlet: Quantiles;
  /** Idle gaps that start a new flowlet (≥ the timeout), ms. */
  interFlowletGapMs: Quantiles;
  /** Gaps between packets of one flowlet (< the timeout), ms. */
  intraFlowletGapMs: Quantiles;
  /** IP total length, bytes. */
  wireBytes: Quantiles;
}

export function quantilesOf(xs: ArrayLike<number>, qs: readonly number[] = STAT_QUANTILES): Quantiles {
  const s = Float64Array.from(xs as ArrayLike<number>).sort();
  if (s.length === 0) return qs.map(() => 0);
  return qs.map((q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!);
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function traceStats(trace: LoadedTrace, timeoutNs: number): TraceStats {
  const table = new FlowTable<number>(1024);
  const p = new Packet();
  const k = newFlowKey();
  const lastT: number[] = [];
  const pkts: number[] = [];
  const flowlets: number[] = [];
  const inFlowlet: number[] = [];
  const perFlowlet: number[] = [];
  const inter: number[] = [];
  const intra: number[] = [];
  let udp = 0;
  for (let i = 0; i < trace.count; i++) {
    p.reset(trace.bytes, trace.offsets[i]!, trace.lengths[i]!);
    canonicalKey(flowKeyOf(p, k), k);
    const t = trace.timesNs[i]!;
    let f = table.get(k);
    if (f === undefined) {
      f = pkts.length;
      table.set(k, f);
      pkts.push(0);
      flowlets.push(1);
      inFlowlet.push(0);
      lastT.push(t);
      if (k.proto === 17) udp++;
    } else {
      const gap = t - lastT[f]!;
      if (gap >= timeoutNs) {
        inter.push(gap / 1e6);
        perFlowlet.push(inFlowlet[f]!);
        inFlowlet[f] = 0;
        flowlets[f]!++;
      } else intra.push(gap / 1e6);
      lastT[f] = t;
    }
    pkts[f]!++;
    inFlowlet[f]!++;
  }
  for (const n of inFlowlet) perFlowlet.push(n);
  const conns = pkts.length;
  const r = (q: Quantiles): Quantiles => q.map((x) => round(x));
  return {
    packets: trace.count,
    connections: conns,
    udpShare: conns ? round(udp / conns) : 0,
    durationS: trace.count ? round(trace.timesNs[trace.count - 1]! / 1e9) : 0,
    timeoutMs: timeoutNs / 1e6,
    packetsPerConnection: quantilesOf(pkts),
    flowletsPerConnection: quantilesOf(flowlets),
    flowletsPerConnectionMean: conns ? round(flowlets.reduce((a, b) => a + b, 0) / conns) : 0,
    packetsPerFlowlet: quantilesOf(perFlowlet),
    interFlowletGapMs: r(quantilesOf(inter)),
    intraFlowletGapMs: r(quantilesOf(intra)),
    wireBytes: quantilesOf(trace.wireLengths),
  };
}
