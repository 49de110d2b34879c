/** Percentiles of a latency sample (ns in, µs out), by sorting a copy: runs once per replay. */
export interface LatencySummary {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Summary of `residenceNs[from..]` leaving out NaN (packets that never came back). */
export function summarizeResidence(residenceNs: Float64Array, from = 0): LatencySummary {
  const got = new Float64Array(Math.max(0, residenceNs.length - from));
  let n = 0;
  for (let i = from; i < residenceNs.length; i++) if (!Number.isNaN(residenceNs[i]!)) got[n++] = residenceNs[i]!;
  return summarizeNs(got, n);
}

export function summarizeNs(samples: Float64Array, n: number): LatencySummary {
  if (n === 0) return { p50: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const s = Float64Array.from(samples.subarray(0, n)).sort();
  const at = (q: number) => s[Math.min(n - 1, Math.floor(q * n))]! / 1e3;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i]!;
  const r = (x: number) => Math.round(x * 10) / 10;
  return { p50: r(at(0.5)), p99: r(at(0.99)), p999: r(at(0.999)), max: r(s[n - 1]! / 1e3), mean: r(sum / n / 1e3) };
}
