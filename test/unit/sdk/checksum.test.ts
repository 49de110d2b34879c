import { buildIpv4 } from '../../helpers/packets';
import { checkChecksums, ipv4HeaderChecksum, l4Checksum, verifyChecksums, verifyRewriteChecksums } from '../../../sdk/checksum';
import { Packet } from '../../../sdk/packet';

describe('checksum: from scratch', () => {
  test('ipv4HeaderChecksum equals the stored field (with and without options)', () => {
    for (const ipOptions of [undefined, Buffer.from([1, 1, 1, 1, 0x94, 4, 0, 0])]) {
      const b = buildIpv4({ proto: 'tcp', ipOptions, ttl: 3 });
      const ihl = (b[0]! & 0xf) * 4;
      expect(ipv4HeaderChecksum(b, 0, ihl)).toBe(b.readUInt16BE(10));
    }
  });

  test('known value from a real capture (tcpdump: smallFlows SYN, IP cksum 0xea85)', () => {
    const hdr = Buffer.from('450000342e9e40008006ea85c0a80383480ed566', 'hex');
    expect(ipv4HeaderChecksum(hdr, 0, 20)).toBe(0xea85);
  });

  test('l4Checksum equals the stored TCP and UDP field', () => {
    const t = Packet.parse(buildIpv4({ proto: 'tcp', payload: 'odd' }));
    expect(l4Checksum(t)).toBe(t.buf.readUInt16BE(36));
    const u = Packet.parse(buildIpv4({ proto: 'udp', payload: 'even' }));
    expect(l4Checksum(u)).toBe(u.buf.readUInt16BE(26));
    expect(l4Checksum(Packet.parse(u.buf.subarray(0, 30)))).toBeNaN();
  });

  test('every single-bit flip in a header is detected', () => {
    const b = buildIpv4({ proto: 'udp', sport: 1, dport: 2, payload: 'abcdef' });
    for (let bit = 0; bit < b.length * 8; bit++) {
      const c = Buffer.from(b);
      c[bit >> 3]! ^= 1 << (bit & 7);
      const p = Packet.parse(c);
      if (p.cls > 2) continue; // the flip broke the header itself (version, IHL, length)
      expect([bit, verifyChecksums(p)]).toEqual([bit, false]);
    }
  });

  test('capture-truncated L4 is unverifiable, and verifyChecksums says false for it', () => {
    const b = buildIpv4({ proto: 'tcp', payload: 'a long enough payload' });
    const p = Packet.parse(b.subarray(0, 45));
    expect(checkChecksums(p)).toEqual({ ip: true, l4: 'unverifiable' });
    expect(verifyChecksums(p)).toBe(false);
  });

  test('non-first fragment: L4 not applicable; first fragment: unverifiable', () => {
    expect(checkChecksums(Packet.parse(buildIpv4({ proto: 'tcp', fragOffset: 3, payload: 'x' })))).toEqual({ ip: true, l4: 'not_applicable' });
    expect(checkChecksums(Packet.parse(buildIpv4({ proto: 'tcp', moreFragments: true, payload: 'x' })))).toEqual({ ip: true, l4: 'unverifiable' });
  });

  test('verifyRewriteChecksums catches a wrong L4 checksum on a truncated packet', () => {
    const full = buildIpv4({ proto: 'udp', payload: Buffer.alloc(100, 7) });
    const before = Packet.parse(Buffer.from(full.subarray(0, 35)));
    const after = Packet.parse(Buffer.from(full.subarray(0, 35)));
    after.setDstIp(0x08080808);
    expect(verifyRewriteChecksums(before, after)).toBe(true);
    after.buf[30]! ^= 0x10; // a payload byte changed without checksum update
    expect(verifyRewriteChecksums(before, after)).toBe(false);
    after.buf[30]! ^= 0x10;
    after.buf[26]! ^= 0x01; // checksum byte damaged
    expect(verifyRewriteChecksums(before, after)).toBe(false);
  });

  test('verifyRewriteChecksums: a UDP checksum that went from 0 to non-zero is an error', () => {
    const none = buildIpv4({ proto: 'udp', payload: Buffer.alloc(40), udpChecksum: false });
    const before = Packet.parse(Buffer.from(none.subarray(0, 30)));
    const after = Packet.parse(Buffer.from(none.subarray(0, 30)));
    after.buf[27] = 1;
    expect(verifyRewriteChecksums(before, after)).toBe(false);
  });
});
