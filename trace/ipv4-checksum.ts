/**
 * IPv4 / TCP / UDP checksums for the trace tools (generator, composite remap). trace/ keeps its
 * own small copy so it does not depend on the SDK's Packet; the SDK has the hot-path version.
 */

/** Ones'-complement sum of buf[start, end) (16-bit big-endian words), added to `initial`, unfolded. */
export function sum16(buf: Buffer, start: number, end: number, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) s += buf[i]! << 8;
  return s;
}

export function fold16(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** Write the IPv4 header checksum of the header at `off`. */
export function fillIpv4HeaderChecksum(buf: Buffer, off: number): void {
  const ihl = (buf[off]! & 0x0f) * 4;
  buf.writeUInt16BE(0, off + 10);
  buf.writeUInt16BE(~fold16(sum16(buf, off, off + ihl)) & 0xffff, off + 10);
}

/** Write the TCP (proto 6) or UDP (17) checksum of a complete packet at `off` (pseudo-header included). */
export function fillL4Checksum(buf: Buffer, off: number): void {
  const ihl = (buf[off]! & 0x0f) * 4;
  const total = buf.readUInt16BE(off + 2);
  const proto = buf[off + 9]!;
  const l4 = off + ihl;
  const at = proto === 6 ? l4 + 16 : l4 + 6;
  buf.writeUInt16BE(0, at);
  const pseudo = sum16(buf, off + 12, off + 20) + proto + (total - ihl);
  let c = ~fold16(sum16(buf, l4, off + total, pseudo)) & 0xffff;
  if (proto === 17 && c === 0) c = 0xffff; // RFC 768: 0 means "no checksum"
  buf.writeUInt16BE(c, at);
}

/**
 * RFC 1624 incremental update: the checksum at `at` after a 16-bit word changed old → new.
 * HC' = ~(~HC + ~m + m').
 */
export function updateChecksum16(buf: Buffer, at: number, oldWord: number, newWord: number): void {
  const hc = buf.readUInt16BE(at);
  const s = (~hc & 0xffff) + (~oldWord & 0xffff) + newWord;
  buf.writeUInt16BE(~fold16(s) & 0xffff, at);
}
