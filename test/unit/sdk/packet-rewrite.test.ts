import fc from 'fast-check';
import { buildIpv4, checksumsValid } from '../../helpers/packets';
import { checkChecksums, verifyChecksums, verifyRewriteChecksums } from '../../../sdk/checksum';
import { ipToString } from '../../../sdk/flow-key';
import { Packet, PacketClass } from '../../../sdk/packet';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const port = fc.integer({ min: 0, max: 0xffff });

const packetArb = fc.record({
  proto: fc.constantFrom('tcp' as const, 'udp' as const),
  src: u32,
  dst: u32,
  sport: port,
  dport: port,
  payload: fc.uint8Array({ maxLength: 64, size: 'max' }),
  tos: fc.integer({ min: 0, max: 255 }),
  udpChecksum: fc.boolean(),
  ipOptions: fc.constantFrom(undefined, Buffer.from([1, 1, 1, 0])),
});

const rewriteArb = fc.record({
  src: fc.option(u32),
  dst: fc.option(u32),
  sport: fc.option(port),
  dport: fc.option(port),
  tos: fc.option(fc.integer({ min: 0, max: 255 })),
  ttl: fc.option(fc.integer({ min: 0, max: 255 })),
});

type Rewrite = { src: number | null; dst: number | null; sport: number | null; dport: number | null; tos: number | null; ttl: number | null };

type PacketSpec = typeof packetArb extends fc.Arbitrary<infer T> ? T : never;

function build(o: PacketSpec): Buffer {
  return buildIpv4({ ...o, src: ipToString(o.src), dst: ipToString(o.dst), payload: Buffer.from(o.payload) });
}

function apply(p: Packet, r: Rewrite): void {
  if (r.src !== null) expect(p.setSrcIp(r.src)).toBe(true);
  if (r.dst !== null) expect(p.setDstIp(r.dst)).toBe(true);
  if (r.sport !== null) expect(p.setSrcPort(r.sport)).toBe(true);
  if (r.dport !== null) expect(p.setDstPort(r.dport)).toBe(true);
  if (r.tos !== null) expect(p.setTos(r.tos)).toBe(true);
  if (r.ttl !== null) expect(p.setTtl(r.ttl)).toBe(true);
}

describe('Packet rewrites keep checksums valid (recomputed from scratch)', () => {
  test('property: any rewrite of a complete TCP/UDP packet', () => {
    fc.assert(
      fc.property(packetArb, rewriteArb, (o, r) => {
        const buf = build(o);
        const udpZero = o.proto === 'udp' && !o.udpChecksum;
        const p = Packet.parse(buf);
        apply(p, r);
        // Fields and bytes both changed, and a fresh parse agrees with the view.
        const again = Packet.parse(buf);
        expect([again.srcIp, again.dstIp, again.srcPort, again.dstPort, again.tos, again.ttl]).toEqual([p.srcIp, p.dstIp, p.srcPort, p.dstPort, p.tos, p.ttl]);
        if (r.src !== null) expect(again.srcIp).toBe(r.src);
        if (r.dport !== null) expect(again.dstPort).toBe(r.dport);
        // Independent check (test helper) and the SDK's own from-scratch check.
        expect(checksumsValid(buf)).toEqual({ ip: true, l4: true });
        expect(verifyChecksums(again)).toBe(true);
        expect(checkChecksums(again).l4).toBe(udpZero ? 'absent' : 'valid');
      }),
      { numRuns: 500 },
    );
  });

  test('property: rewrites of a capture-truncated packet stay valid (checked against the full packet)', () => {
    fc.assert(
      fc.property(packetArb, rewriteArb, fc.nat(), (o, r, cutSeed) => {
        const full = build(o);
        const p0 = Packet.parse(full);
        const headers = p0.payloadOffset;
        const cut = headers + (cutSeed % (full.length - headers + 1));
        const before = Packet.parse(Buffer.from(full.subarray(0, cut)));
        const after = Packet.parse(Buffer.from(full.subarray(0, cut)));
        expect(after.cls).toBe(PacketClass.OK);
        apply(after, r);
        expect(verifyRewriteChecksums(before, after)).toBe(true);
        // Ground truth: the same rewrite on the full packet gives the same checksum bytes, and
        // the full packet verifies from scratch.
        const fullView = Packet.parse(full);
        apply(fullView, r);
        expect(after.buf.equals(full.subarray(0, cut))).toBe(true);
        expect(verifyChecksums(fullView)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('UDP checksum 0 ("none") stays 0 after rewrites', () => {
    const buf = buildIpv4({ proto: 'udp', sport: 1, dport: 2, payload: 'x', udpChecksum: false });
    const p = Packet.parse(buf);
    p.setSrcIp(0x01020304);
    p.setDstPort(9999);
    expect(buf.readUInt16BE(26)).toBe(0);
    expect(checkChecksums(p)).toEqual({ ip: true, l4: 'absent' });
  });

  test('a rewrite whose result sums to zero writes 0xffff in UDP, never 0', () => {
    // Search a port that makes the incremental result 0, then check it was written as 0xffff.
    const buf = buildIpv4({ proto: 'udp', src: '0.0.0.0', dst: '0.0.0.0', sport: 0, dport: 0 });
    const stored = buf.readUInt16BE(26);
    const p = Packet.parse(buf);
    // Changing sport from 0 to n subtracts n from the checksum (ones' complement): n = stored gives 0.
    p.setSrcPort(stored);
    expect(buf.readUInt16BE(26)).toBe(0xffff);
    expect(checksumsValid(buf)).toEqual({ ip: true, l4: true });
  });

  test('setters refuse packets whose headers were not parsed, and change no byte', () => {
    const buf = buildIpv4({ proto: 'tcp' });
    const cut = Buffer.from(buf.subarray(0, 30)); // TRUNCATED inside the TCP header
    const copy = Buffer.from(cut);
    const p = Packet.parse(cut);
    expect(p.cls).toBe(PacketClass.TRUNCATED);
    expect([p.setSrcIp(1), p.setDstIp(1), p.setSrcPort(1), p.setDstPort(1), p.setTos(1), p.setTtl(1)]).toEqual([false, false, false, false, false, false]);
    expect(cut.equals(copy)).toBe(true);
  });

  test('address rewrite on an ICMP packet updates only the IP header checksum', () => {
    const buf = buildIpv4({ proto: 1, payload: Buffer.from([8, 0, 0xf7, 0xff, 0, 0, 0, 0]) });
    const p = Packet.parse(buf);
    expect(p.setSrcIp(0xc0a80001)).toBe(true);
    expect(p.setSrcPort(1)).toBe(false);
    expect(buf.subarray(20).equals(Buffer.from([8, 0, 0xf7, 0xff, 0, 0, 0, 0]))).toBe(true);
    expect(checkChecksums(p)).toEqual({ ip: true, l4: 'not_applicable' });
  });
});
