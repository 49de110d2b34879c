import fc from 'fast-check';
import { FrameParser } from '../../../../proto/frames/frame-parser';
import { PacketBatchWriter } from '../../../../proto/frames/packet-batch-v1';
import { encodeCredit } from '../../../../proto/frames/credit-v1';
import { FrameType } from '../../../../proto/frames/constants';

function batch(n: number, seed = 0): Buffer {
  const w = new PacketBatchWriter(64 * 1024);
  for (let i = 0; i < n; i++) w.add(seed + i, i + 1, -1, [1, 2, 3], 3, i * 10, Buffer.alloc(40 + i, i), 0, 40 + i);
  return Buffer.from(w.finish());
}

function collect(accept = [FrameType.PACKETS as number], maxFrameBody?: number) {
  const frames: { type: number; count: number; body: string }[] = [];
  const rejects: string[] = [];
  const parser = new FrameParser({
    accept, maxFrameBody,
    onFrame: (type, _flags, count, body) => frames.push({ type, count, body: body.toString('hex') }),
    onReject: (reason, detail, fatal) => rejects.push(`${reason}${fatal ? '!' : ''}: ${detail}`),
  });
  return { parser, frames, rejects };
}

describe('FrameParser', () => {
  test('delivers whole frames from one chunk, and the same frames from every split point', () => {
    const stream = Buffer.concat([batch(3, 0), batch(1, 100), batch(5, 200)]);
    const whole = collect();
    whole.parser.push(stream);
    expect(whole.frames.map((f) => f.count)).toEqual([3, 1, 5]);
    for (let cut = 1; cut < stream.length; cut += 7) {
      const c = collect();
      c.parser.push(stream.subarray(0, cut));
      c.parser.push(stream.subarray(cut));
      expect(c.frames).toEqual(whole.frames);
      expect(c.parser.pending).toBe(0);
    }
  });

  test('byte-at-a-time input', () => {
    const stream = Buffer.concat([batch(2), batch(2, 9)]);
    const c = collect();
    for (let i = 0; i < stream.length; i++) expect(c.parser.push(stream.subarray(i, i + 1))).toBe(true);
    expect(c.frames.length).toBe(2);
  });

  test('a frame type this side does not accept is skipped and counted; the next frame still arrives', () => {
    const c = collect();
    expect(c.parser.push(Buffer.concat([encodeCredit({ drained: 1, held: 0, drainedBytes: 1, cpuMicros: 1 }), batch(1)]))).toBe(true);
    expect(c.frames.length).toBe(1);
    expect(c.parser.counters.rejected.bad_type).toBe(1);
    expect(c.rejects[0]).toMatch(/^bad_type: frame type 3 not accepted/);
  });

  test('a body whose records do not fill its length is skipped and counted', () => {
    const bad = batch(2);
    bad.writeUInt16BE(3, 2); // count 3, records for 2
    const c = collect();
    expect(c.parser.push(Buffer.concat([bad, batch(1)]))).toBe(true);
    expect(c.frames.length).toBe(1);
    expect(c.parser.counters.rejected.bad_body).toBe(1);
  });

  test('an oversize length is fatal: push returns false and later input is ignored', () => {
    const c = collect([FrameType.PACKETS], 1000);
    const f = batch(1);
    f.writeUInt32BE(5000, 4);
    expect(c.parser.push(f)).toBe(false);
    expect(c.parser.counters.rejected.oversize).toBe(1);
    expect(c.parser.push(batch(1))).toBe(false);
    expect(c.frames.length).toBe(0);
  });

  test('fuzz: random bytes never throw; every byte is framed, rejected or pending', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const c = collect([FrameType.PACKETS, FrameType.PEERS], 4096);
        for (const ch of chunks) c.parser.push(Buffer.from(ch));
        const r = c.parser.counters.rejected;
        const rejected = r.bad_body + r.bad_type + r.oversize;
        expect(c.frames.length + rejected).toBeGreaterThanOrEqual(0);
        if (c.parser.dead) expect(r.oversize + r.desync).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  test('fuzz: truncated and bit-flipped valid streams never throw and are counted', () => {
    const stream = Buffer.concat([batch(4), batch(2, 50), batch(3, 90)]);
    fc.assert(
      fc.property(fc.nat(stream.length), fc.nat(stream.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(stream.length), (cut, flipAt, mask, split) => {
        const s = Buffer.from(stream.subarray(0, cut));
        if (flipAt < s.length) s[flipAt] = s[flipAt]! ^ mask;
        const c = collect([FrameType.PACKETS], 1 << 16);
        c.parser.push(s.subarray(0, Math.min(split, s.length)));
        c.parser.push(s.subarray(Math.min(split, s.length)));
        const r = c.parser.counters.rejected;
        // at most 3 frames came out; anything not delivered is pending, rejected or the stream died
        expect(c.frames.length).toBeLessThanOrEqual(3);
        if (c.frames.length < 3) expect(c.parser.pending + r.bad_body + r.bad_type + r.oversize + (c.parser.dead ? 1 : 0) + (cut < stream.length ? 1 : 0)).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
