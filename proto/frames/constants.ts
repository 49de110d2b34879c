/**
 * Data-plane constants shared by every frame file (spec: proto/data-plane.md).
 * All multi-byte integers are big-endian (network order); f64 is IEEE 754 big-endian.
 */

/** 'SNFD' — first four bytes of a handshake and of its reply. */
export const DATA_PLANE_MAGIC = 0x534e4644;
export const DATA_PLANE_VERSION = 1;

/** Handshake `flags` bits (unknown bits are ignored by the acceptor). */
export const HandshakeFlag = {
  /** A replay source that reads SOURCE_EGRESS (type 14); without it the gateway answers with EGRESS v1. */
  WIDE_EGRESS: 1,
  /**
   * Gateway → compute unit: the handshake's `unitId` is the id the gateway assigns to the unit (a
   * Deployment's pods start without one, `SNF_UNIT_ID=gateway`). A unit with a fixed id answers
   * WRONG_UNIT_ID when it differs; a unit that predates the flag ignores it and answers with its
   * own id, which the gateway checks against the one it assigned.
   */
  ASSIGN_UNIT_ID: 2,
} as const;

/** Who opens the connection (handshake `role`). */
export const Role = { GATEWAY: 1, UNIT: 2, LOGGER: 3 } as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Frame `type` byte. */
export const FrameType = {
  /** gateway → unit: a batch of packets with their flowlet metadata. */
  PACKETS: 1,
  /** unit → gateway: processed packets with verdicts, same ids. */
  EGRESS: 2,
  /** unit → gateway: drained counts for the load meter. */
  CREDIT: 3,
  /** gateway → unit: where each peer unit's StatePeer gRPC server listens. */
  PEERS: 4,
  /** gateway → unit: send your counters (answered with STATS). */
  STATS_REQUEST: 5,
  /** unit → gateway: the unit's counters (proto/frames/stats-v1.ts). */
  STATS: 6,
  /** unit → gateway: EGRESS with the NF's drop-reason id and alerts (egress-batch-v2.ts). */
  EGRESS_V2: 7,
  /** unit → gateway: the text of drop-reason ids and alert sids (names-v1.ts). */
  NAMES: 8,
  /** unit → its output logger: state records, then the frames to release (log-frame-v1.ts). */
  LOG: 9,
  /** logger → gateway: the unit's link to its logger closed; everything released came before (count 0). */
  UNIT_GONE: 10,
  /** gateway → unit: your output logger moved (a replacement); one PEERS-layout record (peers-v1.ts). */
  LOGGER: 11,
  /** logger → its unit, right after the handshake: the mirror as log records v1; a RESTORE with count 0 ends it. */
  RESTORE: 12,
  /** unit → gateway, only with SNF_TIMING=1: per-packet unit-side times, before its EGRESS (timing-v1.ts). */
  TIMING: 13,
  /** gateway → a replay source: finished packets with their residence as u64 ns (source-egress-v2.ts). */
  SOURCE_EGRESS: 14,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const FRAME_HEADER_BYTES = 8;
/** Default cap on a frame body; a larger `length` is a protocol error (connection closed). */
export const DEFAULT_MAX_FRAME_BODY = 1 << 20;
/** A packet is carried whole; IPv4 total length fits u16. */
export const MAX_PACKET_BYTES = 0xffff;
export const MAX_TARGETS = 255;
/** prevUnit value meaning "no previous flowlet" (first flowlet of the flow). */
export const NO_UNIT = -1;
/** unitId a gateway puts in its handshake when it assigns none. */
export const GATEWAY_UNIT_ID = 0xffff;
export const MAX_TOKEN_BYTES = 1024;
