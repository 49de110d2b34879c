/**
 * How a buffer classified when parsed as IPv4. Numbers (ordered: the first three are parsed IPv4
 * headers that rewrites may touch), so the hot path compares ints.
 */
export const PacketClass = {
  /** IPv4 TCP or UDP, not fragmented, with the whole L4 header captured (payload may be cut). */
  OK: 0,
  /** A valid IPv4 header carrying neither TCP nor UDP (ICMP, GRE, …): ports are 0. */
  OTHER_PROTOCOL: 1,
  /** A fragment: non-first (ports 0) or a first fragment with MF set (ports when captured). */
  FRAGMENT: 2,
  /** The version nibble is not 4. */
  NOT_IPV4: 3,
  /** Empty, or capture ends inside the IPv4 header or the TCP/UDP header. */
  TRUNCATED: 4,
  /** Header fields contradict each other (IHL < 5, total length < header, TCP data offset < 5 …). */
  BAD_HEADER: 5,
} as const;
export type PacketClass = (typeof PacketClass)[keyof typeof PacketClass];

/** Stable snake_case reason per class, used as the drop-reason counter label. */
export const PACKET_CLASS_REASON: readonly string[] = Object.freeze([
  'ok',
  'other_protocol',
  'fragment',
  'not_ipv4',
  'truncated',
  'bad_header',
]);
