import fc from 'fast-check';
import { resolutionFromOption, splitTimestamp } from '../../../trace/pcapng-time';

function reference(ts: bigint, units: bigint): [number, number] {
  return [Number(ts / units), Number(((ts % units) * 1_000_000_000n) / units)];
}

describe('splitTimestamp (integer seconds + ns from a 64-bit unit count)', () => {
  const options = [0, 3, 6, 9, 12, 0x80 | 0, 0x80 | 10, 0x80 | 20, 0x80 | 30, 0x80 | 32, 0x80 | 40];
  test.each(options)('if_tsresol 0x%s matches BigInt arithmetic', (opt) => {
    const res = resolutionFromOption(opt);
    const units = res.binary ? 1n << BigInt(res.exp) : 10n ** BigInt(res.exp);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (ts) => {
        const out = { tsSec: 0, tsNsec: 0 };
        splitTimestamp(Number(ts >> 32n), Number(ts & 0xffffffffn), res, out);
        const [sec, ns] = reference(ts, units);
        // Seconds above 2^53 cannot be exact in a number; compare what a number can hold.
        expect(out.tsSec).toBe(sec);
        expect(out.tsNsec).toBe(ns);
      }),
      { numRuns: 300 },
    );
  });

  test('ns resolution keeps the last nanosecond of a 2023 timestamp', () => {
    const ts = 1_700_000_000_123_456_789n;
    const out = { tsSec: 0, tsNsec: 0 };
    splitTimestamp(Number(ts >> 32n), Number(ts & 0xffffffffn), resolutionFromOption(9), out);
    expect(out).toEqual({ tsSec: 1_700_000_000, tsNsec: 123_456_789 });
  });
});
