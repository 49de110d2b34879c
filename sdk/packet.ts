/**
 * `Packet`: a zero-copy view over one raw IPv4 packet (L3 bytes in a Buffer).
 *
 * IPv4 header (RFC 791)                 TCP header (RFC 9293)          UDP header (RFC 768)
 *  0  ver|ihl  tos  total length         0  sport  dport                0  sport  dport
 *  4  id            flags|frag offset    4  seq                         4  length checksum
 *  8  ttl proto     header checksum      8  ack
 * 12  source address                    12  doff|flags window
 * 16  destination address               16  checksum urgent
 * 20  options (ihl*4 - 20 bytes)        20  options (doff*4 - 20 bytes)
 *
 * `reset` is the hot path: a handful of byte reads, no allocation, never throws. Every field is
 * rewritten on each reset, so a reused view never shows stale values. Offsets (`l4Offset`,
 * `payloadOffset`) are absolute indices into `buf`, so `buf[p.l4Offset]` works directly.
 *
 * Rewrites (`setSrcIp` …) patch the bytes in place and update the IPv4 header checksum and the
 * TCP/UDP checksum incrementally (RFC 1624, eqn. 3), so they stay valid even when the payload was
 * cut by capture and could not be summed again.
 */
import { adjustChecksum } from './ones-complement';
import { PacketClass, PACKET_CLASS_REASON } from './packet-class';

export { PacketClass, PACKET_CLASS_REASON };

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export const TCP_FIN = 1;
export const TCP_SYN = 2;
export const TCP_RST = 4;
export const TCP_PSH = 8;
export const TCP_ACK = 16;
export const TCP_URG = 32;

const EMPTY = Buffer.alloc(0);

export class Packet {
  buf: Buffer = EMPTY;
  /** Start of the IPv4 header in `buf`. */
  offset = 0;
  /** Captured L3 bytes (may exceed `totalLength` with link padding, or fall short of it). */
  length = 0;
  cls: PacketClass = PacketClass.TRUNCATED;
  /** IPv4 header length in bytes (0 when not known). */
  ihl = 0;
  tos = 0;
  /** IP total length: the packet's size on the wire. */
  totalLength = 0;
  ipId = 0;
  /** Fragment offset in 8-byte units (the raw 13-bit header field). */
  fragOffset = 0;
  moreFragments = false;
  ttl = 0;
  protocol = 0;
  /** Addresses as unsigned 32-bit integers (0 when not captured). */
  srcIp = 0;
  dstIp = 0;
  /** Absolute index of the L4 header in `buf` (= offset + ihl; offset when unknown). */
  l4Offset = 0;
  /** Ports: 0 unless the TCP/UDP header of a first fragment (or whole packet) was captured. */
  srcPort = 0;
  dstPort = 0;
  /** TCP flags byte; 0 for UDP and everything else. */
  tcpFlags = 0;
  /** True when srcPort/dstPort/tcpFlags and the L4 checksum field were read from a TCP/UDP header. */
  hasL4 = false;
  /** Absolute index of the L4 payload in `buf` (after TCP/UDP header, else after the IP header). */
  payloadOffset = 0;
  /** Captured payload bytes (≤ the payload's wire length). */
  payloadLength = 0;
  /** True when capture cut the packet short of its IP total length. */
  payloadTruncated = false;

  /** A new view over `buf` (allocates the view; use `reset` on the hot path). */
  static parse(buf: Buffer, offset = 0, length = buf.length - offset): Packet {
    return new Packet().reset(buf, offset, length);
  }

  get isTcp(): boolean {
    return this.hasL4 && this.protocol === IPPROTO_TCP;
  }

  get isUdp(): boolean {
    return this.hasL4 && this.protocol === IPPROTO_UDP;
  }

  /** Point this view at another packet. Never throws: bad bytes give a non-OK `cls`. */
  reset(buf: Buffer, offset = 0, length = buf.length - offset): this {
    // Clamp the window to the buffer so no read below can go out of range.
    if (!(offset >= 0)) offset = 0;
    if (offset > buf.length) offset = buf.length;
    if (!(length >= 0)) length = 0;
    if (length > buf.length - offset) length = buf.length - offset;
    offset |= 0;
    length |= 0;
    this.buf = buf;
    this.offset = offset;
    this.length = length;
    this.ihl = 0;
    this.tos = 0;
    this.totalLength = 0;
    this.ipId = 0;
    this.fragOffset = 0;
    this.moreFragments = false;
    this.ttl = 0;
    this.protocol = 0;
    this.srcIp = 0;
    this.dstIp = 0;
    this.l4Offset = offset;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
    this.hasL4 = false;
    this.payloadOffset = offset;
    this.payloadLength = 0;
    this.payloadTruncated = false;

    if (length === 0) return this.classify(PacketClass.TRUNCATED);
    const b0 = buf[offset]!;
    if (b0 >> 4 !== 4) return this.classify(PacketClass.NOT_IPV4);
    if (length < 20) return this.classify(PacketClass.TRUNCATED);
    const ihl = (b0 & 0x0f) << 2;
    this.ihl = ihl;
    this.tos = buf[offset + 1]!;
    const totalLength = (buf[offset + 2]! << 8) | buf[offset + 3]!;
    this.totalLength = totalLength;
    this.ipId = (buf[offset + 4]! << 8) | buf[offset + 5]!;
    const ff = (buf[offset + 6]! << 8) | buf[offset + 7]!;
    this.fragOffset = ff & 0x1fff;
    this.moreFragments = (ff & 0x2000) !== 0;
    this.ttl = buf[offset + 8]!;
    const protocol = buf[offset + 9]!;
    this.protocol = protocol;
    // `>>> 0` keeps the address unsigned (bit 31 set would otherwise go negative).
    this.srcIp = ((buf[offset + 12]! << 24) | (buf[offset + 13]! << 16) | (buf[offset + 14]! << 8) | buf[offset + 15]!) >>> 0;
    this.dstIp = ((buf[offset + 16]! << 24) | (buf[offset + 17]! << 16) | (buf[offset + 18]! << 8) | buf[offset + 19]!) >>> 0;
    if (ihl < 20 || totalLength < ihl) return this.classify(PacketClass.BAD_HEADER);
    if (length < ihl) return this.classify(PacketClass.TRUNCATED);

    const l4 = offset + ihl;
    // Bytes of this packet present in the buffer (link padding beyond totalLength is not ours).
    const end = offset + (length < totalLength ? length : totalLength);
    this.payloadTruncated = length < totalLength;
    this.l4Offset = l4;
    this.payloadOffset = l4;
    this.payloadLength = end - l4;

    if (this.fragOffset !== 0) return this.classify(PacketClass.FRAGMENT);
    const fragmented = this.moreFragments;
    let headerLen: number;
    if (protocol === IPPROTO_TCP) {
      if (totalLength - ihl < 20) return this.classify(fragmented ? PacketClass.FRAGMENT : PacketClass.BAD_HEADER);
      if (end - l4 < 20) return this.classify(fragmented ? PacketClass.FRAGMENT : PacketClass.TRUNCATED);
      headerLen = (buf[l4 + 12]! >> 4) << 2;
      if (headerLen < 20 || headerLen > totalLength - ihl) {
        return this.classify(fragmented ? PacketClass.FRAGMENT : PacketClass.BAD_HEADER);
      }
      if (end - l4 < headerLen) return this.classify(fragmented ? PacketClass.FRAGMENT : PacketClass.TRUNCATED);
      this.tcpFlags = buf[l4 + 13]!;
    } else if (protocol === IPPROTO_UDP) {
      if (totalLength - ihl < 8) return this.classify(fragmented ? PacketClass.FRAGMENT : PacketClass.BAD_HEADER);
      if (end - l4 < 8) return this.classify(fragmented ? PacketClass.FRAGMENT : PacketClass.TRUNCATED);
      headerLen = 8;
    } else {
      return this.classify(fragmented ? PacketClass.FRAGMENT : PacketClass.OTHER_PROTOCOL);
    }
    this.srcPort = (buf[l4]! << 8) | buf[l4 + 1]!;
    this.dstPort = (buf[l4 + 2]! << 8) | buf[l4 + 3]!;
    this.hasL4 = true;
    this.payloadOffset = l4 + headerLen;
    this.payloadLength = end - l4 - headerLen;
    return this.classify(fragmented ? PacketClass.FRAGMENT : PacketClass.OK);
  }

  private classify(cls: PacketClass): this {
    this.cls = cls;
    return this;
  }

  /** The captured L4 payload (a subarray of `buf`: shares its memory). */
  payload(): Buffer {
    return this.buf.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }

  /** True when the IPv4 header is complete, so address/TOS rewrites apply. */
  get rewritable(): boolean {
    return this.cls <= PacketClass.FRAGMENT;
  }

  /** Rewrite the source address. Returns false (and changes nothing) on a non-rewritable packet. */
  setSrcIp(ip: number): boolean {
    if (!this.rewritable) return false;
    this.rewriteAddress(this.offset + 12, this.srcIp, ip >>> 0);
    this.srcIp = ip >>> 0;
    return true;
  }

  setDstIp(ip: number): boolean {
    if (!this.rewritable) return false;
    this.rewriteAddress(this.offset + 16, this.dstIp, ip >>> 0);
    this.dstIp = ip >>> 0;
    return true;
  }

  /** Rewrite the source port. Returns false when no TCP/UDP header was captured. */
  setSrcPort(port: number): boolean {
    if (!this.hasL4) return false;
    port &= 0xffff;
    this.rewriteL4Word(this.l4Offset, port);
    this.srcPort = port;
    return true;
  }

  setDstPort(port: number): boolean {
    if (!this.hasL4) return false;
    port &= 0xffff;
    this.rewriteL4Word(this.l4Offset + 2, port);
    this.dstPort = port;
    return true;
  }

  /** Rewrite the TOS/DSCP byte (IP header checksum updated; not in the L4 pseudo-header). */
  setTos(tos: number): boolean {
    if (!this.rewritable) return false;
    tos &= 0xff;
    const o = this.offset;
    const buf = this.buf;
    const oldWord = (buf[o]! << 8) | buf[o + 1]!;
    const newWord = (buf[o]! << 8) | tos;
    buf[o + 1] = tos;
    this.patchIpChecksum(oldWord, newWord);
    this.tos = tos;
    return true;
  }

  /** Rewrite the TTL (IP header checksum updated). */
  setTtl(ttl: number): boolean {
    if (!this.rewritable) return false;
    ttl &= 0xff;
    const o = this.offset;
    const buf = this.buf;
    const oldWord = (buf[o + 8]! << 8) | buf[o + 9]!;
    buf[o + 8] = ttl;
    this.patchIpChecksum(oldWord, (ttl << 8) | buf[o + 9]!);
    this.ttl = ttl;
    return true;
  }

  private rewriteAddress(at: number, oldIp: number, newIp: number): void {
    const buf = this.buf;
    const oldHi = oldIp >>> 16;
    const oldLo = oldIp & 0xffff;
    const newHi = newIp >>> 16;
    const newLo = newIp & 0xffff;
    buf[at] = newHi >>> 8;
    buf[at + 1] = newHi & 0xff;
    buf[at + 2] = newLo >>> 8;
    buf[at + 3] = newLo & 0xff;
    this.patchIpChecksum(oldHi, newHi);
    this.patchIpChecksum(oldLo, newLo);
    // The addresses are in the TCP/UDP pseudo-header, so the L4 checksum changes too.
    if (this.hasL4) {
      this.patchL4Checksum(oldHi, newHi);
      this.patchL4Checksum(oldLo, newLo);
    }
  }

  private rewriteL4Word(at: number, word: number): void {
    const buf = this.buf;
    const oldWord = (buf[at]! << 8) | buf[at + 1]!;
    buf[at] = word >>> 8;
    buf[at + 1] = word & 0xff;
    this.patchL4Checksum(oldWord, word);
  }

  private patchIpChecksum(oldWord: number, newWord: number): void {
    const at = this.offset + 10;
    const buf = this.buf;
    const hc = (buf[at]! << 8) | buf[at + 1]!;
    const next = adjustChecksum(hc, oldWord, newWord);
    buf[at] = next >>> 8;
    buf[at + 1] = next & 0xff;
  }

  private patchL4Checksum(oldWord: number, newWord: number): void {
    const buf = this.buf;
    const isUdp = this.protocol === IPPROTO_UDP;
    const at = this.l4Offset + (isUdp ? 6 : 16);
    const hc = (buf[at]! << 8) | buf[at + 1]!;
    if (isUdp && hc === 0) return; // RFC 768: 0 means "no checksum"; keep it that way.
    let next = adjustChecksum(hc, oldWord, newWord);
    if (isUdp && next === 0) next = 0xffff; // a computed 0 is sent as all ones in UDP
    buf[at] = next >>> 8;
    buf[at + 1] = next & 0xff;
  }
}
