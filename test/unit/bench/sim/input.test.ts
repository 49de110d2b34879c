import { ADVERSARIAL_BURST_PACKETS, BURST_GAP_NS, MTU_BYTES, inputFromArrays, withAdversarialBursts } from '../../../../bench/sim/input';
import { simRng } from '../../../../bench/sim/params';

describe('sim input', () => {
  it('adds a 20-packet MTU burst to every Nth flow, keeping time order', () => {
    const times: number[] = [];
    const sizes: number[] = [];
    const flows: number[] = [];
    for (let i = 0; i < 40; i++) { times.push(i * 1000); sizes.push(100); flows.push(i % 4); }
    const base = inputFromArrays('t', times, sizes, flows);
    const adv = withAdversarialBursts(base, 2, 7);
    expect(adv.count).toBe(40 + 2 * ADVERSARIAL_BURST_PACKETS);
    for (let i = 1; i < adv.count; i++) expect(adv.timesNs[i]).toBeGreaterThanOrEqual(adv.timesNs[i - 1]);
    const mtuFlows = new Map<number, number>();
    for (let i = 0; i < adv.count; i++) if (adv.wireBytes[i] === MTU_BYTES) mtuFlows.set(adv.flowOf[i], (mtuFlows.get(adv.flowOf[i]) ?? 0) + 1);
    expect([...mtuFlows.entries()].sort()).toEqual([[1, 20], [3, 20]]);
    expect(BURST_GAP_NS).toBeCloseTo(1200);
    expect(withAdversarialBursts(base, 0, 1)).toBe(base);
  });

  it('same seed, same PRNG sequence', () => {
    const a = simRng(42, 1);
    const b = simRng(42, 1);
    const c = simRng(43, 1);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    // The simulator's former PRNG (removed after f11934b) started from seed ^ salt ^ 0x9e3779b9:
    // its first draw for seed 1, salt 0xad5e, replayed here so recorded figures stay valid.
    expect(simRng(1, 0xad5e).next()).toBe(formerFirstDraw(1 ^ 0xad5e));
  });
});

/** The first draw of the removed bench/sim/prng.ts (mulberry32 with the seed mixed), kept as the reference. */
function formerFirstDraw(seed: number): number {
  let s = (seed >>> 0) ^ 0x9e3779b9;
  let t = (s = (s + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
