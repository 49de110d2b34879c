/**
 * CREDIT frame v1 (type 3, unit → gateway): one record (count = 1), 16 bytes, sent after each
 * processed batch. Counts are deltas since the previous CREDIT on this connection; the gateway's
 * load meter adds `drained` to its current 500 µs bucket.
 *
 *  0  drained       u32  packets finished (forwarded or dropped)
 *  4  held          u32  packets currently held waiting for state (absolute, not a delta)
 *  8  drainedBytes  u32  bytes of the drained packets (wrapping)
 * 12  cpuMicros     u32  CPU time the unit spent on those packets, µs
 */
import { FRAME_HEADER_BYTES, FrameType } from './constants';
import { writeFrameHeader } from './frame-header-v1';

export const CREDIT_BODY_BYTES = 16;
export const CREDIT_FRAME_BYTES = FRAME_HEADER_BYTES + CREDIT_BODY_BYTES;

export interface Credit {
  drained: number;
  held: number;
  drainedBytes: number;
  cpuMicros: number;
}

/** Writes a whole CREDIT frame (header + body) at `off` of `buf`. */
export function encodeCredit(c: Credit, buf: Buffer = Buffer.allocUnsafe(CREDIT_FRAME_BYTES), off = 0): Buffer {
  writeFrameHeader(buf, off, FrameType.CREDIT, 0, 1, CREDIT_BODY_BYTES);
  const p = off + FRAME_HEADER_BYTES;
  buf.writeUInt32BE(c.drained >>> 0, p);
  buf.writeUInt32BE(c.held >>> 0, p + 4);
  buf.writeUInt32BE(c.drainedBytes >>> 0, p + 8);
  buf.writeUInt32BE(Math.min(0xffffffff, Math.round(c.cpuMicros)) >>> 0, p + 12);
  return buf.subarray(off, off + CREDIT_FRAME_BYTES);
}

export function validateCredit(body: Buffer, count: number): string | null {
  if (count !== 1 || body.length !== CREDIT_BODY_BYTES) return `credit frame must hold 1 record of ${CREDIT_BODY_BYTES} bytes`;
  return null;
}

/** Reads the body into `out` (reuse one). Call `validateCredit` first. */
export function decodeCredit(body: Buffer, out: Credit = { drained: 0, held: 0, drainedBytes: 0, cpuMicros: 0 }): Credit {
  out.drained = body.readUInt32BE(0);
  out.held = body.readUInt32BE(4);
  out.drainedBytes = body.readUInt32BE(8);
  out.cpuMicros = body.readUInt32BE(12);
  return out;
}
