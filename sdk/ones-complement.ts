/**
 * Internet checksum arithmetic on raw bytes (RFC 1071 sums, RFC 1624 incremental updates): no
 * `Packet`, so byte-level tools (trace/) share it with the SDK. `checksum.ts` builds the
 * packet-level checks on it; `Packet`'s rewrites use `adjustChecksum`.
 */

/** Ones'-complement sum of 16-bit big-endian words of buf[start, end), plus `initial`; unfolded. */
export function onesComplementSum(buf: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) s += buf[i]! << 8; // an odd last byte is padded with a zero byte
  return s;
}

/** Fold carries into 16 bits. */
export function foldSum(s: number): number {
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

/** The value the IPv4 header checksum field should hold (computed with that field as zero). */
export function ipv4HeaderChecksum(buf: Uint8Array, off: number, ihl: number): number {
  const stored = (buf[off + 10]! << 8) | buf[off + 11]!;
  return ~foldSum(onesComplementSum(buf, off, off + ihl) - stored) & 0xffff;
}

/**
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word changing from m to m'.
 * Plain integer arithmetic stays exact here (sums < 2^18), then folds the carries back in.
 */
export function adjustChecksum(hc: number, oldWord: number, newWord: number): number {
  let s = (~hc & 0xffff) + (~oldWord & 0xffff) + newWord;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}
