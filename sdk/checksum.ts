/**
 * Internet checksums computed from scratch (RFC 1071), for tests and tools that check what the
 * incremental updates in `Packet` produced. Not for the per-packet hot path.
 *
 * What can be checked (see `checkChecksums`):
 * - the IPv4 header checksum: always, when the header was captured;
 * - the TCP/UDP checksum: only when every byte it covers was captured. It covers the pseudo-header
 *   and the whole segment, so when capture cut the payload (snaplen, traces with stripped
 *   payloads) it is 'unverifiable' from this packet alone. `verifyRewriteChecksums(before, after)`
 *   then checks a rewrite honestly: the bytes that were not captured are the same in both, so the
 *   rewrite kept the checksum valid iff the sums over what *was* captured (with the pseudo-header
 *   and the checksum field) agree in ones'-complement arithmetic.
 */
import { foldSum, onesComplementSum } from './ones-complement';
import { IPPROTO_TCP, IPPROTO_UDP, Packet, PacketClass } from './packet';

export { foldSum, ipv4HeaderChecksum, onesComplementSum } from './ones-complement';

/** Sum of the TCP/UDP pseudo-header: addresses, protocol and the L4 length on the wire. */
function pseudoHeaderSum(p: Packet): number {
  return (p.srcIp >>> 16) + (p.srcIp & 0xffff) + (p.dstIp >>> 16) + (p.dstIp & 0xffff) + p.protocol + (p.totalLength - p.ihl);
}

function l4ChecksumAt(p: Packet): number {
  return p.l4Offset + (p.protocol === IPPROTO_UDP ? 6 : 16);
}

/**
 * The TCP/UDP checksum of a fully captured segment, computed from scratch with the checksum field
 * as zero (UDP: a computed 0 is returned as 0xffff). NaN when the segment is not fully captured.
 */
export function l4Checksum(p: Packet): number {
  if (!p.hasL4 || p.payloadTruncated || p.fragOffset !== 0 || p.moreFragments) return NaN;
  const at = l4ChecksumAt(p);
  const stored = (p.buf[at]! << 8) | p.buf[at + 1]!;
  const end = p.offset + p.totalLength;
  const c = ~foldSum(onesComplementSum(p.buf, p.l4Offset, end, pseudoHeaderSum(p)) - stored) & 0xffff;
  return p.protocol === IPPROTO_UDP && c === 0 ? 0xffff : c;
}

/**
 * TCP/UDP checksum status:
 * - 'valid' / 'invalid': computed from scratch over the pseudo-header and the whole segment;
 * - 'absent': UDP checksum field 0 ("not computed", RFC 768) — nothing to check;
 * - 'unverifiable': capture cut the segment, or this is the first fragment of a fragmented datagram
 *   (its checksum covers bytes in later fragments);
 * - 'not_applicable': not TCP/UDP, a non-first fragment, or no complete IPv4/L4 header.
 */
export type L4ChecksumStatus = 'valid' | 'invalid' | 'absent' | 'unverifiable' | 'not_applicable';

export interface ChecksumReport {
  /** IPv4 header checksum correct (false when the header is not complete). */
  ip: boolean;
  l4: L4ChecksumStatus;
}

function sumIsZero(folded: number): boolean {
  return folded === 0xffff || folded === 0; // ones'-complement +0 / -0
}

export function checkChecksums(p: Packet): ChecksumReport {
  const ipOk = p.cls <= PacketClass.FRAGMENT && sumIsZero(foldSum(onesComplementSum(p.buf, p.offset, p.offset + p.ihl)));
  return { ip: ipOk, l4: l4Status(p) };
}

function l4Status(p: Packet): L4ChecksumStatus {
  if (!p.hasL4 || p.fragOffset !== 0 || (p.protocol !== IPPROTO_TCP && p.protocol !== IPPROTO_UDP)) return 'not_applicable';
  const at = l4ChecksumAt(p);
  const stored = (p.buf[at]! << 8) | p.buf[at + 1]!;
  if (p.protocol === IPPROTO_UDP && stored === 0) return 'absent';
  if (p.payloadTruncated || p.moreFragments) return 'unverifiable';
  const total = onesComplementSum(p.buf, p.l4Offset, p.offset + p.totalLength, pseudoHeaderSum(p));
  return sumIsZero(foldSum(total)) ? 'valid' : 'invalid';
}

/**
 * True when every checksum that can be checked from this packet alone is correct and nothing that
 * should be checked was unverifiable: IPv4 header valid and L4 'valid', 'absent' or 'not_applicable'.
 * A capture-truncated TCP/UDP packet gives false; use `verifyRewriteChecksums` for those.
 */
export function verifyChecksums(p: Packet): boolean {
  const r = checkChecksums(p);
  return r.ip && (r.l4 === 'valid' || r.l4 === 'absent' || r.l4 === 'not_applicable');
}

/**
 * Sum over the captured L4 bytes (checksum field included) and the pseudo-header, folded.
 * For a fully captured valid segment this is ones'-complement zero.
 */
export function capturedL4Residual(p: Packet): number {
  const end = p.offset + Math.min(p.length, p.totalLength);
  return foldSum(onesComplementSum(p.buf, p.l4Offset, end, pseudoHeaderSum(p)));
}

/**
 * Checks a rewrite of `before` into `after` (two views over separate copies of the same packet):
 * the IPv4 header checksum of `after` from scratch, and the L4 checksum either from scratch (when
 * fully captured) or, when capture cut the segment, by residual equality: the uncaptured bytes are
 * identical, so `after` is valid exactly when `before` was. A UDP checksum of 0 must stay 0.
 */
export function verifyRewriteChecksums(before: Packet, after: Packet): boolean {
  const r = checkChecksums(after);
  if (!r.ip) return false;
  if (r.l4 === 'valid' || r.l4 === 'not_applicable') return true;
  if (r.l4 === 'invalid') return false;
  const bStatus = l4Status(before);
  if (r.l4 === 'absent' || bStatus === 'absent') return r.l4 === bStatus;
  // 'unverifiable': compare the residuals over the same captured window.
  if (
    before.protocol !== after.protocol ||
    before.totalLength !== after.totalLength ||
    before.l4Offset - before.offset !== after.l4Offset - after.offset ||
    before.length !== after.length
  ) {
    return false;
  }
  const a = capturedL4Residual(before);
  const b = capturedL4Residual(after);
  return a === b || (sumIsZero(a) && sumIsZero(b));
}
