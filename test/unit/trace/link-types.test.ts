import { LINKTYPE, ipv4Offset, linkTypeName } from '../../../trace/link-types';
import { tcp } from '../../helpers/packets';
import { frame } from './capture-bytes';

const ip = tcp('10.0.0.1', 1, '10.0.0.2', 2);
const ipv6 = Buffer.from('6000000000000640' + '00'.repeat(32), 'hex');
const arp = Buffer.concat([Buffer.from('ffffffffffff020000000001', 'hex'), Buffer.from([0x08, 0x06]), Buffer.alloc(28)]);

// [name, link type, frame, expected IPv4 offset]
const table: Array<[string, number, Buffer, number]> = [
  ['Ethernet', LINKTYPE.ETHERNET, frame.ethernet(ip), 14],
  ['Ethernet 802.1Q', LINKTYPE.ETHERNET, frame.ethernet(ip, [0x8100]), 18],
  ['Ethernet 802.1ad + 802.1Q', LINKTYPE.ETHERNET, frame.ethernet(ip, [0x88a8, 0x8100]), 22],
  ['Ethernet old QinQ 0x9100', LINKTYPE.ETHERNET, frame.ethernet(ip, [0x9100]), 18],
  ['Ethernet ARP', LINKTYPE.ETHERNET, arp, -1],
  ['Ethernet cut inside the tag', LINKTYPE.ETHERNET, frame.ethernet(ip, [0x8100]).subarray(0, 15), -1],
  ['Linux SLL', LINKTYPE.LINUX_SLL, frame.sll(ip), 16],
  ['Linux SLL IPv6', LINKTYPE.LINUX_SLL, Buffer.concat([frame.sll(ip).subarray(0, 14), Buffer.from([0x86, 0xdd]), ipv6]), -1],
  ['Linux SLL2', LINKTYPE.LINUX_SLL2, frame.sll2(ip), 20],
  ['raw 101', LINKTYPE.RAW, ip, 0],
  ['raw 12', LINKTYPE.RAW_BSD, ip, 0],
  ['IPv4 228', LINKTYPE.IPV4, ip, 0],
  ['raw 101 carrying IPv6', LINKTYPE.RAW, ipv6, -1],
  ['NULL little-endian family', LINKTYPE.NULL, frame.nullLe(ip), 4],
  ['NULL big-endian family', LINKTYPE.NULL, frame.nullBe(ip), 4],
  ['NULL IPv6 (family 30)', LINKTYPE.NULL, Buffer.concat([Buffer.from([30, 0, 0, 0]), ipv6]), -1],
  ['LOOP', LINKTYPE.LOOP, frame.nullBe(ip), 4],
  ['PPP with address/control', LINKTYPE.PPP, frame.ppp(ip), 4],
  ['PPP compressed protocol', LINKTYPE.PPP, frame.pppCompressed(ip), 1],
  ['PPP LCP', LINKTYPE.PPP, Buffer.from('ff03c021010100040000', 'hex'), -1],
  ['PPP carrying Cisco HDLC', LINKTYPE.PPP, frame.ciscoHdlc(ip), 4],
  ['PPP in HDLC framing', LINKTYPE.PPP_HDLC, frame.ppp(ip), 4],
  ['Cisco HDLC', LINKTYPE.C_HDLC, frame.ciscoHdlc(ip), 4],
  ['Cisco HDLC MPLS', LINKTYPE.C_HDLC, Buffer.from('0f0088470001', 'hex'), -1],
  ['unknown link type', 147, ip, -1],
  ['empty frame', LINKTYPE.ETHERNET, Buffer.alloc(0), -1],
];

test.each(table)('%s → IPv4 at %#', (_name, linkType, data, expected) => {
  expect(ipv4Offset(linkType, data, data.length)).toBe(expected);
});

test('link type names', () => {
  expect(linkTypeName(1)).toBe('ETHERNET');
  expect(linkTypeName(276)).toBe('LINUX_SLL2');
  expect(linkTypeName(999)).toBe('LINKTYPE_999');
});
