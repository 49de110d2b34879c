import { ADVERSARIAL_BURST_PACKETS, BURST_GAP_NS, MTU_BYTES, inputFromArrays, withAdversarialBursts } from '../../../../bench/sim/input';
import { Prng } from '../../../../bench/sim/prng';

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
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});
