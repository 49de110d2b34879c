import { FrameType, HandshakeFlag } from '../../../../proto/frames/constants';
import { FrameHeader } from '../../../../proto/frames/frame-header-v1';
import { FrameParser, validateFrameBody } from '../../../../proto/frames/frame-parser';
import { decodeHandshake, encodeHandshake } from '../../../../proto/frames/handshake-v1';
import { SourceEgressReader, SourceEgressWriter } from '../../../../proto/frames/source-egress-v2';

describe('SOURCE_EGRESS v2 (the replay stream egress with u64 residence)', () => {
  const w = new SourceEgressWriter(256);
  // 9.5 s of residence: above the 4.29 s a u32 of ns holds (the v1 ceiling).
  w.add(5, 9_500_000_123, 0, 0, Buffer.from([0xaa, 0xbb]), 0, 2);
  w.add(6, 1234, 1, 3, Buffer.alloc(0), 0, 0);
  const frame = Buffer.from(w.finish());

  test('golden bytes', () => {
    expect(frame.toString('hex')).toBe(
      '0e000002' + '00000022' // header: type 14, flags 0, count 2, length 34 = (16 + 2) + 16
      + '00000005' + '00000002' + '363e7f7b' + '00' + '00' + '0002' + 'aabb' // 9,500,000,123 = 2·2^32 + 0x363e7f7b
      + '00000006' + '00000000' + '000004d2' + '01' + '03' + '0000',
    );
  });

  test('round trip keeps residences above 2^32 ns', () => {
    const h = new FrameHeader().read(frame, 0);
    const body = frame.subarray(8);
    expect(validateFrameBody(FrameType.SOURCE_EGRESS, body, h.count)).toBeNull();
    const r = new SourceEgressReader().reset(body, h.count);
    expect(r.next()).toBe(true);
    expect([r.seq, r.residenceNs, r.verdict, r.packetLength]).toEqual([5, 9_500_000_123, 0, 2]);
    expect(body.subarray(r.packetOffset, r.packetOffset + r.packetLength)).toEqual(Buffer.from([0xaa, 0xbb]));
    expect(r.next()).toBe(true);
    expect([r.seq, r.residenceNs, r.verdict, r.reason, r.packetLength]).toEqual([6, 1234, 1, 3, 0]);
    expect(r.next()).toBe(false);
  });

  test('negative and huge residences are clamped, not wrapped', () => {
    const x = new SourceEgressWriter(64);
    x.add(1, -5, 0, 0, Buffer.alloc(0), 0, 0);
    x.add(2, 1e300, 0, 0, Buffer.alloc(0), 0, 0);
    const f = Buffer.from(x.finish());
    const r = new SourceEgressReader().reset(f.subarray(8), 2);
    r.next();
    expect(r.residenceNs).toBe(0);
    r.next();
    expect(r.residenceNs).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('a truncated record is rejected with a reason', () => {
    expect(validateFrameBody(FrameType.SOURCE_EGRESS, frame.subarray(8, 8 + 10), 1)).toMatch(/header overruns/);
    expect(validateFrameBody(FrameType.SOURCE_EGRESS, frame.subarray(8, 8 + 17), 1)).toMatch(/overruns the frame/);
  });

  test('a decoder that does not accept type 14 rejects it by name, without closing the stream', () => {
    const reasons: string[] = [];
    const p = new FrameParser({ accept: [FrameType.EGRESS], onFrame: () => undefined, onReject: (_r, why) => void reasons.push(why) });
    expect(p.push(frame)).toBe(true);
    expect(reasons).toEqual(['frame type 14 not accepted here']);
  });

  test('the handshake carries the WIDE_EGRESS flag; old senders send 0', () => {
    const on = decodeHandshake(encodeHandshake({ role: 1, unitId: 0xffff, token: 't', flags: HandshakeFlag.WIDE_EGRESS }));
    const off = decodeHandshake(encodeHandshake({ role: 1, unitId: 0xffff, token: 't' }));
    expect(on.kind === 'ok' && on.handshake.flags).toBe(HandshakeFlag.WIDE_EGRESS);
    expect(off.kind === 'ok' && off.handshake.flags).toBe(0);
  });
});
