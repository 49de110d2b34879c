/**
 * The built-in traffic against its calibration, measured with the same code (traceStats) that
 * measured the real trace:
 *  - the calibration constants are what traceStats gives on smallFlows today (needs ../shared/data);
 *  - the generated traffic's fitted distributions (flowlets per connection, packets per flowlet,
 *    inter- and intra-flowlet gaps, packet sizes) are within the stated tolerances at p10–p90,
 *    the UDP share within 0.03, and the emergent packets-per-connection within ±50 % at p50/p90;
 *  - the generator is a pure function of its seed and meets the offered rate it is asked for.
 */
import { loadTrace } from '../../../../trace/load';
import { requireData } from '../../../../trace/data';
import { traceStats, STAT_QUANTILES, quantilesOf } from '../../../../bench/traffic/trace-stats';
import { calibrationFrom, CALIBRATION_TIMEOUT_NS, CALIBRATION_TRACE, SMALLFLOWS_CALIBRATION } from '../../../../bench/traffic/calibration';
import { drawFromKnots, generateCalibratedTraffic } from '../../../../bench/traffic/calibrated-generator';

/** Relative tolerance per fitted distribution at p10, p25, p50, p75, p90 (count knots also ±1 absolute). */
const TOLERANCE = {
  flowletsPerConnection: 0.2,
  packetsPerFlowlet: 0.2,
  interFlowletGapMs: 0.2,
  intraFlowletGapMs: 0.2,
  wireBytes: 0.2,
} as const;
/** p90 of the inter-flowlet gap: the knots p75 → p90 span 20×, sampling noise is larger there. */
const GAP_P90_TOLERANCE = 0.4;
const MIDDLE = [1, 2, 3, 4, 5]; // indexes of p10..p90 in STAT_QUANTILES

function near(got: number, want: number, rel: number, abs: number): boolean {
  return Math.abs(got - want) <= Math.max(abs, rel * Math.abs(want));
}

describe('calibrated built-in traffic', () => {
  const generated = generateCalibratedTraffic({ seed: 1, pps: 300, windowMs: 60_000, uncut: true });
  const g = traceStats(generated, CALIBRATION_TIMEOUT_NS);
  const c = SMALLFLOWS_CALIBRATION;

  test('the calibration is what traceStats measures on smallFlows', () => {
    const file = requireData(CALIBRATION_TRACE);
    if (file === null) return;
    const real = traceStats(loadTrace(file), CALIBRATION_TIMEOUT_NS);
    expect(calibrationFrom(CALIBRATION_TRACE, real)).toEqual({ ...c });
  });

  test.each(Object.keys(TOLERANCE) as Array<keyof typeof TOLERANCE>)('%s of the generated traffic matches the calibration at p10–p90', (k) => {
    const abs = k === 'flowletsPerConnection' || k === 'packetsPerFlowlet' ? 1 : 0;
    for (const i of MIDDLE) {
      const rel = k === 'interFlowletGapMs' && STAT_QUANTILES[i] === 0.9 ? GAP_P90_TOLERANCE : TOLERANCE[k];
      const ok = near(g[k][i]!, c[k][i]!, rel, abs);
      if (!ok) throw new Error(`${k} p${STAT_QUANTILES[i]! * 100}: generated ${g[k][i]}, calibration ${c[k][i]} (±${rel * 100} %)`);
    }
  });

  test('UDP share and the emergent packets per connection', () => {
    expect(Math.abs(g.udpShare - c.udpShare)).toBeLessThanOrEqual(0.03);
    // Not fitted (flowlets and their sizes are drawn independently): smallFlows has p50 10, p90 49.
    expect(near(g.packetsPerConnection[3]!, 10, 0.5, 0)).toBe(true);
    expect(near(g.packetsPerConnection[5]!, 49, 0.5, 0)).toBe(true);
    expect(g.connections).toBeGreaterThan(400);
  });

  test('deterministic for a seed; other seeds differ; the offered rate is met within 10 %', () => {
    const a = generateCalibratedTraffic({ seed: 7, pps: 1500, windowMs: 3000 });
    const b = generateCalibratedTraffic({ seed: 7, pps: 1500, windowMs: 3000 });
    const other = generateCalibratedTraffic({ seed: 8, pps: 1500, windowMs: 3000 });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(Buffer.from(a.timesNs.buffer).equals(Buffer.from(b.timesNs.buffer))).toBe(true);
    expect(a.bytes.equals(other.bytes)).toBe(false);
    expect(Math.abs(a.count - 4500) / 4500).toBeLessThan(0.1);
    expect(a.timesNs[a.count - 1]!).toBeLessThan(3e9);
    let backwards = 0;
    for (let i = 1; i < a.count; i++) if (a.timesNs[i]! < a.timesNs[i - 1]!) backwards++;
    expect(backwards).toBe(0);
  });

  test('drawFromKnots is the inverse of the knots (exact at each quantile, monotone between)', () => {
    const knots = c.interFlowletGapMs;
    STAT_QUANTILES.forEach((q, i) => expect(drawFromKnots(knots, q)).toBeCloseTo(knots[i]!, 6));
    let prev = -Infinity, down = 0;
    for (let u = 0; u <= 1; u += 0.001) {
      const v = drawFromKnots(knots, u);
      if (v < prev) down++;
      prev = v;
    }
    expect(down).toBe(0);
    expect(quantilesOf([], [0.5])).toEqual([0]);
  });
});
