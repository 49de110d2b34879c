/**
 * Demand estimation (§4.1, Pseudocode 1 lines 40–49).
 *
 * Measured load of a completed flowlet of N packets, `bytes` wire bytes, first and last packet
 * `durationNs` apart: a steady stream of N packets spaced g apart spans (N−1)·g but carries N
 * packets' worth, so its span is durationNs·N/(N−1). A one-packet flowlet has no spacing; the
 * next packet of its flow came more than T later (or never), so its span is taken as T.
 *
 * The WAM compares demand with a unit's load, which is the drain rate over the meter window W
 * (§8: 200 × 500 µs). What a flowlet adds to that meter is its bytes·8 / W when it is shorter
 * than W, and its own rate when it is longer. So the span is floored at `windowNs` (pass the
 * meter window): load = bytes·8 / max(span, W). With `windowNs` = 0 this is the flowlet's burst
 * rate, which overstates a short flowlet's share of the meter by W / span (up to 200×).
 * The result is capped at BW_max: a flowlet goes to a single unit and cannot use more.
 */
export function measuredRateBps(bytes: number, packets: number, durationNs: number, timeoutNs: number, capacityBps: number, windowNs = 0): number {
  const burstSpanNs = packets > 1 ? (durationNs * packets) / (packets - 1) : timeoutNs;
  const spanNs = burstSpanNs > windowNs ? burstSpanNs : windowNs;
  if (spanNs <= 0) return capacityBps;
  const rate = (bytes * 8e9) / spanNs;
  return rate < capacityBps ? rate : capacityBps;
}

/** Estimate for a flow's next flowlet: EWMA δ·(last measured) + (1−δ)·(previous estimate). */
export function ewmaEstimate(delta: number, lastMeasuredBps: number, previousEstimateBps: number): number {
  return delta * lastMeasuredBps + (1 - delta) * previousEstimateBps;
}

/** Running mean of the measured rates of all completed flowlets: the first flowlet's estimate. */
export class GlobalFlowletAverage {
  private count = 0;
  private mean: number;
  constructor(private readonly initialBps: number) {
    this.mean = initialBps;
  }
  add(rateBps: number): void {
    this.count++;
    this.mean += (rateBps - this.mean) / this.count;
  }
  /** `initialBps` until the first flowlet completes. */
  get valueBps(): number {
    return this.count === 0 ? this.initialBps : this.mean;
  }
  get completed(): number {
    return this.count;
  }
}
