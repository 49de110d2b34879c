import { buildIpv4, ip } from '../../helpers/packets';
import { IPPROTO_TCP, IPPROTO_UDP, Packet, PacketClass, PACKET_CLASS_REASON, TCP_ACK, TCP_SYN } from '../../../sdk/packet';

const C = PacketClass;

describe('Packet.parse: packet table', () => {
  const table: { name: string; buf: Buffer; cls: PacketClass; sport: number; dport: number; payload: string }[] = [
    { name: 'TCP SYN', buf: buildIpv4({ proto: 'tcp', src: '10.0.0.1', sport: 1234, dst: '10.0.0.2', dport: 80, flags: TCP_SYN }), cls: C.OK, sport: 1234, dport: 80, payload: '' },
    { name: 'TCP with payload', buf: buildIpv4({ proto: 'tcp', sport: 40000, dport: 443, payload: 'GET /' }), cls: C.OK, sport: 40000, dport: 443, payload: 'GET /' },
    { name: 'TCP with options', buf: buildIpv4({ proto: 'tcp', sport: 1, dport: 2, tcpOptions: Buffer.from([2, 4, 5, 0xb4, 1, 3, 3, 2]), payload: 'x' }), cls: C.OK, sport: 1, dport: 2, payload: 'x' },
    { name: 'UDP', buf: buildIpv4({ proto: 'udp', sport: 53, dport: 5353, payload: 'dns' }), cls: C.OK, sport: 53, dport: 5353, payload: 'dns' },
    { name: 'UDP behind IP options', buf: buildIpv4({ proto: 'udp', sport: 7, dport: 9, ipOptions: Buffer.from([0x94, 4, 0, 0]), payload: 'ra' }), cls: C.OK, sport: 7, dport: 9, payload: 'ra' },
    { name: 'ICMP', buf: buildIpv4({ proto: 1, payload: Buffer.from([8, 0, 0xf7, 0xff, 0, 0, 0, 0]) }), cls: C.OTHER_PROTOCOL, sport: 0, dport: 0, payload: '\x08\x00\xf7\xff\x00\x00\x00\x00' },
    { name: 'GRE', buf: buildIpv4({ proto: 47, payload: 'gre' }), cls: C.OTHER_PROTOCOL, sport: 0, dport: 0, payload: 'gre' },
    { name: 'first fragment (MF)', buf: buildIpv4({ proto: 'udp', sport: 10, dport: 20, moreFragments: true, payload: 'abcdefgh' }), cls: C.FRAGMENT, sport: 10, dport: 20, payload: 'abcdefgh' },
    { name: 'non-first fragment', buf: buildIpv4({ proto: 'tcp', fragOffset: 185, payload: 'rest' }), cls: C.FRAGMENT, sport: 0, dport: 0, payload: 'rest' },
    { name: 'last fragment of UDP', buf: buildIpv4({ proto: 'udp', fragOffset: 1, payload: 'tail' }), cls: C.FRAGMENT, sport: 0, dport: 0, payload: 'tail' },
  ];

  test.each(table)('$name', ({ buf, cls, sport, dport, payload }) => {
    const p = Packet.parse(buf);
    expect(PACKET_CLASS_REASON[p.cls]).toBe(PACKET_CLASS_REASON[cls]);
    expect(p.srcPort).toBe(sport);
    expect(p.dstPort).toBe(dport);
    expect(p.payload().toString('latin1')).toBe(payload);
    expect(p.payloadTruncated).toBe(false);
    expect(p.totalLength).toBe(buf.length);
  });

  test('reads every header field', () => {
    const buf = buildIpv4({ proto: 'tcp', src: '192.168.3.131', sport: 57011, dst: '255.14.213.138', dport: 80, flags: TCP_SYN | TCP_ACK, tos: 0x2e, ttl: 52, ipId: 0xbeef, payload: 'hello', dontFragment: true });
    const p = Packet.parse(buf);
    expect(p.cls).toBe(C.OK);
    expect(p.ihl).toBe(20);
    expect(p.tos).toBe(0x2e);
    expect(p.ttl).toBe(52);
    expect(p.ipId).toBe(0xbeef);
    expect(p.fragOffset).toBe(0);
    expect(p.moreFragments).toBe(false);
    expect(p.protocol).toBe(IPPROTO_TCP);
    expect(p.srcIp).toBe(ip('192.168.3.131'));
    expect(p.dstIp).toBe(ip('255.14.213.138'));
    expect(p.dstIp).toBeGreaterThan(0); // unsigned even with bit 31 set
    expect(p.tcpFlags).toBe(TCP_SYN | TCP_ACK);
    expect(p.l4Offset).toBe(20);
    expect(p.payloadOffset).toBe(40);
    expect(p.payloadLength).toBe(5);
    expect(p.isTcp).toBe(true);
    expect(p.isUdp).toBe(false);
  });

  test('offsets are absolute when the packet sits inside a larger buffer', () => {
    const pkt = buildIpv4({ proto: 'udp', sport: 1000, dport: 2000, payload: 'inside' });
    const frame = Buffer.concat([Buffer.alloc(14, 0xee), pkt, Buffer.alloc(6, 0xaa)]);
    const p = Packet.parse(frame, 14, pkt.length + 6); // trailing link padding is not payload
    expect(p.cls).toBe(C.OK);
    expect(p.isUdp).toBe(true);
    expect(p.l4Offset).toBe(34);
    expect(p.payloadOffset).toBe(42);
    expect(p.payload().toString()).toBe('inside');
    expect(p.payloadTruncated).toBe(false);
  });

  test('fragment offset is in 8-byte units and MF is read', () => {
    const p = Packet.parse(buildIpv4({ proto: 'udp', fragOffset: 0x1fff, moreFragments: true, payload: 'z' }));
    expect(p.fragOffset).toBe(0x1fff);
    expect(p.moreFragments).toBe(true);
    expect(p.hasL4).toBe(false);
    expect(p.protocol).toBe(IPPROTO_UDP);
  });
});

describe('Packet.parse: capture-truncated and damaged input', () => {
  const tcpPkt = buildIpv4({ proto: 'tcp', sport: 5555, dport: 80, tcpOptions: Buffer.from([1, 1, 1, 1]), ipOptions: Buffer.from([1, 1, 1, 1]), payload: 'payload bytes' });
  const udpPkt = buildIpv4({ proto: 'udp', sport: 5555, dport: 53, payload: 'query' });

  test.each([
    ['tcp', tcpPkt, 24 + 24],
    ['udp', udpPkt, 20 + 8],
  ] as const)('%s cut at every length 0..len', (_name, pkt, headersLen) => {
    for (let len = 0; len <= pkt.length; len++) {
      const p = Packet.parse(pkt, 0, len);
      if (len < headersLen) {
        expect([len, p.cls]).toEqual([len, C.TRUNCATED]);
        expect(p.srcPort).toBe(0);
        expect(p.hasL4).toBe(false);
      } else {
        expect([len, p.cls]).toEqual([len, C.OK]);
        expect(p.payloadTruncated).toBe(len < pkt.length);
        expect(p.payloadLength).toBe(len - headersLen);
        expect(p.srcPort).toBe(5555);
      }
    }
  });

  test('stripped payload (captured < total length) is still OK, like the smallFlows trace', () => {
    const full = buildIpv4({ proto: 'tcp', sport: 57011, dport: 80, payload: Buffer.alloc(943, 0x41) });
    const p = Packet.parse(full.subarray(0, 40));
    expect(p.cls).toBe(C.OK);
    expect(p.totalLength).toBe(983);
    expect(p.length).toBe(40);
    expect(p.payloadTruncated).toBe(true);
    expect(p.payloadLength).toBe(0);
  });

  test('version other than 4', () => {
    const b = Buffer.from(udpPkt);
    b[0] = 0x60; // looks like IPv6
    expect(Packet.parse(b).cls).toBe(C.NOT_IPV4);
    expect(Packet.parse(Buffer.from([0x00])).cls).toBe(C.NOT_IPV4);
  });

  test('empty buffer is TRUNCATED', () => {
    expect(Packet.parse(Buffer.alloc(0)).cls).toBe(C.TRUNCATED);
  });

  test('IHL < 5 is BAD_HEADER', () => {
    for (const ihl of [0, 1, 4]) {
      const b = Buffer.from(udpPkt);
      b[0] = 0x40 | ihl;
      expect(Packet.parse(b).cls).toBe(C.BAD_HEADER);
    }
  });

  test('total length shorter than the header is BAD_HEADER; shorter than the TCP header too', () => {
    const b = Buffer.from(tcpPkt);
    b.writeUInt16BE(10, 2);
    expect(Packet.parse(b).cls).toBe(C.BAD_HEADER);
    b.writeUInt16BE(24 + 10, 2); // IP header fits, TCP header cannot
    expect(Packet.parse(b).cls).toBe(C.BAD_HEADER);
  });

  test('TCP data offset < 5 or past the packet is BAD_HEADER', () => {
    const b = Buffer.from(tcpPkt);
    b[24 + 12] = 0x40;
    expect(Packet.parse(b).cls).toBe(C.BAD_HEADER);
    b[24 + 12] = 0xf0; // 60 bytes > segment
    const short = buildIpv4({ proto: 'tcp' });
    short[20 + 12] = 0xf0;
    expect(Packet.parse(short).cls).toBe(C.BAD_HEADER);
  });

  test('IHL longer than the captured bytes is TRUNCATED', () => {
    const b = Buffer.from(udpPkt.subarray(0, 22));
    b[0] = 0x46;
    expect(Packet.parse(b).cls).toBe(C.TRUNCATED);
  });

  test('out-of-range offset/length arguments are clamped, never thrown', () => {
    expect(Packet.parse(udpPkt, 1000).cls).toBe(C.TRUNCATED);
    expect(Packet.parse(udpPkt, 0, 100000).cls).toBe(C.OK);
    expect(Packet.parse(udpPkt, -5, -1).cls).toBe(C.TRUNCATED);
    expect(Packet.parse(udpPkt, NaN, NaN).cls).toBe(C.TRUNCATED);
  });
});

describe('Packet.reset reuses one view', () => {
  test('no field survives from the previous packet', () => {
    const p = Packet.parse(buildIpv4({ proto: 'tcp', sport: 1, dport: 2, flags: TCP_SYN, payload: 'abc', tos: 7, moreFragments: true }));
    expect(p.hasL4).toBe(true);
    p.reset(buildIpv4({ proto: 1, payload: 'ping' }));
    expect(p.cls).toBe(C.OTHER_PROTOCOL);
    expect([p.srcPort, p.dstPort, p.tcpFlags, p.tos, p.moreFragments, p.hasL4]).toEqual([0, 0, 0, 0, false, false]);
    expect(p.payload().toString()).toBe('ping');
    const fresh = Packet.parse(Buffer.from([0x45]));
    p.reset(Buffer.from([0x45]));
    expect({ ...p }).toEqual({ ...fresh });
  });
});
