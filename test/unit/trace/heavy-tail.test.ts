import { boundedParetoMean, boundedParetoTail, boundedParetoWithMean, sampleBoundedPareto } from '../../../trace/bounded-pareto';
import { generateHeavyTail } from '../../../trace/heavy-tail';
import { Prng } from '../../../sdk/prng';
import { checksumsValid } from '../../helpers/packets';

function packet(t: ReturnType<typeof generateHeavyTail>['trace'], i: number): Buffer {
  return t.bytes.subarray(t.offsets[i]!, t.offsets[i]! + t.lengths[i]!);
}

describe('bounded Pareto', () => {
  test('the solved lower bound gives the requested mean; α 1.2, mean 45 KB, cap 50 MB → lo ≈ 9.1 KB', () => {
    const d = boundedParetoWithMean(1.2, 45_000, 50e6);
    expect(boundedParetoMean(d)).toBeCloseTo(45_000, 3);
    expect(d.lo).toBeGreaterThan(9_000);
    expect(d.lo).toBeLessThan(9_300);
    expect(boundedParetoTail(d, 10_000)).toBeCloseTo(0.897, 2);
  });

  test('α = 1 uses the logarithmic limit', () => {
    const d = { alpha: 1, lo: 1000, hi: 1e6 };
    expect(boundedParetoMean(d)).toBeCloseTo(boundedParetoMean({ alpha: 1 + 1e-7, lo: 1000, hi: 1e6 }), 0);
  });

  test('samples stay in [lo, hi] and follow the tail law', () => {
    const d = boundedParetoWithMean(1.2, 45_000, 50e6);
    const rng = new Prng(5);
    const n = 200_000;
    let over100k = 0;
    let over1m = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleBoundedPareto(d, rng);
      expect(x >= d.lo && x <= d.hi).toBe(true);
      if (x > 1e5) over100k++;
      if (x > 1e6) over1m++;
    }
    expect(over100k / n).toBeCloseTo(boundedParetoTail(d, 1e5), 2);
    expect(over1m / n).toBeCloseTo(boundedParetoTail(d, 1e6), 3);
  });

  test('a mean at or above the cap is refused', () => {
    expect(() => boundedParetoWithMean(1.2, 50e6, 50e6)).toThrow(/meanFlowBytes/);
    expect(() => boundedParetoWithMean(0, 1000, 50e6)).toThrow(/paretoAlpha/);
  });
});

describe('generateHeavyTail', () => {
  const opts = { seed: 3, durationMs: 200, warmupMs: 100, flowsPerSecond: 2000 };
  const g = generateHeavyTail(opts);

  test('same seed, same bytes and times; another seed differs', () => {
    const again = generateHeavyTail(opts);
    expect(again.trace.count).toBe(g.trace.count);
    expect(again.trace.bytes.equals(g.trace.bytes)).toBe(true);
    expect(Array.from(again.trace.timesNs)).toEqual(Array.from(g.trace.timesNs));
    expect(Array.from(again.flowSizes)).toEqual(Array.from(g.flowSizes));
    const other = generateHeavyTail({ ...opts, seed: 4 });
    expect(other.trace.bytes.equals(g.trace.bytes)).toBe(false);
  });

  test('times start at 0, never decrease, are integer ns and lie in the window', () => {
    const t = g.trace.timesNs;
    expect(t[0]).toBe(0);
    for (let i = 1; i < g.trace.count; i++) {
      expect(t[i]! >= t[i - 1]! && Number.isInteger(t[i]!)).toBe(true);
    }
    expect(t[g.trace.count - 1]!).toBeLessThan(200e6);
  });

  test('headers only: 40 captured bytes, IP length = wire length, checksums valid over a zero payload', () => {
    let full = 0;
    for (let i = 0; i < g.trace.count; i++) {
      const h = packet(g.trace, i);
      expect(h.length).toBe(40);
      const wire = g.trace.wireLengths[i]!;
      expect(h.readUInt16BE(2)).toBe(wire);
      if (wire === 1434) full++;
      if (i % 97 === 0) {
        const p = Buffer.alloc(wire);
        h.copy(p);
        expect(checksumsValid(p)).toEqual({ ip: true, l4: true });
      }
    }
    // Full segments dominate, so the median packet is 1,434 B as in the paper's trace.
    expect(full / g.trace.count).toBeGreaterThan(0.5);
  });

  test('drawn sizes: bounded by the cap, mean near 45 KB, share > 10 KB as the law says', () => {
    const all = generateHeavyTail({ seed: 1, durationMs: 2000, flowsPerSecond: 5000 }).flowSizes;
    expect(all.length).toBeGreaterThan(9_000);
    let over10k = 0;
    let max = 0;
    for (const x of all) {
      if (x > 10_000) over10k++;
      if (x > max) max = x;
    }
    expect(over10k / all.length).toBeCloseTo(0.9, 1);
    expect(max).toBeLessThanOrEqual(50e6);
    expect(max).toBeGreaterThan(1e6);
  });

  test('a flow inside the window carries exactly its drawn size in data segments', () => {
    // Only flows still sending at the window's end are cut.
    const r = generateHeavyTail({ seed: 9, durationMs: 2000, flowsPerSecond: 50, maxFlowBytes: 1e6, meanFlowBytes: 20_000 });
    let matched = 0;
    for (let f = 0; f < r.flowSizes.length; f++) if (r.capturedBytes[f] === r.flowSizes[f]) matched++;
    expect(matched / r.flowSizes.length).toBeGreaterThan(0.9);
    const first = r.flowSizes[0]!;
    expect(r.capturedBytes[0]).toBe(first);
  });

  test('bursts: a window-limited flow sends back-to-back segments separated by RTT-scale gaps', () => {
    const r = generateHeavyTail({ seed: 2, durationMs: 3000, flowsPerSecond: 1, meanFlowBytes: 2e6, maxFlowBytes: 40e6, rttMinMs: 5, rttMaxMs: 5 });
    const t = r.trace;
    // Gaps between successive full data segments (the client's ACKs in between skipped).
    const gaps: number[] = [];
    let prev = -1;
    for (let i = 0; i < t.count; i++) {
      if (t.wireLengths[i] !== 1434) continue;
      if (prev >= 0) gaps.push(t.timesNs[i]! - t.timesNs[prev]!);
      prev = i;
    }
    const short = gaps.filter((g) => g < 2000).length;
    const rttLike = gaps.filter((g) => g > 4e6 && g < 6e6).length;
    expect(short).toBeGreaterThan(rttLike * 5);
    expect(rttLike).toBeGreaterThan(0);
  });

  test('invalid options are refused with the field named', () => {
    expect(() => generateHeavyTail({ seed: 1, flowsPerSecond: 0 })).toThrow(/flowsPerSecond/);
    expect(() => generateHeavyTail({ seed: 1, rttMinMs: 5, rttMaxMs: 1 })).toThrow(/rttMaxMs/);
  });
});
