/**
 * PACKETS frame v1 (type 1, gateway → unit): `count` records back to back.
 *
 *  0  flowletId    u32  gateway's flowlet id (echoed in EGRESS)
 *  4  clock        u32  per-flow logical clock of this packet (first packet = 1)
 *  8  prevUnit     i16  unit of the flow's previous flowlet, -1 for none
 * 10  targetCount  u8   K replication targets that follow
 * 11  reserved     u8   0
 * 12  tsNs         f64  arrival time, ns since the gateway's epoch (exact below 2^53 ns ≈ 104 days)
 * 20  length       u16  packet bytes
 * 22  targets      u16 × targetCount
 * 22+2K packet     raw IPv4 bytes × length
 *
 * The reader is a cursor over the frame body: fields are plain numbers, the packet is an
 * (offset, length) pair into the body — no copy, no allocation per record.
 */
import { FrameType, MAX_PACKET_BYTES, MAX_TARGETS } from './constants';
import { RecordBatchCursor, RecordBatchWriter, validateRecords } from './record-batch';

export const PACKET_RECORD_FIXED_BYTES = 22;

export function packetRecordBytes(targetCount: number, packetLength: number): number {
  return PACKET_RECORD_FIXED_BYTES + 2 * targetCount + packetLength;
}

/** Builds one PACKETS frame in a preallocated buffer (record-batch.ts); `finish()` returns a view. */
export class PacketBatchWriter extends RecordBatchWriter {
  constructor(capacityBytes: number) {
    super(capacityBytes, FrameType.PACKETS);
  }

  /** false when the record would not fit (flush and retry) or the count is full. */
  add(
    flowletId: number, clock: number, prevUnit: number, targets: ArrayLike<number>, targetCount: number,
    tsNs: number, pkt: Buffer, pktOffset: number, pktLength: number,
  ): boolean {
    if (!this.fits(packetRecordBytes(targetCount, pktLength))) return false;
    if (pktLength > MAX_PACKET_BYTES || targetCount > MAX_TARGETS) return false;
    const b = this.buf;
    let p = this.pos;
    b.writeUInt32BE(flowletId >>> 0, p);
    b.writeUInt32BE(clock >>> 0, p + 4);
    b.writeInt16BE(prevUnit, p + 8);
    b[p + 10] = targetCount;
    b[p + 11] = 0;
    b.writeDoubleBE(tsNs, p + 12);
    b.writeUInt16BE(pktLength, p + 20);
    p += PACKET_RECORD_FIXED_BYTES;
    for (let i = 0; i < targetCount; i++, p += 2) b.writeUInt16BE(targets[i]!, p);
    pkt.copy(b, p, pktOffset, pktOffset + pktLength);
    this.commit(p + pktLength);
    return true;
  }
}

function packetRecordBytesAt(body: Buffer, p: number): number {
  return packetRecordBytes(body[p + 10]!, body.readUInt16BE(p + 20));
}

/** Cursor over a PACKETS body. Call `validate` once, then `next()` until it returns false. */
export class PacketBatchReader extends RecordBatchCursor {
  flowletId = 0;
  clock = 0;
  prevUnit = -1;
  targetCount = 0;
  /** Offset of targets[0] in `body`; read with `target(i)`. */
  targetsOffset = 0;
  tsNs = 0;
  /** The packet is body[packetOffset, packetOffset + packetLength). */
  packetOffset = 0;
  packetLength = 0;

  /** Checks that `count` records exactly fill `body` (record-batch.ts `validateRecords`). */
  static validate(body: Buffer, count: number): string | null {
    return validateRecords(body, count, PACKET_RECORD_FIXED_BYTES, packetRecordBytesAt);
  }

  next(): boolean {
    if (this.left === 0) return false;
    const b = this.body;
    const p = this.pos;
    this.flowletId = b.readUInt32BE(p);
    this.clock = b.readUInt32BE(p + 4);
    this.prevUnit = b.readInt16BE(p + 8);
    this.targetCount = b[p + 10]!;
    this.tsNs = b.readDoubleBE(p + 12);
    this.packetLength = b.readUInt16BE(p + 20);
    this.targetsOffset = p + PACKET_RECORD_FIXED_BYTES;
    this.packetOffset = this.targetsOffset + 2 * this.targetCount;
    this.pos = this.packetOffset + this.packetLength;
    this.left--;
    return true;
  }

  target(i: number): number {
    return this.body.readUInt16BE(this.targetsOffset + 2 * i);
  }
}
