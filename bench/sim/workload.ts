/**
 * Flow size distribution of a simulator input: the paper's latency argument (§2, §9.2) rests on a
 * heavy tail (≈5 % of flows above 10 KB carrying most bytes, pinned elephants growing queues).
 * Reported with every run so a reader can see whether the workload has that tail.
 */
import type { SimInput } from './input';

export interface FlowSizeStats {
  flows: number;
  /** Share of flows (connections) whose wire bytes exceed 10 KB, 100 KB and 1 MB. */
  shareOver10KB: number;
  shareOver100KB: number;
  shareOver1MB: number;
  /** Share of all bytes carried by flows above 10 KB. */
  byteShareOver10KB: number;
  /** Flow size percentiles (wire bytes). */
  p50Bytes: number;
  p90Bytes: number;
  p99Bytes: number;
  maxBytes: number;
  /** Flow duration (first to last packet, after compression) percentiles, µs. */
  p50DurationUs: number;
  p99DurationUs: number;
}

export function flowSizeStats(input: SimInput): FlowSizeStats {
  const n = input.flows.length;
  const bytes = new Float64Array(n);
  const first = new Float64Array(n).fill(Infinity);
  const last = new Float64Array(n);
  for (let i = 0; i < input.count; i++) {
    const f = input.flowOf[i];
    bytes[f] += input.wireBytes[i];
    const t = input.timesNs[i];
    if (t < first[f]) first[f] = t;
    if (t > last[f]) last[f] = t;
  }
  let total = 0;
  let over10 = 0;
  let over10Bytes = 0;
  let over100 = 0;
  let over1M = 0;
  const dur = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    const b = bytes[f];
    total += b;
    if (b > 10_000) { over10++; over10Bytes += b; }
    if (b > 100_000) over100++;
    if (b > 1_000_000) over1M++;
    dur[f] = last[f] - first[f];
  }
  const sorted = Float64Array.from(bytes).sort();
  dur.sort();
  const q = (a: Float64Array, x: number): number => (a.length ? a[Math.min(a.length - 1, Math.floor(x * a.length))] : 0);
  const r = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    flows: n,
    shareOver10KB: r(n ? over10 / n : 0),
    shareOver100KB: r(n ? over100 / n : 0),
    shareOver1MB: r(n ? over1M / n : 0),
    byteShareOver10KB: r(total ? over10Bytes / total : 0),
    p50Bytes: q(sorted, 0.5),
    p90Bytes: q(sorted, 0.9),
    p99Bytes: q(sorted, 0.99),
    maxBytes: n ? sorted[n - 1] : 0,
    p50DurationUs: Math.round(q(dur, 0.5) / 1e3),
    p99DurationUs: Math.round(q(dur, 0.99) / 1e3),
  };
}
