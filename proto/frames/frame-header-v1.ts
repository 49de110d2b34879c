/**
 * Frame header v1 (8 bytes) — precedes every frame after the handshake.
 *
 *  0  type    u8   FrameType (1 PACKETS, 2 EGRESS, 3 CREDIT, 4 PEERS, 5 STATS_REQUEST, 6 STATS,
 *                       7 EGRESS_V2, 8 NAMES, 9 LOG, 10 UNIT_GONE, 11 LOGGER, 12 RESTORE)
 *  1  flags   u8   reserved, 0 (receivers ignore unknown bits)
 *  2  count   u16  number of records in the body
 *  4  length  u32  body bytes that follow this header
 */
import { FRAME_HEADER_BYTES } from './constants';

export function writeFrameHeader(buf: Buffer, off: number, type: number, flags: number, count: number, length: number): void {
  buf[off] = type;
  buf[off + 1] = flags;
  buf.writeUInt16BE(count, off + 2);
  buf.writeUInt32BE(length, off + 4);
}

/** A decoded header; `read` fills it in place (one per parser, reused). */
export class FrameHeader {
  type = 0;
  flags = 0;
  count = 0;
  length = 0;
  read(buf: Buffer, off: number): this {
    this.type = buf[off]!;
    this.flags = buf[off + 1]!;
    this.count = buf.readUInt16BE(off + 2);
    this.length = buf.readUInt32BE(off + 4);
    return this;
  }
}

export { FRAME_HEADER_BYTES };
