import { PacketBatchReader, PacketBatchWriter } from '../../../../proto/frames/packet-batch-v1';
import { FrameHeader } from '../../../../proto/frames/frame-header-v1';
import { FrameType } from '../../../../proto/frames/constants';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// One record: flowletId 7, clock 3, prevUnit -1, targets [2, 5], tsNs 1000, packet aa bb cc.
const GOLDEN = hex(`
  01 00 0001 0000001d
  00000007 00000003 ffff 02 00 408f400000000000 0003
  0002 0005
  aabbcc`);

describe('PACKETS frame v1', () => {
  test('encodes to the golden bytes', () => {
    const w = new PacketBatchWriter(256);
    expect(w.add(7, 3, -1, [2, 5], 2, 1000, Buffer.from('xxaabbcc', 'hex').subarray(0), 0, 0)).toBe(true);
    w.reset();
    const pkt = hex('ffaabbccff');
    expect(w.add(7, 3, -1, [2, 5], 2, 1000, pkt, 1, 3)).toBe(true);
    expect(w.finish().toString('hex')).toBe(GOLDEN.toString('hex'));
  });

  test('decodes the golden bytes as views over the body', () => {
    const h = new FrameHeader().read(GOLDEN, 0);
    expect([h.type, h.flags, h.count, h.length]).toEqual([FrameType.PACKETS, 0, 1, 29]);
    const body = GOLDEN.subarray(8);
    expect(PacketBatchReader.validate(body, 1)).toBeNull();
    const r = new PacketBatchReader().reset(body, 1);
    expect(r.next()).toBe(true);
    expect([r.flowletId, r.clock, r.prevUnit, r.targetCount, r.target(0), r.target(1), r.tsNs]).toEqual([7, 3, -1, 2, 2, 5, 1000]);
    expect(r.body.subarray(r.packetOffset, r.packetOffset + r.packetLength).toString('hex')).toBe('aabbcc');
    // a view, not a copy: writing through the body changes what the reader sees
    expect(r.body.buffer).toBe(GOLDEN.buffer);
    expect(r.next()).toBe(false);
  });

  test('round-trips many records with u32 clocks, i16 units and fractional ns', () => {
    const w = new PacketBatchWriter(64 * 1024);
    const recs = Array.from({ length: 32 }, (_, i) => ({
      flowletId: 0xfffffff0 + (i % 16), clock: 0xffffff00 + i, prev: i % 2 ? 32767 : -1,
      targets: Array.from({ length: i % 4 }, (_, j) => 100 + j), ts: 2 ** 52 + i, pkt: Buffer.alloc(i * 7, i),
    }));
    for (const r of recs) expect(w.add(r.flowletId, r.clock, r.prev, r.targets, r.targets.length, r.ts, r.pkt, 0, r.pkt.length)).toBe(true);
    const frame = w.finish();
    const h = new FrameHeader().read(frame, 0);
    expect(h.count).toBe(32);
    const body = frame.subarray(8);
    expect(PacketBatchReader.validate(body, 32)).toBeNull();
    const rd = new PacketBatchReader().reset(body, 32);
    for (const r of recs) {
      expect(rd.next()).toBe(true);
      expect([rd.flowletId, rd.clock, rd.prevUnit, rd.tsNs]).toEqual([r.flowletId, r.clock, r.prev, r.ts]);
      expect(Array.from({ length: rd.targetCount }, (_, j) => rd.target(j))).toEqual(r.targets);
      expect(body.subarray(rd.packetOffset, rd.packetOffset + rd.packetLength).equals(r.pkt)).toBe(true);
    }
  });

  test('add returns false when the buffer is full (caller flushes)', () => {
    const w = new PacketBatchWriter(8 + 22 + 10);
    expect(w.add(1, 1, -1, [], 0, 0, Buffer.alloc(10), 0, 10)).toBe(true);
    expect(w.add(1, 2, -1, [], 0, 0, Buffer.alloc(1), 0, 1)).toBe(false);
    expect(w.count).toBe(1);
  });

  test.each([
    ['count larger than the records', GOLDEN.subarray(8), 2, /record 1 header overruns/],
    ['packet length overruns', Buffer.concat([GOLDEN.subarray(8, 8 + 20), hex('00ff'), GOLDEN.subarray(8 + 22)]), 1, /record 0 overruns/],
    ['trailing bytes', Buffer.concat([GOLDEN.subarray(8), hex('00')]), 1, /1 trailing bytes/],
  ])('validate rejects %s', (_name, body, count, reason) => {
    expect(PacketBatchReader.validate(body as Buffer, count as number)).toMatch(reason as RegExp);
  });
});
