import { CapacityRequester, ResourceManager, independentAllocation } from '../../../../gateway/controller';
import { ConfigError } from '../../../../sdk/errors';

describe('resource manager (§7)', () => {
  it('packs fractional requests first-fit decreasing onto shared units', () => {
    const rm = new ResourceManager();
    rm.request(1, 2.5);
    rm.request(2, 0.6);
    rm.request(3, 0.4);
    rm.request(4, 0.3);
    const leases = rm.allocate(0);
    // Whole units: 1, 2 for controller 1. Remainders 0.6, 0.5, 0.4, 0.3 → [0.6+0.4], [0.5+0.3].
    expect(rm.unitsInUse).toBe(4);
    expect(leases.filter((l) => l.fraction === 1).map((l) => [l.controller, l.unit])).toEqual([[1, 1], [1, 2]]);
    expect(rm.leasesOf(2)).toEqual([{ controller: 2, unit: 3, fraction: 0.6 }]);
    expect(rm.leasesOf(3)[0]!.unit).toBe(3);
    expect(rm.leasesOf(1).find((l) => l.fraction < 1)!.unit).toBe(4);
    expect(rm.granted(1)).toBeCloseTo(2.5, 9);
    // Independent controllers need ⌈r⌉ each: 3 + 1 + 1 + 1.
    expect(independentAllocation(new Map([[1, 2.5], [2, 0.6], [3, 0.4], [4, 0.3]])).unitsInUse).toBe(6);
  });
  it('release frees the share; bad requests are ConfigErrors', () => {
    const rm = new ResourceManager();
    rm.request(1, 1.5);
    rm.allocate(0);
    rm.release(1);
    rm.allocate(1);
    expect(rm.unitsInUse).toBe(0);
    expect(() => rm.request(1, -1)).toThrow(ConfigError);
    expect(() => rm.request(1, NaN)).toThrow(ConfigError);
  });
});

describe('capacity requester', () => {
  const MS = 1e6;
  it('asks from the last epoch plus headroom, early when load nears the grant, 0 when idle', () => {
    const r = new CapacityRequester({ unitCapacityBps: 1e9, headroom: 0.1, granularity: 0.1 });
    // Epoch 0: 1.5 Gb/s (1.5e9 / 8 bytes per second → 18.75 MB per 100 ms) in 100 packets.
    const per = (1.5e9 * 0.1) / 8 / 100;
    const asked: number[] = [];
    for (let i = 0; i < 100; i++) {
      const v = r.observe(per, i * MS);
      if (v !== null) asked.push(v);
    }
    // Early requests while the rate first appears (rate over max(elapsed, 10 ms)), each larger.
    expect(asked.length).toBeGreaterThan(0);
    expect(asked).toEqual([...asked].sort((a, b) => a - b));
    // Epoch boundary: 1.5 × 1.1 = 1.65 → 1.7 units (rounded up to 0.1).
    r.observe(0, 100 * MS);
    expect(r.requested).toBeCloseTo(1.7, 9);
    // Two epochs later with nothing in between: release.
    expect(r.observe(0, 300 * MS)).toBe(0);
  });
});
