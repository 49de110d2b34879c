/**
 * EGRESS frame v1 (type 2, unit → gateway): processed packets, in the order they finished.
 *
 *  0  flowletId  u32  as received
 *  4  clock      u32  as received
 *  8  verdict    u8   0 forward, 1 drop (sdk Verdict)
 *  9  reason     u8   EgressReason (why the runtime, not the NF, decided; 0 for NF verdicts)
 * 10  length     u16  packet bytes that follow (0 for a drop: dropped packets carry no bytes)
 * 12  packet     raw IPv4 bytes (rewritten by the NF) × length
 */
import { FRAME_HEADER_BYTES, FrameType } from './constants';
import { writeFrameHeader } from './frame-header-v1';

export const EGRESS_RECORD_FIXED_BYTES = 12;

export const EgressReason = {
  NF: 0,
  /** not an IPv4 packet the SDK can parse (truncated, bad header). */
  MALFORMED_PACKET: 1,
  /** the NF handler threw; counted and dropped. */
  HANDLER_ERROR: 2,
  /** the flow's state could not be found at the previous unit after retries; processed as new. */
  STATE_LOST: 3,
} as const;
export type EgressReason = (typeof EgressReason)[keyof typeof EgressReason];

export class EgressBatchWriter {
  readonly buf: Buffer;
  private pos = FRAME_HEADER_BYTES;
  count = 0;

  constructor(capacityBytes: number) {
    this.buf = Buffer.allocUnsafe(capacityBytes);
  }

  reset(): void {
    this.pos = FRAME_HEADER_BYTES;
    this.count = 0;
  }

  /** false when it does not fit: flush and retry. `pktLength` 0 carries no bytes. */
  add(flowletId: number, clock: number, verdict: number, reason: number, pkt: Buffer, pktOffset: number, pktLength: number): boolean {
    if (this.pos + EGRESS_RECORD_FIXED_BYTES + pktLength > this.buf.length || this.count === 0xffff) return false;
    const b = this.buf;
    const p = this.pos;
    b.writeUInt32BE(flowletId >>> 0, p);
    b.writeUInt32BE(clock >>> 0, p + 4);
    b[p + 8] = verdict;
    b[p + 9] = reason;
    b.writeUInt16BE(pktLength, p + 10);
    if (pktLength > 0) pkt.copy(b, p + EGRESS_RECORD_FIXED_BYTES, pktOffset, pktOffset + pktLength);
    this.pos = p + EGRESS_RECORD_FIXED_BYTES + pktLength;
    this.count++;
    return true;
  }

  finish(): Buffer {
    writeFrameHeader(this.buf, 0, FrameType.EGRESS, 0, this.count, this.pos - FRAME_HEADER_BYTES);
    return this.buf.subarray(0, this.pos);
  }
}

export class EgressBatchReader {
  body: Buffer = Buffer.alloc(0);
  private pos = 0;
  private left = 0;
  flowletId = 0;
  clock = 0;
  verdict = 0;
  reason = 0;
  packetOffset = 0;
  packetLength = 0;

  static validate(body: Buffer, count: number): string | null {
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + EGRESS_RECORD_FIXED_BYTES > body.length) return `record ${i} header overruns the frame`;
      p += EGRESS_RECORD_FIXED_BYTES + body.readUInt16BE(p + 10);
      if (p > body.length) return `record ${i} overruns the frame`;
    }
    if (p !== body.length) return `${body.length - p} trailing bytes after ${count} records`;
    return null;
  }

  reset(body: Buffer, count: number): this {
    this.body = body;
    this.pos = 0;
    this.left = count;
    return this;
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
