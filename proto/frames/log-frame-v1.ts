/**
 * LOG frame v1 (type 9, unit → its output logger). The frame's `count` is the number of state
 * records; the body is
 *
 *  0  recordsBytes  u32  bytes of the records that follow
 *  4  records       `count` log records v1 (log-record-v1.ts), back to back
 *  …  release       zero or more complete frames (NAMES, EGRESS_V2: header + body) that the
 *                   logger writes to the gateway unchanged once the records are applied
 *                   (`fast`) or acknowledged by Kafka (`strict`)
 *
 * One frame carries a batch's records and the packets they belong to, so the logger never holds
 * the effect of a packet it cannot release, and never releases a packet whose effect it lacks: a
 * truncated frame (the unit died mid-write) is neither applied nor released.
 */
import { FRAME_HEADER_BYTES, FrameType } from './constants';
import { writeFrameHeader } from './frame-header-v1';
import { LOG_RECORD_HEADER_BYTES, newLogRecord, readLogRecord, writeLogRecord } from './log-record-v1';

const MAX_RECORDS = 0xffff;

/** The unit's side: records accumulate in one preallocated buffer; `finish` appends the release frames. */
export class LogFrameWriter {
  readonly buf: Buffer;
  private pos = FRAME_HEADER_BYTES + 4;
  count = 0;

  constructor(capacityBytes: number) {
    this.buf = Buffer.allocUnsafe(capacityBytes);
  }

  /** Room for a record with `valueBytes` of value. */
  fits(valueBytes: number): boolean {
    return this.pos + LOG_RECORD_HEADER_BYTES + valueBytes <= this.buf.length && this.count < MAX_RECORDS;
  }

  add(
    kind: number, unit: number, clock: number, flowletId: number,
    proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number, value: Buffer | null,
  ): void {
    this.pos = writeLogRecord(this.buf, this.pos, kind, unit, clock, flowletId, proto, srcIp, srcPort, dstIp, dstPort, value);
    this.count++;
  }

  /** The whole LOG frame: the records and then `release` (frames, possibly none). A new buffer. */
  finish(release: readonly Buffer[]): Buffer {
    const recordsBytes = this.pos - FRAME_HEADER_BYTES - 4;
    let extra = 0;
    for (const r of release) extra += r.length;
    const out = Buffer.allocUnsafe(this.pos + extra);
    this.buf.copy(out, 0, 0, this.pos);
    writeFrameHeader(out, 0, FrameType.LOG, 0, this.count, this.pos - FRAME_HEADER_BYTES + extra);
    out.writeUInt32BE(recordsBytes, FRAME_HEADER_BYTES);
    let p = this.pos;
    for (const r of release) p += r.copy(out, p);
    return out;
  }

  reset(): void {
    this.pos = FRAME_HEADER_BYTES + 4;
    this.count = 0;
  }
}

/** Where a LOG body's records and release part are; a reason string when the layout is invalid. */
export function splitLogBody(body: Buffer): { recordsEnd: number } | string {
  if (body.length < 4) return 'LOG body shorter than its recordsBytes field';
  const n = body.readUInt32BE(0);
  if (4 + n > body.length) return `recordsBytes ${n} beyond the body`;
  return { recordsEnd: 4 + n };
}

/** Checks that `part` is a run of complete frames (header + body); returns a reason or null. */
export function validateReleaseFrames(part: Buffer): string | null {
  let p = 0;
  while (p < part.length) {
    if (part.length - p < FRAME_HEADER_BYTES) return 'truncated release frame header';
    const t = part[p]!;
    if (t !== FrameType.EGRESS_V2 && t !== FrameType.NAMES && t !== FrameType.EGRESS) return `frame type ${t} cannot be released`;
    p += FRAME_HEADER_BYTES + part.readUInt32BE(p + 4);
    if (p > part.length) return 'truncated release frame body';
  }
  return null;
}

const scratch = newLogRecord();

/** Whole-body check (the frame parser runs it): `count` valid records exactly fill recordsBytes, then whole frames. */
export function validateLogBody(body: Buffer, count: number): string | null {
  const s = splitLogBody(body);
  if (typeof s === 'string') return s;
  let p = 4;
  for (let i = 0; i < count; i++) {
    const r = readLogRecord(body, p, s.recordsEnd, scratch);
    if (typeof r === 'string') return `record ${i}: ${r}`;
    p = r;
  }
  if (p !== s.recordsEnd) return `records end at ${p}, recordsBytes says ${s.recordsEnd}`;
  return validateReleaseFrames(body.subarray(s.recordsEnd));
}

/** UNIT_GONE (type 10, logger → gateway): count 0, no body. */
export function encodeUnitGone(): Buffer {
  const b = Buffer.alloc(FRAME_HEADER_BYTES);
  writeFrameHeader(b, 0, FrameType.UNIT_GONE, 0, 0, 0);
  return b;
}

export function validateUnitGone(body: Buffer, count: number): string | null {
  return body.length === 0 && count === 0 ? null : 'UNIT_GONE carries no records';
}

/**
 * RESTORE (type 12, logger → unit, right after the unit's handshake): `count` log records v1 back
 * to back — the logger's mirror, so a unit started under a dead unit's id resumes with its state.
 * A RESTORE with count 0 (empty body) ends the restore; a logger with an empty mirror sends only that.
 */
export function encodeRestore(records: readonly Buffer[]): Buffer {
  let n = 0;
  for (const r of records) n += r.length;
  const b = Buffer.allocUnsafe(FRAME_HEADER_BYTES + n);
  writeFrameHeader(b, 0, FrameType.RESTORE, 0, records.length, n);
  let p = FRAME_HEADER_BYTES;
  for (const r of records) p += r.copy(b, p);
  return b;
}

export function validateRestoreBody(body: Buffer, count: number): string | null {
  let p = 0;
  for (let i = 0; i < count; i++) {
    const r = readLogRecord(body, p, body.length, scratch);
    if (typeof r === 'string') return `record ${i}: ${r}`;
    p = r;
  }
  return p === body.length ? null : 'bytes after the last record';
}
