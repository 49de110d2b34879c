import { inputFromArrays } from '../../../../bench/sim/input';
import { overlayCopies } from '../../../../bench/sim/overlay';

describe('sim overlay (load scaling)', () => {
  // 3 flows, 30 packets over 29 µs (span 29,001 ns), sizes = 100 + index.
  const times = Array.from({ length: 30 }, (_, i) => i * 1000);
  const sizes = times.map((_, i) => 100 + i);
  const flows = times.map((_, i) => i % 3);
  const base = inputFromArrays('t', times, sizes, flows);

  it('one copy is the input itself', () => {
    expect(overlayCopies(base, 1, 1).input).toBe(base);
  });

  it('n rotated copies: every packet n times, time-sorted, flows per copy distinct, bytes kept', () => {
    const { input, offsetsNs, collisions } = overlayCopies(base, 4, 7);
    expect(input.count).toBe(120);
    expect(collisions).toBe(0);
    expect(input.flows).toHaveLength(12);
    expect(offsetsNs[0]).toBe(0);
    for (const o of offsetsNs) expect(o >= 0 && o < 29_001).toBe(true);
    for (let i = 1; i < input.count; i++) expect(input.timesNs[i]).toBeGreaterThanOrEqual(input.timesNs[i - 1]!);
    let bytes = 0;
    for (let i = 0; i < input.count; i++) bytes += input.wireBytes[i]!;
    expect(bytes).toBe(4 * sizes.reduce((a, b) => a + b, 0));
    const keys = new Set(input.flows.map((k) => `${k.srcIp}/${k.srcPort}/${k.dstIp}/${k.dstPort}`));
    expect(keys.size).toBe(12);
    // All times stay within the input's span.
    for (let i = 0; i < input.count; i++) expect(input.timesNs[i]! >= 0 && input.timesNs[i]! < 29_001).toBe(true);
  });

  it('each copy is the input rotated by its offset modulo the span', () => {
    const { input, offsetsNs } = overlayCopies(base, 3, 11);
    const span = 29_001;
    for (let j = 0; j < 3; j++) {
      // Copy j's flow 0 carries packets 0, 3, 6, …: sizes 100, 103, … at (3m·1000 + off) mod span.
      const want = times.filter((_, i) => i % 3 === 0).map((t) => (t + offsetsNs[j]!) % span).sort((a, b) => a - b);
      const f = input.flows.findIndex((k) => k.srcIp >>> 24 === (0x0a ^ j));
      const got: number[] = [];
      for (let i = 0; i < input.count; i++) if (input.flowOf[i] === f) got.push(input.timesNs[i]!);
      expect(got).toEqual(want);
    }
  });
});
