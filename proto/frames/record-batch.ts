/**
 * What the record-batch frames (PACKETS in packet-batch-v1, EGRESS in egress-batch-v1) share:
 * the frame header, then `count` variable-length records back to back. The message files define
 * their record layout on top of these three pieces:
 *
 * - `RecordBatchWriter`: one preallocated buffer; records are written after the header's room,
 *   `finish()` stamps the header and returns a view (valid until the next `reset`/`add`).
 * - `RecordBatchCursor`: a cursor over a received body (fields are plain numbers in the subclass,
 *   the packet an (offset, length) pair into the body — no copy, no allocation per record).
 * - `validateRecords`: checks once per frame that `count` records exactly fill the body.
 */
import { FRAME_HEADER_BYTES, type FrameType } from './constants';
import { writeFrameHeader } from './frame-header-v1';

/** The header's `count` is a u16. */
const MAX_RECORDS = 0xffff;

export abstract class RecordBatchWriter {
  readonly buf: Buffer;
  protected pos = FRAME_HEADER_BYTES;
  count = 0;

  constructor(capacityBytes: number, private readonly frameType: FrameType) {
    this.buf = Buffer.allocUnsafe(capacityBytes);
  }

  reset(): void {
    this.pos = FRAME_HEADER_BYTES;
    this.count = 0;
  }

  get bodyBytes(): number {
    return this.pos - FRAME_HEADER_BYTES;
  }

  /** Writes the header; the returned view is valid until the next `reset`/`add`. */
  finish(): Buffer {
    writeFrameHeader(this.buf, 0, this.frameType, 0, this.count, this.pos - FRAME_HEADER_BYTES);
    return this.buf.subarray(0, this.pos);
  }

  /** Room for one more record of `recordBytes`, and the count is not full. */
  protected fits(recordBytes: number): boolean {
    return this.pos + recordBytes <= this.buf.length && this.count !== MAX_RECORDS;
  }

  /** A record was written up to `end`. */
  protected commit(end: number): void {
    this.pos = end;
    this.count++;
  }
}

/** Cursor over a record-batch body. Validate once, `reset`, then `next()` until it returns false. */
export abstract class RecordBatchCursor {
  body: Buffer = Buffer.alloc(0);
  protected pos = 0;
  protected left = 0;

  reset(body: Buffer, count: number): this {
    this.body = body;
    this.pos = 0;
    this.left = count;
    return this;
  }
}

/**
 * Checks that `count` records exactly fill `body`: null when well formed, else a reason (the
 * whole frame is then rejected — a half-applied batch would be harder to account for).
 * `recordBytes(body, p)` is the size of the record at `p`, whose first `fixedBytes` are in the body.
 */
export function validateRecords(
  body: Buffer, count: number, fixedBytes: number, recordBytes: (body: Buffer, p: number) => number,
): string | null {
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + fixedBytes > body.length) return `record ${i} header overruns the frame`;
    p += recordBytes(body, p);
    if (p > body.length) return `record ${i} overruns the frame`;
  }
  if (p !== body.length) return `${body.length - p} trailing bytes after ${count} records`;
  return null;
}
