/**
 * TIMING frame v1 (type 13, unit → gateway): where each packet's time went inside the unit, sent
 * only by a unit started with SNF_TIMING=1 (`snf bench live` sets it), written just BEFORE the
 * EGRESS frame carrying the same packets (same socket write), so the gateway has the figures when
 * it releases them. A gateway that does not accept type 13 skips and counts it (data-plane.md §3).
 *
 * Body: one 8-byte frame field, then `count` records of 28 bytes:
 *  0  flushNs      f64  clock (below) when the unit wrote this frame
 * then per record, in the order of the EGRESS records:
 *  0  flowletId    u32  as received
 *  4  clock        u32  as received
 *  8  recvNs       f64  clock when the unit read the PACKETS frame that carried the packet
 * 16  queueNs      f32  recvNs → the packet's turn in the batch (the previous packet's emit)
 * 20  stateWaitNs  f32  time held waiting for its flow's state (0 when it ran at once)
 * 24  nfNs         f32  its turn → emitted: the NF call and the runtime's per-record work
 *
 * The clock is CLOCK_MONOTONIC in ns (`monotonicNs`), shared by every process on the host, read
 * through `performance.now()` (no bigint per read): the gateway subtracts its own readings from it.
 */
import { performance } from 'perf_hooks';
import { FRAME_HEADER_BYTES, FrameType } from './constants';
import { RecordBatchCursor, RecordBatchWriter } from './record-batch';

export const TIMING_HEAD_BYTES = 8;
export const TIMING_RECORD_BYTES = 28;

/** performance.now() is CLOCK_MONOTONIC minus this process's origin: add the origin back once. */
export const PERF_TO_HOST_NS = Number(process.hrtime.bigint()) - performance.now() * 1e6;

/** Host-wide monotonic clock in ns (f64: exact to well below 1 ns at any realistic uptime). */
export function monotonicNs(): number {
  return PERF_TO_HOST_NS + performance.now() * 1e6;
}

/** Builds TIMING frames in one preallocated buffer (record-batch.ts); records appended per emitted packet. */
export class TimingWriter extends RecordBatchWriter {
  constructor(readonly maxRecords: number) {
    super(FRAME_HEADER_BYTES + TIMING_HEAD_BYTES + maxRecords * TIMING_RECORD_BYTES, FrameType.TIMING);
    this.reset();
  }

  override reset(): void {
    super.reset();
    this.pos += TIMING_HEAD_BYTES;
  }

  /** false when full (the caller flushes with its EGRESS frame first). */
  add(flowletId: number, clock: number, recvNs: number, queueNs: number, stateWaitNs: number, nfNs: number): boolean {
    if (this.count === this.maxRecords || !this.fits(TIMING_RECORD_BYTES)) return false;
    const b = this.buf;
    const p = this.pos;
    b.writeUInt32BE(flowletId >>> 0, p);
    b.writeUInt32BE(clock >>> 0, p + 4);
    b.writeDoubleBE(recvNs, p + 8);
    b.writeFloatBE(queueNs, p + 16);
    b.writeFloatBE(stateWaitNs, p + 20);
    b.writeFloatBE(nfNs, p + 24);
    this.commit(p + TIMING_RECORD_BYTES);
    return true;
  }

  /** The whole frame, stamped with the time it is written (a view, valid until `reset`). */
  finishAt(flushNs: number): Buffer {
    this.buf.writeDoubleBE(flushNs, FRAME_HEADER_BYTES);
    return this.finish();
  }
}

export function validateTiming(body: Buffer, count: number): string | null {
  return body.length === TIMING_HEAD_BYTES + count * TIMING_RECORD_BYTES ? null : `timing frame: ${body.length} bytes for ${count} records`;
}

/** Cursor over a TIMING body (validate first). */
export class TimingReader extends RecordBatchCursor {
  flushNs = 0;
  flowletId = 0;
  clock = 0;
  recvNs = 0;
  queueNs = 0;
  stateWaitNs = 0;
  nfNs = 0;

  override reset(body: Buffer, count: number): this {
    super.reset(body, count);
    this.flushNs = body.readDoubleBE(0);
    this.pos = TIMING_HEAD_BYTES;
    return this;
  }

  next(): boolean {
    if (this.left === 0) return false;
    const b = this.body;
    const p = this.pos;
    this.flowletId = b.readUInt32BE(p);
    this.clock = b.readUInt32BE(p + 4);
    this.recvNs = b.readDoubleBE(p + 8);
    this.queueNs = b.readFloatBE(p + 16);
    this.stateWaitNs = b.readFloatBE(p + 20);
    this.nfNs = b.readFloatBE(p + 24);
    this.pos = p + TIMING_RECORD_BYTES;
    this.left--;
    return true;
  }
}
