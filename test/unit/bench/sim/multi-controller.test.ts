import { inputFromArrays } from '../../../../bench/sim/input';
import { compareControllers, sliceInput } from '../../../../bench/sim/multi-controller';
import { simParams } from '../../../../bench/sim/params';

describe('multiple controllers (Fig. 8)', () => {
  const t = Array.from({ length: 4000 }, (_, i) => i * 50_000); // ~140 Mb/s over 200 ms
  const input = inputFromArrays('multi', t, t.map((_, i) => 200 + ((i * 37) % 1300)), t.map((_, i) => (i * 13) % 97));

  it('slices partition the packets by connection', () => {
    const slices = [0, 1, 2].map((c) => sliceInput(input, 3, c));
    expect(slices.reduce((n, s) => n + s.count, 0)).toBe(input.count);
    const owner = new Map<number, number>();
    slices.forEach((s, c) => s.flowOf.forEach((f) => {
      expect(owner.get(f) ?? c).toBe(c);
      owner.set(f, c);
    }));
  });

  it('the RM over-provisions no more than independent controllers here, with fewer units', () => {
    const r = compareControllers(input, 4, 'flowlet', {}, simParams({ epochNs: 10e6, unitBwBps: 1e8 }));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(r.rmOverBps.length).toBe(r.independentOverBps.length);
    expect(mean(r.rmOverBps)).toBeLessThanOrEqual(mean(r.independentOverBps));
    expect(mean(r.rmUnits)).toBeLessThanOrEqual(mean(r.independentUnits));
  });
});
