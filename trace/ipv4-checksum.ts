/**
 * Filling IPv4 / TCP / UDP checksums for the trace tools (generator, heavy-tail, composite remap),
 * on raw bytes: the arithmetic is the SDK's (sdk/ones-complement.ts), no `Packet` needed.
 */
import { adjustChecksum, foldSum, ipv4HeaderChecksum, onesComplementSum } from '../sdk/ones-complement';

/** Write the IPv4 header checksum of the header at `off`. */
export function fillIpv4HeaderChecksum(buf: Buffer, off: number): void {
  buf.writeUInt16BE(ipv4HeaderChecksum(buf, off, (buf[off]! & 0x0f) * 4), off + 10);
}

/** Write the TCP (proto 6) or UDP (17) checksum of a complete packet at `off` (pseudo-header included). */
export function fillL4Checksum(buf: Buffer, off: number): void {
  const ihl = (buf[off]! & 0x0f) * 4;
  const total = buf.readUInt16BE(off + 2);
  const proto = buf[off + 9]!;
  const l4 = off + ihl;
  const at = proto === 6 ? l4 + 16 : l4 + 6;
  buf.writeUInt16BE(0, at);
  const pseudo = onesComplementSum(buf, off + 12, off + 20) + proto + (total - ihl);
  let c = ~foldSum(onesComplementSum(buf, l4, off + total, pseudo)) & 0xffff;
  if (proto === 17 && c === 0) c = 0xffff; // RFC 768: 0 means "no checksum"
  buf.writeUInt16BE(c, at);
}

/** RFC 1624 incremental update of the checksum at `at` after a 16-bit word changed old → new. */
export function updateChecksum16(buf: Buffer, at: number, oldWord: number, newWord: number): void {
  buf.writeUInt16BE(adjustChecksum(buf.readUInt16BE(at), oldWord, newWord), at);
}
