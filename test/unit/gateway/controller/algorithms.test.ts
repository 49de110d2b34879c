/** Hand-computed cases for each controller algorithm, called directly. */
import { detectFlowlet } from '../../../../gateway/controller/flowlet-detector';
import { GlobalFlowletAverage, ewmaEstimate, measuredRateBps } from '../../../../gateway/controller/demand-estimator';
import { DrainMeters } from '../../../../gateway/controller/load-meter';
import { leastLoaded, pickUnit } from '../../../../gateway/controller/work-assigner';
import { drawTargets } from '../../../../gateway/controller/replication-targets';
import { Prng } from '../../../../sdk/prng';
import { RouteReason } from '../../../../gateway/controller';

describe('flowlet detector (WGM)', () => {
  const T = 500_000;
  const B = 15_000;
  it.each([
    ['gap exactly T stays in the flowlet', true, T, 0, 1500, true, RouteReason.SAME_FLOWLET],
    ['gap T+1 ns is a timeout', true, T + 1, 0, 1500, true, RouteReason.TIMEOUT],
    ['a flowlet closed by the sweep is a timeout', false, 10, 0, 1500, true, RouteReason.TIMEOUT],
    ['bytes reaching B exactly stay', true, 10, 13_500, 1500, true, RouteReason.SAME_FLOWLET],
    ['bytes exceeding B fork', true, 10, 13_501, 1500, true, RouteReason.SIZE],
    ['timeout wins over size', true, T + 1, 14_999, 1500, true, RouteReason.TIMEOUT],
    ['size test off (timeout-only)', true, 10, 14_999, 1500, false, RouteReason.SAME_FLOWLET],
  ] as const)('%s', (_n, open, gap, bytes, size, sizeTest, want) => {
    expect(detectFlowlet(open, gap, bytes, size, T, B, sizeTest)).toBe(want);
  });
});

describe('demand estimator', () => {
  it('one-packet flowlet: bytes over T', () => {
    expect(measuredRateBps(1500, 1, 0, 500_000, 1e9)).toBeCloseTo(24e6, 3);
  });
  it('N packets spaced g: bytes·8 / (N·g)', () => {
    // 10 × 1500 B, 100 µs apart: span 900 µs → N/(N−1) correction → 1 ms → 120 Mb/s.
    expect(measuredRateBps(15_000, 10, 900_000, 500_000, 1e9)).toBeCloseTo(120e6, 3);
  });
  it('capped at BW_max (equal timestamps, line-rate bursts)', () => {
    expect(measuredRateBps(3000, 2, 0, 500_000, 1e9)).toBe(1e9);
    expect(measuredRateBps(150_000, 2, 1000, 500_000, 1e9)).toBe(1e9);
  });
  it('over the meter window: bytes·8 / max(span, W), the flowlet\'s share of the drain meter', () => {
    // 10 × 1500 B over a 1 ms span, W = 100 ms: 120,000 bits / 0.1 s = 1.2 Mb/s (not 120 Mb/s).
    expect(measuredRateBps(15_000, 10, 900_000, 500_000, 1e9, 100e6)).toBeCloseTo(1.2e6, 3);
    // One packet: 12,000 bits / 0.1 s.
    expect(measuredRateBps(1500, 1, 0, 500_000, 1e9, 100e6)).toBeCloseTo(120e3, 3);
    // Longer than W: its own rate. 2,000 × 1500 B spanning 200 ms → 24 Mbit / 0.2 s = 120 Mb/s.
    expect(measuredRateBps(3_000_000, 2000, 199_900_000, 500_000, 1e9, 100e6)).toBeCloseTo(120e6, 3);
  });
  it('EWMA δ·last + (1−δ)·previous', () => {
    expect(ewmaEstimate(0.5, 120e6, 10e6)).toBe(65e6);
    expect(ewmaEstimate(0.25, 100, 20)).toBe(40);
  });
  it('global average: initial value until a flowlet completes, then the running mean', () => {
    const a = new GlobalFlowletAverage(10e6);
    expect(a.valueBps).toBe(10e6);
    a.add(20);
    a.add(40);
    expect(a.valueBps).toBe(30);
    expect(a.completed).toBe(2);
  });
});

describe('drain meter', () => {
  // 4 buckets of 1 µs: a 4 µs window.
  const m = new DrainMeters(2, 1000, 4);
  it('a fresh meter floors the window at one bucket', () => {
    m.reset(1, 0);
    m.add(1, 1000, 0);
    expect(m.rateBps(1, 500)).toBeCloseTo(8e9, 0); // 8000 bits / 1 µs
  });
  it('the window grows to the oldest bucket kept, then drops expired buckets', () => {
    expect(m.rateBps(1, 1400)).toBeCloseTo((1000 * 8e9) / 1400, 0);
    m.add(1, 500, 1500); // bucket 1
    expect(m.rateBps(1, 3999)).toBeCloseTo((1500 * 8e9) / 3999, 0);
    expect(m.bytesInWindow(1, 4000)).toBe(500); // bucket 0 left the window
    expect(m.rateBps(1, 4999)).toBeCloseTo((500 * 8e9) / 3999, 0); // window from bucket 1 start
    expect(m.bytesInWindow(1, 5000)).toBe(0);
    expect(m.bytesInWindow(1, 1e9)).toBe(0); // a long gap clears at most `buckets` slots
  });
  it('units are independent and reset clears', () => {
    m.reset(2, 0);
    m.add(2, 100, 10);
    expect(m.bytesInWindow(1, 5000)).toBe(0);
    m.reset(2, 20);
    expect(m.bytesInWindow(2, 30)).toBe(0);
  });
});

describe('work assignment (WAM)', () => {
  const ids = Int32Array.from([1, 2, 3]);
  const load = Float64Array.from([0, 0.5e9, 0.8e9, 0.2e9]);
  const none = new Uint8Array(4);
  const stateOn3 = Uint8Array.from([0, 0, 0, 1]);
  it('fullest fitting unit wins (utilization score)', () => {
    expect(pickUnit(ids, 3, load, 1e9, 0.1e9, none, 0.25)).toBe(2);
  });
  it('a unit that would exceed capacity is skipped', () => {
    expect(pickUnit(ids, 3, load, 1e9, 0.3e9, none, 0.25)).toBe(1);
  });
  it('load + demand == capacity fits', () => {
    expect(pickUnit(ids, 3, load, 1e9, 0.2e9, none, 0)).toBe(2);
  });
  it('α·hasState can outweigh utilization, or not', () => {
    expect(pickUnit(ids, 3, load, 1e9, 0.3e9, stateOn3, 0.25)).toBe(1); // 0.2+0.25 < 0.5
    expect(pickUnit(ids, 3, load, 1e9, 0.3e9, stateOn3, 0.35)).toBe(3); // 0.2+0.35 > 0.5
  });
  it('ties go to the lowest id', () => {
    const even = Float64Array.from([0, 0.4e9, 0.4e9, 0.4e9]);
    expect(pickUnit(ids, 3, even, 1e9, 0.1e9, none, 0.25)).toBe(1);
    expect(pickUnit(ids, 3, even, 1e9, 0.1e9, Uint8Array.from([0, 0, 1, 1]), 0.25)).toBe(2);
    expect(pickUnit(ids, 3, even, 1e9, 0.1e9, Uint8Array.from([0, 0, 1, 1]), 0)).toBe(1);
  });
  it('nothing fits → -1; exclusion; least loaded fallback', () => {
    expect(pickUnit(ids, 3, load, 1e9, 0.9e9, none, 0.25)).toBe(-1);
    expect(pickUnit(ids, 3, load, 1e9, 0.1e9, none, 0.25, 2)).toBe(1);
    expect(leastLoaded(ids, 3, load)).toBe(3);
  });
});

describe('replication targets (SMM)', () => {
  const ready = Int32Array.from([1, 2, 3, 4, 5]);
  const inv = Float64Array.from([0, 1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
  const weight = 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5;
  it('K distinct targets, never the excluded unit', () => {
    const rng = new Prng(3);
    const out = new Int32Array(3);
    for (let i = 0; i < 200; i++) {
      expect(drawTargets(ready, 5, weight, inv, 1, 3, rng, out)).toBe(3);
      const got = Array.from(out);
      expect(new Set(got).size).toBe(3);
      expect(got).not.toContain(1);
    }
  });
  it('K capped by the ready units other than the current one', () => {
    const out = new Int32Array(10);
    expect(drawTargets(ready, 5, weight, inv, 1, 10, new Prng(1), out)).toBe(4);
    expect(Array.from(out.subarray(0, 4))).toEqual([2, 3, 4, 5]);
    expect(drawTargets(Int32Array.from([1]), 1, 1, inv, 1, 3, new Prng(1), out)).toBe(0);
    expect(drawTargets(ready, 5, weight, inv, 9, 0, new Prng(1), out)).toBe(0);
  });
  it('first pick ∝ 1/id', () => {
    const rng = new Prng(11);
    const out = new Int32Array(1);
    const counts = [0, 0, 0, 0, 0];
    const n = 40_000;
    const four = Int32Array.from([1, 2, 3, 4]);
    const w4 = 1 + 1 / 2 + 1 / 3 + 1 / 4;
    for (let i = 0; i < n; i++) {
      drawTargets(four, 4, w4, inv, -1, 1, rng, out);
      counts[out[0]!]!++;
    }
    for (let u = 1; u <= 4; u++) expect(counts[u]! / n).toBeCloseTo(1 / u / w4, 1);
  });
  it('same seed, same draws', () => {
    const a = new Int32Array(2);
    const b = new Int32Array(2);
    drawTargets(ready, 5, weight, inv, 1, 2, new Prng(42), a);
    drawTargets(ready, 5, weight, inv, 1, 2, new Prng(42), b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
