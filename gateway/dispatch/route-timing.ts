/**
 * Sampled controller decision time: the core times `controller.route` for one packet in
 * `ROUTE_SAMPLE_EVERY` (two clock reads through an injected clock, no allocation) and counts the
 * duration into fixed buckets here. gateway/metrics/ exposes it as the histogram
 * `snf_controller_decision_seconds`; this file knows nothing of Prometheus.
 */

/** One packet in this many is timed. */
export const ROUTE_SAMPLE_EVERY = 1024;

/** Upper bounds in seconds (cumulative buckets; +Inf is implied): 1 µs … 10 ms. */
export const ROUTE_TIME_BUCKETS_S: readonly number[] = Object.freeze([
  1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 1e-2,
]);

export class RouteTiming {
  /** Per bucket (not cumulative); the last slot is beyond the largest bound. */
  readonly counts = new Float64Array(ROUTE_TIME_BUCKETS_S.length + 1);
  count = 0;
  sumSeconds = 0;

  observeNs(ns: number): void {
    const s = ns > 0 ? ns / 1e9 : 0;
    const b = ROUTE_TIME_BUCKETS_S;
    let i = 0;
    while (i < b.length && s > b[i]!) i++;
    this.counts[i]!++;
    this.count++;
    this.sumSeconds += s;
  }
}
