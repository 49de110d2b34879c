/**
 * Link-layer types (tcpdump.org LINKTYPE_* numbers) and where the IPv4 header starts in a frame.
 *
 * `ipv4Offset` is called once per record: it only reads a few header bytes, never allocates,
 * and answers -1 for anything that is not IPv4 (ARP, IPv6, LLC, unknown link types).
 */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  /** DLT_RAW as numbered on some BSDs. */
  RAW_BSD: 12,
  /** PPP in HDLC-like framing (RFC 1662). */
  PPP_HDLC: 50,
  RAW: 101,
  C_HDLC: 104,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  LINUX_SLL2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
const AF_INET = 2;
const PPP_IPV4 = 0x0021;

const NAMES: Record<number, string> = {
  0: 'NULL',
  1: 'ETHERNET',
  9: 'PPP',
  12: 'RAW',
  50: 'PPP_HDLC',
  101: 'RAW',
  104: 'C_HDLC',
  108: 'LOOP',
  113: 'LINUX_SLL',
  228: 'IPV4',
  276: 'LINUX_SLL2',
};

export function linkTypeName(linkType: number): string {
  return NAMES[linkType] ?? `LINKTYPE_${linkType}`;
}

/** Offset of an IPv4 header (version nibble 4) in `data[0, capLen)`, or -1. */
export function ipv4Offset(linkType: number, data: Buffer, capLen: number): number {
  let off = -1;
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      off = ethernetOffset(data, capLen);
      break;
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_BSD:
    case LINKTYPE.IPV4:
      off = 0;
      break;
    case LINKTYPE.NULL:
      // The family is a host-order u32 of the capturing machine: accept either byte order.
      if (capLen >= 4 && (data.readUInt32LE(0) === AF_INET || data.readUInt32BE(0) === AF_INET)) off = 4;
      break;
    case LINKTYPE.LOOP:
      if (capLen >= 4 && data.readUInt32BE(0) === AF_INET) off = 4;
      break;
    case LINKTYPE.LINUX_SLL:
      if (capLen >= 16 && data.readUInt16BE(14) === ETHERTYPE_IPV4) off = 16;
      break;
    case LINKTYPE.LINUX_SLL2:
      if (capLen >= 20 && data.readUInt16BE(0) === ETHERTYPE_IPV4) off = 20;
      break;
    case LINKTYPE.PPP:
    case LINKTYPE.PPP_HDLC:
      off = pppOffset(data, capLen);
      break;
    case LINKTYPE.C_HDLC:
      off = ciscoHdlcOffset(data, capLen);
      break;
    default:
      return -1;
  }
  if (off < 0 || off >= capLen || data[off]! >> 4 !== 4) return -1;
  return off;
}

/** Ethernet II, skipping any stack of 802.1Q / 802.1ad tags. */
function ethernetOffset(data: Buffer, capLen: number): number {
  let off = 12;
  while (off + 2 <= capLen) {
    const type = data.readUInt16BE(off);
    if (type === ETHERTYPE_IPV4) return off + 2;
    if (type !== ETHERTYPE_VLAN && type !== ETHERTYPE_QINQ && type !== ETHERTYPE_QINQ_OLD) return -1;
    off += 4;
  }
  return -1;
}

/** Cisco HDLC: address (0x0f unicast, 0x8f broadcast) | control | ethertype. */
function ciscoHdlcOffset(data: Buffer, capLen: number): number {
  return capLen >= 4 && data.readUInt16BE(2) === ETHERTYPE_IPV4 ? 4 : -1;
}

/**
 * PPP: optional 0xff 0x03 address/control, then a 1-byte (compressed, odd) or 2-byte protocol.
 * Like libpcap, a frame starting with a Cisco HDLC address byte is read as Cisco HDLC.
 */
function pppOffset(data: Buffer, capLen: number): number {
  if (capLen >= 1 && (data[0] === 0x0f || data[0] === 0x8f)) return ciscoHdlcOffset(data, capLen);
  let off = 0;
  if (capLen >= 2 && data[0] === 0xff && data[1] === 0x03) off = 2;
  if (off >= capLen) return -1;
  if (data[off]! & 1) return data[off] === PPP_IPV4 ? off + 1 : -1;
  if (off + 2 > capLen) return -1;
  return data.readUInt16BE(off) === PPP_IPV4 ? off + 2 : -1;
}
