/**
 * Simulator measurements: per-packet latency (HdrHistogram, ns), and per 100 ms epoch the
 * demand offered to the controller, the provisioned capacity (time-average of running units ×
 * BW_max, sampled at every controller tick) and each unit's offered and served bits.
 */
import * as hdr from 'hdr-histogram-js';

export interface EpochSeries {
  epochNs: number;
  /** Offered bits/s per epoch (controller ingress). */
  demandBps: number[];
  /** Time-averaged provisioned capacity per epoch (bits/s). */
  provisionedBps: number[];
  /** Served bits / capacity of every unit-epoch in which the unit ran or got traffic. */
  unitUtilization: number[];
}

export interface LatencyPercentilesUs {
  p1: number; p25: number; p50: number; p75: number; p99: number; p999: number;
}

interface Epoch {
  demandBits: number;
  unitSum: number;
  samples: number;
  offered: Float64Array;
  served: Float64Array;
  active: Uint8Array;
}

export class Metrics {
  readonly latency = hdr.build({ bitBucketSize: 64, lowestDiscernibleValue: 1, highestTrackableValue: 1e13, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  private readonly epochs: Epoch[] = [];
  private width = 8;
  endNs = 0;

  constructor(readonly epochNs: number, readonly unitBwBps: number) {}

  private epoch(t: number): Epoch {
    const e = Math.floor(t / this.epochNs);
    while (this.epochs.length <= e) {
      this.epochs.push({ demandBits: 0, unitSum: 0, samples: 0, offered: new Float64Array(this.width), served: new Float64Array(this.width), active: new Uint8Array(this.width) });
    }
    return this.epochs[e];
  }

  private fit(ep: Epoch, unit: number): Epoch {
    if (unit < ep.offered.length) return ep;
    let w = this.width;
    while (w <= unit) w *= 2;
    this.width = w;
    for (const x of this.epochs) {
      if (x.offered.length >= w) continue;
      const o = new Float64Array(w); o.set(x.offered); x.offered = o;
      const s = new Float64Array(w); s.set(x.served); x.served = s;
      const a = new Uint8Array(w); a.set(x.active); x.active = a;
    }
    return ep;
  }

  routed(t: number, unit: number, wireBytes: number): void {
    const ep = this.fit(this.epoch(t), unit);
    ep.demandBits += wireBytes * 8;
    ep.offered[unit] += wireBytes * 8;
  }

  served(t: number, unit: number, wireBytes: number, latencyNs: number): void {
    const ep = this.fit(this.epoch(t), unit);
    ep.served[unit] += wireBytes * 8;
    this.latency.recordValue(Math.max(1, Math.round(latencyNs)));
    if (t > this.endNs) this.endNs = t;
  }

  /** At each controller tick: how many units run, and which. */
  sample(t: number, unitIds: readonly number[]): void {
    const ep = this.epoch(t);
    ep.unitSum += unitIds.length;
    ep.samples++;
    for (const u of unitIds) this.fit(ep, u).active[u] = 1;
  }

  latencyUs(): LatencyPercentilesUs {
    const at = (p: number) => (this.latency.totalCount === 0 ? 0 : round3(this.latency.getValueAtPercentile(p) / 1000));
    return { p1: at(1), p25: at(25), p50: at(50), p75: at(75), p99: at(99), p999: at(99.9) };
  }

  series(): EpochSeries {
    const demandBps: number[] = [];
    const provisionedBps: number[] = [];
    const unitUtilization: number[] = [];
    for (let e = 0; e < this.epochs.length; e++) {
      const ep = this.epochs[e];
      const len = Math.max(1, Math.min(this.epochNs, this.endNs - e * this.epochNs)) / 1e9;
      demandBps.push(ep.demandBits / len);
      provisionedBps.push(ep.samples > 0 ? (ep.unitSum / ep.samples) * this.unitBwBps : 0);
      const cap = this.unitBwBps * len;
      for (let u = 0; u < ep.offered.length; u++) {
        if (ep.active[u] || ep.offered[u] > 0) unitUtilization.push(ep.served[u] / cap);
      }
    }
    return { epochNs: this.epochNs, demandBps, provisionedBps, unitUtilization };
  }

  /** provisionedOverDemand, overloadedUnitEpochShare, meanUnitUtilization. */
  summary(): { epochs: number; provisionedOverDemand: { p50: number; p90: number }; overloadedUnitEpochShare: number; meanUnitUtilization: number } {
    const ratios: number[] = [];
    let unitEpochs = 0;
    let overloaded = 0;
    let utilSum = 0;
    for (let e = 0; e < this.epochs.length; e++) {
      const ep = this.epochs[e];
      const len = Math.max(1, Math.min(this.epochNs, this.endNs - e * this.epochNs)) / 1e9;
      const demand = ep.demandBits / len;
      if (demand > 0 && ep.samples > 0) ratios.push(((ep.unitSum / ep.samples) * this.unitBwBps) / demand);
      const cap = this.unitBwBps * len;
      for (let u = 0; u < ep.offered.length; u++) {
        if (!(ep.active[u] || ep.offered[u] > 0)) continue;
        unitEpochs++;
        if (ep.offered[u] > cap) overloaded++;
        utilSum += Math.min(1, ep.served[u] / cap);
      }
    }
    ratios.sort((a, b) => a - b);
    return {
      epochs: this.epochs.length,
      provisionedOverDemand: { p50: round3(nearestRank(ratios, 50)), p90: round3(nearestRank(ratios, 90)) },
      overloadedUnitEpochShare: round3(unitEpochs ? overloaded / unitEpochs : 0),
      meanUnitUtilization: round3(unitEpochs ? utilSum / unitEpochs : 0),
    };
  }
}

export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
