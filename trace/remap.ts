/**
 * Move an IPv4 packet's addresses into another /16, keeping the low 16 host bits, and keep the
 * IPv4 header and TCP/UDP checksums as valid as they were (RFC 1624 incremental update: only
 * the high 16-bit word of each address changes, and TCP/UDP cover it through the pseudo-header).
 */
import { updateChecksum16 } from './ipv4-checksum';

const PROTO_TCP = 6;
const PROTO_UDP = 17;

/**
 * Rewrite src and dst of the IPv4 packet at buf[off, off + capLen) to `prefixHigh`.x.y, where
 * prefixHigh is the new high 16 bits (e.g. 0x0a05 for 10.5.0.0/16). Fields beyond the captured
 * bytes are left alone. Returns false when the header is not all there (nothing changed).
 */
export function remapIpv4To16(buf: Buffer, off: number, capLen: number, prefixHigh: number): boolean {
  if (capLen < 20) return false;
  const ihl = (buf[off]! & 0x0f) * 4;
  if (ihl < 20 || capLen < ihl) return false;
  const oldSrcHi = buf.readUInt16BE(off + 12);
  const oldDstHi = buf.readUInt16BE(off + 16);
  buf.writeUInt16BE(prefixHigh, off + 12);
  buf.writeUInt16BE(prefixHigh, off + 16);
  updateChecksum16(buf, off + 10, oldSrcHi, prefixHigh);
  updateChecksum16(buf, off + 10, oldDstHi, prefixHigh);

  const fragOffset = buf.readUInt16BE(off + 6) & 0x1fff;
  if (fragOffset !== 0) return true; // no L4 header in a non-first fragment
  const proto = buf[off + 9];
  const l4 = off + ihl;
  let at = -1;
  if (proto === PROTO_TCP) at = l4 + 16;
  else if (proto === PROTO_UDP) at = l4 + 6;
  if (at < 0 || at + 2 > off + capLen) return true;
  if (proto === PROTO_UDP && buf.readUInt16BE(at) === 0) return true; // "no checksum" stays 0
  updateChecksum16(buf, at, oldSrcHi, prefixHigh);
  updateChecksum16(buf, at, oldDstHi, prefixHigh);
  if (proto === PROTO_UDP && buf.readUInt16BE(at) === 0) buf.writeUInt16BE(0xffff, at);
  return true;
}
