import { FrameParser } from '../../../../proto/frames/frame-parser';
import { FrameType } from '../../../../proto/frames/constants';
import { monotonicNs, TimingReader, TimingWriter, validateTiming } from '../../../../proto/frames/timing-v1';

describe('TIMING frame v1', () => {
  test('golden bytes: header, flushNs, then 28-byte records', () => {
    const w = new TimingWriter(2);
    expect(w.add(7, 3, 1000, 1.5, 0, 250)).toBe(true);
    expect(w.add(8, 1, 2000, 0, 4096, 0)).toBe(true);
    expect(w.add(9, 1, 0, 0, 0, 0)).toBe(false); // full
    const f = w.finishAt(5000);
    // type 13, flags 0, count 2, length 8 + 2 × 28 = 64
    expect(f.subarray(0, 8).toString('hex')).toBe('0d00000200000040');
    expect(f.readDoubleBE(8)).toBe(5000);
    expect(f.subarray(16, 44).toString('hex')).toBe(
      '00000007' + '00000003' + '408f400000000000' + '3fc00000' + '00000000' + '437a0000',
    );
    const r = new TimingReader().reset(f.subarray(8), 2);
    expect(r.flushNs).toBe(5000);
    expect(r.next()).toBe(true);
    expect([r.flowletId, r.clock, r.recvNs, r.queueNs, r.stateWaitNs, r.nfNs]).toEqual([7, 3, 1000, 1.5, 0, 250]);
    expect(r.next()).toBe(true);
    expect([r.flowletId, r.stateWaitNs]).toEqual([8, 4096]);
    expect(r.next()).toBe(false);
    w.reset();
    expect(w.count).toBe(0);
  });

  test('a body that is not 8 + 28 × count bytes is counted and skipped, not fatal', () => {
    expect(validateTiming(Buffer.alloc(8 + 28), 1)).toBeNull();
    expect(validateTiming(Buffer.alloc(8 + 27), 1)).toMatch(/35 bytes for 1 records/);
    const got: number[] = [];
    const p = new FrameParser({ accept: [FrameType.TIMING], onFrame: (t) => got.push(t) });
    const bad = Buffer.from('0d00000100000004' + '00000000', 'hex');
    const w = new TimingWriter(1);
    w.add(1, 1, 1, 1, 1, 1);
    expect(p.push(Buffer.concat([bad, w.finishAt(1)]))).toBe(true);
    expect(got).toEqual([FrameType.TIMING]);
    expect(p.counters.rejected.bad_body).toBe(1);
  });

  test('the clock is the host monotonic clock (what process.hrtime reads), via performance.now', () => {
    const a = Number(process.hrtime.bigint());
    const m = monotonicNs();
    const b = Number(process.hrtime.bigint());
    expect(m).toBeGreaterThanOrEqual(a - 1e6); // within 1 ms: the offset is taken from one pair of reads
    expect(m).toBeLessThanOrEqual(b + 1e6);
  });
});
