/**
 * The epoch and billing maths of a comparison run. Pure: arrays in, numbers out (unit-tested).
 *
 * Epochs are EPOCH_MS long and counted from the start of the replay. Demand is what the replayer
 * offers in an epoch (the trace's IP bytes of the packets due in it, as bits/s), in units' worth
 * of capacity; provisioned is the units the gateway ran, sampled at each epoch's end.
 */

export const EPOCH_MS = 100;

/** Offered bits/s per epoch: packet i (IP length `wireLengths[i]`) is due at `dueNs(i)`. */
export function demandBps(wireLengths: ArrayLike<number>, dueNs: (i: number) => number, epochMs = EPOCH_MS): number[] {
  const n = wireLengths.length;
  if (n === 0) return [];
  const epochNs = epochMs * 1e6;
  const epochs = Math.floor(dueNs(n - 1) / epochNs) + 1;
  const bits = new Array<number>(epochs).fill(0);
  for (let i = 0; i < n; i++) bits[Math.floor(dueNs(i) / epochNs)]! += wireLengths[i]! * 8;
  return bits.map((b) => b / (epochMs / 1e3));
}

/** The q-quantile (0..1) of `xs` by the nearest-rank rule; 0 for an empty list. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export interface OverDemand {
  p50: number;
  p90: number;
  /** Fraction of epochs with demand > 0 whose provisioned capacity is within ±`tolerance` of demand. */
  within: number;
  /** Epochs with demand > 0. */
  epochs: number;
}

/**
 * Provisioned over demand per epoch with demand > 0 (both in units), its p50/p90, and the share of
 * those epochs within ±tolerance (the target: ≥ 90 % of epochs within 20 %).
 */
export function provisionedOverDemand(demandUnits: readonly number[], provisionedUnits: readonly number[], tolerance = 0.2): OverDemand {
  const ratios: number[] = [];
  for (let e = 0; e < demandUnits.length; e++) {
    const d = demandUnits[e]!;
    if (d > 0) ratios.push((provisionedUnits[e] ?? 0) / d);
  }
  const within = ratios.filter((r) => Math.abs(r - 1) <= tolerance).length;
  return { p50: round3(quantile(ratios, 0.5)), p90: round3(quantile(ratios, 0.9)), within: ratios.length ? round3(within / ratios.length) : 0, epochs: ratios.length };
}

/** Time average of `units` over the given epochs (each `epochMs` long). */
export function unitsMean(units: readonly number[]): number {
  if (units.length === 0) return 0;
  let s = 0;
  for (const u of units) s += u;
  return round3(s / units.length);
}

/** Unit-seconds: each epoch's units times the epoch's length. */
export function unitSeconds(units: readonly number[], epochMs = EPOCH_MS): number {
  let s = 0;
  for (const u of units) s += u * (epochMs / 1e3);
  return round3(s);
}

/**
 * Empirical CDF of the residence times (ns; NaN = never came back, left out) as [µs, fraction ≤]
 * pairs, ascending, at most `maxPoints` of them (evenly spaced ranks, always the last).
 */
export function latencyCdfUs(residenceNs: Float64Array, maxPoints = 200): Array<[number, number]> {
  let n = 0;
  const got = new Float64Array(residenceNs.length);
  for (let i = 0; i < residenceNs.length; i++) if (!Number.isNaN(residenceNs[i]!)) got[n++] = residenceNs[i]!;
  if (n === 0) return [];
  const s = got.subarray(0, n).sort();
  const k = Math.min(n, Math.max(2, maxPoints));
  const out: Array<[number, number]> = [];
  for (let j = 1; j <= k; j++) {
    const rank = Math.ceil((j * n) / k);
    out.push([Math.round(s[rank - 1]! / 100) / 10, round3(rank / n)]);
  }
  return out;
}

/**
 * Samples taken at times `tMs` (since the replay began, about one per epoch end) onto epochs:
 * epoch e gets the last sample taken by its end plus half an epoch (timer jitter), or the one
 * before it when none was (carried forward).
 */
export function samplesToEpochs(tMs: readonly number[], values: readonly number[], epochs: number, epochMs = EPOCH_MS): number[] {
  const out = new Array<number>(epochs).fill(0);
  let j = 0;
  let last = values.length > 0 ? values[0]! : 0;
  for (let e = 0; e < epochs; e++) {
    const end = (e + 1.5) * epochMs;
    while (j < tMs.length && tMs[j]! <= end) last = values[j++]!;
    out[e] = last;
  }
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
