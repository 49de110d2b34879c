/**
 * Handshake v1 — the first bytes the connecting side sends (then waits for the reply).
 *
 *  0  magic        u32  0x534E4644 'SNFD'
 *  4  version      u16  1
 *  6  role         u8   1 gateway, 2 unit, 3 logger
 *  7  flags        u8   HandshakeFlag bits (WIDE_EGRESS = 1: a replay source reading SOURCE_EGRESS;
 *                       ASSIGN_UNIT_ID = 2: a gateway assigning the acceptor its unit id);
 *                       0 otherwise; an acceptor ignores bits it does not know
 *  8  unitId       u16  sender's unit id (0xFFFF for a gateway), or with ASSIGN_UNIT_ID the
 *                       id assigned to the acceptor (1–32767)
 * 10  tokenLength  u16  bytes of token (≤ 1024)
 * 12  token        UTF-8 cluster token
 *
 * Reply v1 (16 bytes, acceptor → connector):
 *
 *  0  magic        u32  0x534E4644
 *  4  version      u16  1
 *  6  status       u8   HandshakeStatus
 *  7  reserved     u8   0
 *  8  unitId       u16  acceptor's unit id (with ASSIGN_UNIT_ID and status OK: the id it runs as)
 * 10  reserved     u16  0
 * 12  maxFrameBody u32  largest frame body the acceptor takes
 *
 * On any status other than OK the acceptor closes the connection after the reply.
 */
import { DATA_PLANE_MAGIC, DATA_PLANE_VERSION, MAX_TOKEN_BYTES } from './constants';

export const HANDSHAKE_FIXED_BYTES = 12;
export const HANDSHAKE_REPLY_BYTES = 16;

/**
 * WRONG_UNIT_ID: the gateway assigned an id the unit cannot take (it has another, or the id is
 * outside 1..maxUnits). NO_UNIT_ID: the unit waits for an id and the handshake assigned none.
 */
export const HandshakeStatus = { OK: 0, BAD_MAGIC: 1, BAD_VERSION: 2, UNAUTHENTICATED: 3, BAD_LENGTH: 4, WRONG_UNIT_ID: 5, NO_UNIT_ID: 6 } as const;
export type HandshakeStatus = (typeof HandshakeStatus)[keyof typeof HandshakeStatus];

export interface Handshake {
  version: number;
  role: number;
  /** HandshakeFlag bits. */
  flags: number;
  unitId: number;
  token: string;
}

export function encodeHandshake(h: { role: number; unitId: number; token: string; version?: number; flags?: number }): Buffer {
  const token = Buffer.from(h.token, 'utf8');
  const buf = Buffer.alloc(HANDSHAKE_FIXED_BYTES + token.length);
  buf.writeUInt32BE(DATA_PLANE_MAGIC, 0);
  buf.writeUInt16BE(h.version ?? DATA_PLANE_VERSION, 4);
  buf[6] = h.role;
  buf[7] = h.flags ?? 0;
  buf.writeUInt16BE(h.unitId, 8);
  buf.writeUInt16BE(token.length, 10);
  token.copy(buf, HANDSHAKE_FIXED_BYTES);
  return buf;
}

export type HandshakeResult =
  | { kind: 'need-more' }
  | { kind: 'bad'; status: HandshakeStatus; reason: string }
  | { kind: 'ok'; handshake: Handshake; bytes: number };

/** Decode a handshake from the start of `buf` (which may hold fewer bytes than needed). */
export function decodeHandshake(buf: Buffer): HandshakeResult {
  // Check magic as soon as 4 bytes are in, so a stray client is refused without waiting.
  if (buf.length >= 4 && buf.readUInt32BE(0) !== DATA_PLANE_MAGIC) {
    return { kind: 'bad', status: HandshakeStatus.BAD_MAGIC, reason: 'bad magic' };
  }
  if (buf.length < HANDSHAKE_FIXED_BYTES) return { kind: 'need-more' };
  const version = buf.readUInt16BE(4);
  if (version !== DATA_PLANE_VERSION) {
    return { kind: 'bad', status: HandshakeStatus.BAD_VERSION, reason: `unsupported version ${version}` };
  }
  const tokenLength = buf.readUInt16BE(10);
  if (tokenLength > MAX_TOKEN_BYTES) {
    return { kind: 'bad', status: HandshakeStatus.BAD_LENGTH, reason: `token length ${tokenLength} > ${MAX_TOKEN_BYTES}` };
  }
  const total = HANDSHAKE_FIXED_BYTES + tokenLength;
  if (buf.length < total) return { kind: 'need-more' };
  return {
    kind: 'ok',
    bytes: total,
    handshake: {
      version,
      role: buf[6]!,
      flags: buf[7]!,
      unitId: buf.readUInt16BE(8),
      token: buf.toString('utf8', HANDSHAKE_FIXED_BYTES, total),
    },
  };
}

export interface HandshakeReply {
  status: number;
  unitId: number;
  maxFrameBody: number;
}

export function encodeHandshakeReply(r: HandshakeReply): Buffer {
  const buf = Buffer.alloc(HANDSHAKE_REPLY_BYTES);
  buf.writeUInt32BE(DATA_PLANE_MAGIC, 0);
  buf.writeUInt16BE(DATA_PLANE_VERSION, 4);
  buf[6] = r.status;
  buf.writeUInt16BE(r.unitId, 8);
  buf.writeUInt32BE(r.maxFrameBody, 12);
  return buf;
}

/** null until 16 bytes are available; throws nothing — a bad magic reads as status BAD_MAGIC. */
export function decodeHandshakeReply(buf: Buffer): HandshakeReply | null {
  if (buf.length < HANDSHAKE_REPLY_BYTES) return null;
  if (buf.readUInt32BE(0) !== DATA_PLANE_MAGIC) return { status: HandshakeStatus.BAD_MAGIC, unitId: 0, maxFrameBody: 0 };
  return { status: buf[6]!, unitId: buf.readUInt16BE(8), maxFrameBody: buf.readUInt32BE(12) };
}
