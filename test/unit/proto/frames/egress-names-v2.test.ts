import { EgressBatchV2Reader, EgressBatchV2Writer } from '../../../../proto/frames/egress-batch-v2';
import { FrameHeader } from '../../../../proto/frames/frame-header-v1';
import { validateFrameBody } from '../../../../proto/frames/frame-parser';
import { FrameType } from '../../../../proto/frames/constants';
import { decodeNames, encodeNames, NameKind } from '../../../../proto/frames/names-v1';

const TUPLE = { proto: 6, srcIp: 0x0a000001, srcPort: 1234, dstIp: 0x0a000002, dstPort: 80 };

describe('EGRESS v2', () => {
  const w = new EgressBatchV2Writer(256);
  w.add(7, 3, 1, 0, Buffer.alloc(0), 0, 0, 9, new Uint32Array([2019401, 5]), 2, TUPLE);
  w.add(8, 1, 0, 0, Buffer.from([0xaa, 0xbb]), 0, 2, 0, new Uint32Array(0), 0, null);
  const frame = Buffer.from(w.finish());

  test('golden bytes', () => {
    expect(frame.toString('hex')).toBe(
      '07000002' + '0000003a' // header: type 7, flags 0, count 2, length 58 = (16 + 16 + 8) + (16 + 2)
      + '00000007' + '00000003' + '01' + '00' + '0000' + '0009' + '0002' // record 1 fixed
      + '06' + '00' + '04d2' + '0050' + '0000' + '0a000001' + '0a000002' // tuple
      + '001ed049' + '00000005' // sids
      + '00000008' + '00000001' + '00' + '00' + '0002' + '0000' + '0000' + 'aabb', // record 2
    );
  });

  test('round trip', () => {
    const h = new FrameHeader().read(frame, 0);
    const body = frame.subarray(8);
    expect(validateFrameBody(FrameType.EGRESS_V2, body, h.count)).toBeNull();
    const r = new EgressBatchV2Reader().reset(body, h.count);
    expect(r.next()).toBe(true);
    expect([r.flowletId, r.clock, r.verdict, r.dropId, r.alertCount, r.sid(0), r.sid(1), r.packetLength]).toEqual([7, 3, 1, 9, 2, 2019401, 5, 0]);
    expect(r.tuple).toEqual(TUPLE);
    expect(r.next()).toBe(true);
    expect([r.flowletId, r.dropId, r.alertCount]).toEqual([8, 0, 0]);
    expect(body.subarray(r.packetOffset, r.packetOffset + r.packetLength)).toEqual(Buffer.from([0xaa, 0xbb]));
    expect(r.next()).toBe(false);
  });

  test.each([
    ['truncated fixed part', (b: Buffer) => b.subarray(0, 10), /header overruns/],
    ['alert count past the body', (b: Buffer) => { const c = Buffer.from(b); c.writeUInt16BE(500, 14); return c; }, /overruns/],
    ['trailing bytes', (b: Buffer) => Buffer.concat([b, Buffer.from([0])]), /trailing/],
  ])('hostile body rejected: %s', (_n, mutate, why) => {
    expect(validateFrameBody(FrameType.EGRESS_V2, mutate(frame.subarray(8)), 2)).toMatch(why);
  });
});

describe('NAMES v1', () => {
  const frame = encodeNames([
    { kind: NameKind.DROP_REASON, id: 12, text: 'nat_ports_exhausted' },
    { kind: NameKind.SIGNATURE, id: 2019401, text: 'ET POLICY é', gid: 1, rev: 3, severity: 2 },
  ]);

  test('golden bytes and round trip', () => {
    expect(frame.subarray(0, 8).toString('hex')).toBe('08000002' + '0000003f') // 63 = 16 + 19 + 16 + 12;
    expect(frame.subarray(8, 24).toString('hex')).toBe('01000013' + '0000000c' + '00000000' + '00000000');
    expect(frame.subarray(24, 43).toString()).toBe('nat_ports_exhausted');
    expect(frame.subarray(43, 59).toString('hex')).toBe('0202000c' + '001ed049' + '00000001' + '00000003');
    const body = frame.subarray(8);
    expect(validateFrameBody(FrameType.NAMES, body, 2)).toBeNull();
    expect(decodeNames(body, 2)).toEqual([
      { kind: 1, id: 12, text: 'nat_ports_exhausted', gid: 0, rev: 0, severity: 0 },
      { kind: 2, id: 2019401, text: 'ET POLICY é', gid: 1, rev: 3, severity: 2 },
    ]);
  });

  test.each([
    ['unknown kind', (b: Buffer) => { const c = Buffer.from(b); c[0] = 9; return c; }, /unknown name kind 9/],
    ['text past the body', (b: Buffer) => b.subarray(0, b.length - 1), /overruns/],
    ['text not UTF-8', (b: Buffer) => { const c = Buffer.from(b); c[16] = 0xff; return c; }, /not UTF-8/],
  ])('hostile body rejected: %s', (_n, mutate, why) => {
    expect(validateFrameBody(FrameType.NAMES, mutate(frame.subarray(8)), 2)).toMatch(why);
  });
});
