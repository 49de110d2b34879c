import { LatencyBreakdown, STAGES } from '../../../../gateway/dispatch/breakdown';

describe('LatencyBreakdown', () => {
  test('stages sum to the residence; moved packets feed movedStateWaitUs; warm-up seqs are left out', () => {
    const b = new LatencyBreakdown(8, 10);
    // seq 5: warm-up, ignored
    b.sent(0, 0, false);
    b.unitTimes(0, 1_000, 2_000, 0, 0, 100);
    b.egressRxNs[0] = 5_000;
    b.released(0, 5, 1, 0, 6_000);
    // seq 10: ingress 0, frame written 10 µs, unit read 30 µs, queue 2 µs, waited 100 µs, NF 1 µs, egress read 200 µs, released 210 µs
    b.sent(1, 3, true);
    b.unitTimes(1, 10_000, 30_000, 2_000, 100_000, 1_000);
    b.egressRxNs[1] = 200_000;
    b.released(1, 10, 2, 0, 210_000);
    // seq 11: released without a TIMING record
    b.sent(2, 3, false);
    b.released(2, 11, 2, 0, 50_000);
    const s = b.summary();
    expect(s.packets).toBe(1);
    expect(s.untimed).toBe(1);
    const want = { gatewayQueue: 10, link: 20, unitQueue: 2, stateWait: 100, nf: 1, egressOrder: 10, returnLink: 67 };
    for (const st of STAGES) expect(s.breakdownUs[st].p50).toBeCloseTo(want[st], 0);
    expect(s.movedStateWaitUs.packets).toBe(1);
    expect(s.movedStateWaitUs.p50).toBeCloseTo(100, 0);
    expect(s.slowest).toHaveLength(1);
    expect(s.slowest[0]).toMatchObject({ seq: 10, residenceUs: 210, unit: 2, moved: true, waitedOn: 'stateWait' });
  });

  test('keeps the 20 slowest, slowest first', () => {
    const b = new LatencyBreakdown(4, 0);
    for (let i = 0; i < 50; i++) {
      b.sent(0, 0, false);
      b.unitTimes(0, 0, 0, 0, 0, 0);
      b.egressRxNs[0] = 0;
      b.released(0, i, 1, 0, (i % 25) * 1_000 + i);
    }
    const s = b.summary().slowest;
    expect(s).toHaveLength(20);
    expect(s[0]!.seq).toBe(49);
    for (let i = 1; i < s.length; i++) expect(s[i - 1]!.residenceUs).toBeGreaterThanOrEqual(s[i]!.residenceUs);
  });
});
