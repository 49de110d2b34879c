/**
 * EGRESS frame v1 (type 2, unit → gateway): processed packets, in the order they finished.
 *
 *  0  flowletId  u32  as received
 *  4  clock      u32  as received
 *  8  verdict    u8   0 forward, 1 drop (sdk Verdict)
 *  9  reason     u8   EgressReason (why the runtime, not the NF, decided; 0 for NF verdicts;
 *                     4–6 are the gateway's own refusals, sent only gateway → source)
 * 10  length     u16  packet bytes that follow (0 for a drop: dropped packets carry no bytes)
 * 12  packet     raw IPv4 bytes (rewritten by the NF) × length
 */
import { FrameType } from './constants';
import { RecordBatchCursor, RecordBatchWriter, validateRecords } from './record-batch';

export const EGRESS_RECORD_FIXED_BYTES = 12;

export const EgressReason = {
  NF: 0,
  /** not an IPv4 packet the SDK can parse (truncated, bad header). */
  MALFORMED_PACKET: 1,
  /** the NF handler threw; counted and dropped. */
  HANDLER_ERROR: 2,
  /** the flow's state could not be found at the previous unit after retries; processed as new. */
  STATE_LOST: 3,
  /** gateway refusal: the controller routed to a unit with no data-plane link (not sent). */
  NO_UNIT_LINK: 4,
  /** gateway refusal: the in-flight (pending) table was full (not sent). */
  PENDING_FULL: 5,
  /** gateway: the packet was in flight at a unit whose connection died or that was retired undrained. */
  UNIT_LOST: 6,
} as const;
export type EgressReason = (typeof EgressReason)[keyof typeof EgressReason];

/** Builds one EGRESS frame in a preallocated buffer (record-batch.ts); `finish()` returns a view. */
export class EgressBatchWriter extends RecordBatchWriter {
  constructor(capacityBytes: number) {
    super(capacityBytes, FrameType.EGRESS);
  }

  /** false when it does not fit: flush and retry. `pktLength` 0 carries no bytes. */
  add(flowletId: number, clock: number, verdict: number, reason: number, pkt: Buffer, pktOffset: number, pktLength: number): boolean {
    if (!this.fits(EGRESS_RECORD_FIXED_BYTES + pktLength)) return false;
    const b = this.buf;
    const p = this.pos;
    b.writeUInt32BE(flowletId >>> 0, p);
    b.writeUInt32BE(clock >>> 0, p + 4);
    b[p + 8] = verdict;
    b[p + 9] = reason;
    b.writeUInt16BE(pktLength, p + 10);
    if (pktLength > 0) pkt.copy(b, p + EGRESS_RECORD_FIXED_BYTES, pktOffset, pktOffset + pktLength);
    this.commit(p + EGRESS_RECORD_FIXED_BYTES + pktLength);
    return true;
  }
}

function egressRecordBytes(body: Buffer, p: number): number {
  return EGRESS_RECORD_FIXED_BYTES + body.readUInt16BE(p + 10);
}

/** Cursor over an EGRESS body. Call `validate` once, then `next()` until it returns false. */
export class EgressBatchReader extends RecordBatchCursor {
  flowletId = 0;
  clock = 0;
  verdict = 0;
  reason = 0;
  packetOffset = 0;
  packetLength = 0;

  static validate(body: Buffer, count: number): string | null {
    return validateRecords(body, count, EGRESS_RECORD_FIXED_BYTES, egressRecordBytes);
  }

  next(): boolean {
    if (this.left === 0) return false;
    const b = this.body;
    const p = this.pos;
    this.flowletId = b.readUInt32BE(p);
    this.clock = b.readUInt32BE(p + 4);
    this.verdict = b[p + 8]!;
    this.reason = b[p + 9]!;
    this.packetLength = b.readUInt16BE(p + 10);
    this.packetOffset = p + EGRESS_RECORD_FIXED_BYTES;
    this.pos = this.packetOffset + this.packetLength;
    this.left--;
    return true;
  }
}
