/**
 * EGRESS frame v2 (type 7, unit → gateway): processed packets in the order they finished, with
 * what the NF said about each: its drop-reason id and the alerts the packet raised. Replaces v1
 * (type 2, still accepted by the gateway) from units that speak it.
 *
 *  0  flowletId   u32  as received
 *  4  clock       u32  as received
 *  8  verdict     u8   0 forward, 1 drop (sdk Verdict)
 *  9  reason      u8   EgressReason: why the runtime decided (0 NF: the NF's own verdict)
 * 10  length      u16  packet bytes at the end of the record (0 for a drop)
 * 12  dropId      u16  the unit's interned drop-reason id (0 = none); its text arrives in a NAMES
 *                      frame (names-v1.ts) before the first record that uses it
 * 14  alertCount  u16  alerts raised by this packet (n)
 * 16  (n > 0 only) the packet's 5-tuple as it reached the NF, 16 bytes:
 *        +0 proto u8 · +1 reserved u8 (0) · +2 srcPort u16 · +4 dstPort u16 · +6 reserved u16 (0)
 *        +8 srcIp u32 · +12 dstIp u32
 *     then sid u32 × n (in the order the NF raised them)
 *  …  packet     raw IPv4 bytes (rewritten by the NF) × length
 *
 * Record size: 16 + (n > 0 ? 16 + 4n : 0) + length.
 */
import { FrameType } from './constants';
import { RecordBatchCursor, RecordBatchWriter, validateRecords } from './record-batch';

export const EGRESS_V2_FIXED_BYTES = 16;
export const EGRESS_V2_TUPLE_BYTES = 16;

/** The fields of a flow 5-tuple (structurally an sdk FlowKey; proto imports nothing of SNF). */
export interface EgressTuple {
  proto: number;
  srcIp: number;
  srcPort: number;
  dstIp: number;
  dstPort: number;
}

function recordBytes(body: Buffer, p: number): number {
  const n = body.readUInt16BE(p + 14);
  return EGRESS_V2_FIXED_BYTES + (n > 0 ? EGRESS_V2_TUPLE_BYTES + 4 * n : 0) + body.readUInt16BE(p + 10);
}

/** Builds one EGRESS v2 frame in a preallocated buffer; `finish()` returns a view. */
export class EgressBatchV2Writer extends RecordBatchWriter {
  constructor(capacityBytes: number) {
    super(capacityBytes, FrameType.EGRESS_V2);
  }

  /**
   * false when it does not fit: flush and retry. `pktLength` 0 carries no bytes; `tuple` is read
   * only when `alertCount` > 0.
   */
  add(
    flowletId: number, clock: number, verdict: number, reason: number, pkt: Buffer, pktOffset: number, pktLength: number,
    dropId: number, sids: Uint32Array, alertCount: number, tuple: EgressTuple | null,
  ): boolean {
    const n = tuple === null ? 0 : alertCount;
    const extra = n > 0 ? EGRESS_V2_TUPLE_BYTES + 4 * n : 0;
    if (!this.fits(EGRESS_V2_FIXED_BYTES + extra + pktLength)) return false;
    const b = this.buf;
    let p = this.pos;
    b.writeUInt32BE(flowletId >>> 0, p);
    b.writeUInt32BE(clock >>> 0, p + 4);
    b[p + 8] = verdict;
    b[p + 9] = reason;
    b.writeUInt16BE(pktLength, p + 10);
    b.writeUInt16BE(dropId, p + 12);
    b.writeUInt16BE(n, p + 14);
    p += EGRESS_V2_FIXED_BYTES;
    if (n > 0) {
      const t = tuple!;
      b[p] = t.proto;
      b[p + 1] = 0;
      b.writeUInt16BE(t.srcPort, p + 2);
      b.writeUInt16BE(t.dstPort, p + 4);
      b.writeUInt16BE(0, p + 6);
      b.writeUInt32BE(t.srcIp >>> 0, p + 8);
      b.writeUInt32BE(t.dstIp >>> 0, p + 12);
      p += EGRESS_V2_TUPLE_BYTES;
      for (let i = 0; i < n; i++, p += 4) b.writeUInt32BE(sids[i]!, p);
    }
    if (pktLength > 0) pkt.copy(b, p, pktOffset, pktOffset + pktLength);
    this.commit(p + pktLength);
    return true;
  }
}

/** Cursor over an EGRESS v2 body. Call `validate` once, then `next()` until it returns false. */
export class EgressBatchV2Reader extends RecordBatchCursor {
  flowletId = 0;
  clock = 0;
  verdict = 0;
  reason = 0;
  dropId = 0;
  alertCount = 0;
  /** The 5-tuple (valid when alertCount > 0). */
  readonly tuple: EgressTuple = { proto: 0, srcIp: 0, srcPort: 0, dstIp: 0, dstPort: 0 };
  /** Offset of the first sid in `body` (sid i at alertsOffset + 4i). */
  alertsOffset = 0;
  packetOffset = 0;
  packetLength = 0;

  static validate(body: Buffer, count: number): string | null {
    return validateRecords(body, count, EGRESS_V2_FIXED_BYTES, recordBytes);
  }

  sid(i: number): number {
    return this.body.readUInt32BE(this.alertsOffset + 4 * i);
  }

  next(): boolean {
    if (this.left === 0) return false;
    const b = this.body;
    let p = this.pos;
    this.flowletId = b.readUInt32BE(p);
    this.clock = b.readUInt32BE(p + 4);
    this.verdict = b[p + 8]!;
    this.reason = b[p + 9]!;
    this.packetLength = b.readUInt16BE(p + 10);
    this.dropId = b.readUInt16BE(p + 12);
    const n = (this.alertCount = b.readUInt16BE(p + 14));
    p += EGRESS_V2_FIXED_BYTES;
    if (n > 0) {
      const t = this.tuple;
      t.proto = b[p]!;
      t.srcPort = b.readUInt16BE(p + 2);
      t.dstPort = b.readUInt16BE(p + 4);
      t.srcIp = b.readUInt32BE(p + 8);
      t.dstIp = b.readUInt32BE(p + 12);
      p += EGRESS_V2_TUPLE_BYTES;
      this.alertsOffset = p;
      p += 4 * n;
    } else this.alertsOffset = p;
    this.packetOffset = p;
    this.pos = p + this.packetLength;
    this.left--;
    return true;
  }
}
