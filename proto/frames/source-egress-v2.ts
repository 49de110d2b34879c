/**
 * SOURCE_EGRESS frame (type 14, gateway → a replay source): the replay stream's egress, version 2.
 * Version 1 is the EGRESS layout (type 2, egress-batch-v1.ts) with `flowletId` = the source's
 * sequence number and `clock` = gateway residence in ns as a u32, which saturates at 2^32 − 1 ns
 * (4.29 s): a slow mode's latency read as 4,294,967 µs. v2 carries residence as a u64.
 * A gateway sends v2 only to a source whose handshake sets `HandshakeFlag.WIDE_EGRESS`; to any
 * other it still sends v1, so old replayers keep working (and never see a type they reject).
 *
 *  0  seq          u32  the source's sequence number (PACKETS record `flowletId`)
 *  4  residenceHi  u32  gateway residence in ns (ingress → egress), high 32 bits of a u64
 *  8  residenceLo  u32  … low 32 bits (readers take values up to 2^53 exactly)
 * 12  verdict      u8   0 forward, 1 drop
 * 13  reason       u8   EgressReason (egress-batch-v1.ts)
 * 14  length       u16  packet bytes that follow (0 for a drop)
 * 16  packet       raw IPv4 bytes × length
 */
import { FrameType } from './constants';
import { RecordBatchCursor, RecordBatchWriter, validateRecords } from './record-batch';

export const SOURCE_EGRESS_FIXED_BYTES = 16;
const TWO_32 = 0x1_0000_0000;

/** Builds one SOURCE_EGRESS frame in a preallocated buffer; `finish()` returns a view. */
export class SourceEgressWriter extends RecordBatchWriter {
  constructor(capacityBytes: number) {
    super(capacityBytes, FrameType.SOURCE_EGRESS);
  }

  /** false when it does not fit: flush and retry. `residenceNs` is clamped to [0, 2^53). */
  add(seq: number, residenceNs: number, verdict: number, reason: number, pkt: Buffer, pktOffset: number, pktLength: number): boolean {
    if (!this.fits(SOURCE_EGRESS_FIXED_BYTES + pktLength)) return false;
    const r = residenceNs > 0 ? Math.min(Math.round(residenceNs), Number.MAX_SAFE_INTEGER) : 0;
    const b = this.buf;
    const p = this.pos;
    b.writeUInt32BE(seq >>> 0, p);
    b.writeUInt32BE(Math.floor(r / TWO_32), p + 4);
    b.writeUInt32BE(r % TWO_32, p + 8);
    b[p + 12] = verdict;
    b[p + 13] = reason;
    b.writeUInt16BE(pktLength, p + 14);
    if (pktLength > 0) pkt.copy(b, p + SOURCE_EGRESS_FIXED_BYTES, pktOffset, pktOffset + pktLength);
    this.commit(p + SOURCE_EGRESS_FIXED_BYTES + pktLength);
    return true;
  }
}

function recordBytes(body: Buffer, p: number): number {
  return SOURCE_EGRESS_FIXED_BYTES + body.readUInt16BE(p + 14);
}

/** Cursor over a SOURCE_EGRESS body. Call `validate` once, then `next()` until it returns false. */
export class SourceEgressReader extends RecordBatchCursor {
  seq = 0;
  residenceNs = 0;
  verdict = 0;
  reason = 0;
  packetOffset = 0;
  packetLength = 0;

  static validate(body: Buffer, count: number): string | null {
    return validateRecords(body, count, SOURCE_EGRESS_FIXED_BYTES, recordBytes);
  }

  next(): boolean {
    if (this.left === 0) return false;
    const b = this.body;
    const p = this.pos;
    this.seq = b.readUInt32BE(p);
    this.residenceNs = b.readUInt32BE(p + 4) * TWO_32 + b.readUInt32BE(p + 8);
    this.verdict = b[p + 12]!;
    this.reason = b[p + 13]!;
    this.packetLength = b.readUInt16BE(p + 14);
    this.packetOffset = p + SOURCE_EGRESS_FIXED_BYTES;
    this.pos = this.packetOffset + this.packetLength;
    this.left--;
    return true;
  }
}
