/**
 * Demand estimation (§4.1, Pseudocode 1 lines 40–49).
 *
 * Measured rate of a completed flowlet of N packets, `bytes` wire bytes, first and last packet
 * `durationNs` apart: a steady stream of N packets spaced g apart spans (N−1)·g but carries N
 * packets' worth, so the unbiased rate is bytes·8 / (durationNs·N/(N−1)). A one-packet flowlet
 * has no spacing; the next packet of its flow came more than T later (or never), so its rate is
 * at most bytes·8 / T, which is what we use. The result is capped at BW_max: a flowlet goes to a
 * single unit and cannot use more (this also tames back-to-back packets with equal timestamps).
 */
export function measuredRateBps(bytes: number, packets: number, durationNs: number, timeoutNs: number, capacityBps: number): number {
  const spanNs = packets > 1 ? (durationNs * packets) / (packets - 1) : timeoutNs;
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
