/**
 * Unit load meter (§4.2): the rate at which each unit drains packets, over the last `buckets`
 * buckets of `bucketNs` (200 × 500 µs = 100 ms by default). One ring of byte counts per unit in a
 * single Float64Array; byte counts are integers, so the running sum stays exact under add/subtract.
 */
export class DrainMeters {
  private readonly ring: Float64Array;
  private readonly sum: Float64Array;
  /** Absolute index (floor(now / bucketNs)) of each unit's newest bucket. */
  private readonly head: Float64Array;
  /** When each unit's meter started: the window never reaches back before it. */
  private readonly sinceNs: Float64Array;

  constructor(maxUnits: number, readonly bucketNs: number, readonly buckets: number) {
    this.ring = new Float64Array((maxUnits + 1) * buckets);
    this.sum = new Float64Array(maxUnits + 1);
    this.head = new Float64Array(maxUnits + 1);
    this.sinceNs = new Float64Array(maxUnits + 1);
  }

  reset(unit: number, nowNs: number): void {
    this.ring.fill(0, unit * this.buckets, (unit + 1) * this.buckets);
    this.sum[unit] = 0;
    this.head[unit] = Math.floor(nowNs / this.bucketNs);
    this.sinceNs[unit] = nowNs;
  }

  /** Drop buckets that left the window. At most `buckets` steps; usually none. */
  private advance(unit: number, nowNs: number): void {
    const b = Math.floor(nowNs / this.bucketNs);
    const cur = this.head[unit]!;
    if (b <= cur) return;
    const n = this.buckets;
    const base = unit * n;
    const steps = Math.min(b - cur, n);
    let s = this.sum[unit]!;
    for (let i = 1; i <= steps; i++) {
      const idx = base + ((cur + i) % n);
      s -= this.ring[idx]!;
      this.ring[idx] = 0;
    }
    this.sum[unit] = s;
    this.head[unit] = b;
  }

  add(unit: number, wireBytes: number, nowNs: number): void {
    this.advance(unit, nowNs);
    const idx = unit * this.buckets + (this.head[unit]! % this.buckets);
    this.ring[idx] = this.ring[idx]! + wireBytes;
    this.sum[unit] = this.sum[unit]! + wireBytes;
  }

  /**
   * Drained bits per second over the window ending now: from the start of the oldest bucket kept
   * (or the meter's start, if later) to now, floored at one bucket so a fresh unit does not read
   * one packet as a huge rate.
   */
  rateBps(unit: number, nowNs: number): number {
    this.advance(unit, nowNs);
    const oldestStart = (this.head[unit]! - this.buckets + 1) * this.bucketNs;
    const from = Math.max(oldestStart, this.sinceNs[unit]!);
    const windowNs = Math.max(nowNs - from, this.bucketNs);
    return (this.sum[unit]! * 8e9) / windowNs;
  }

  bytesInWindow(unit: number, nowNs: number): number {
    this.advance(unit, nowNs);
    return this.sum[unit]!;
  }
}
