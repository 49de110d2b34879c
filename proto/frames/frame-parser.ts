/**
 * Streaming frame parser for the data plane (after the handshake).
 *
 * `push(chunk)` takes socket reads of any size. A frame that lies wholly inside one chunk is
 * delivered as a view into that chunk (no copy); only a frame split across reads is assembled in
 * one preallocated buffer. Delivered views are valid only during the `onFrame` call.
 *
 * Rejections, each counted by reason:
 * - recoverable (the frame is skipped, the connection keeps going): a type this side does not
 *   accept, a body whose records do not exactly fill its length;
 * - fatal (`push` returns false; close the connection): a length above `maxFrameBody` (we cannot
 *   trust the framing any more), or `maxConsecutiveRejects` rejections in a row (the stream is
 *   almost certainly desynchronised — random bytes look like frames of unknown type).
 */
import { DEFAULT_MAX_FRAME_BODY, FRAME_HEADER_BYTES, FrameType } from './constants';
import { FrameHeader } from './frame-header-v1';
import { PacketBatchReader } from './packet-batch-v1';
import { EgressBatchReader } from './egress-batch-v1';
import { EgressBatchV2Reader } from './egress-batch-v2';
import { validateLogBody, validateRestoreBody, validateUnitGone } from './log-frame-v1';
import { validateNames } from './names-v1';
import { validateCredit } from './credit-v1';
import { validatePeers } from './peers-v1';
import { validateStats, validateStatsRequest } from './stats-v1';
import { validateTiming } from './timing-v1';
import { SourceEgressReader } from './source-egress-v2';

export const RejectReason = {
  BAD_TYPE: 'bad_type',
  BAD_BODY: 'bad_body',
  OVERSIZE: 'oversize',
  DESYNC: 'desync',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export interface FrameParserCounters {
  frames: number;
  bytes: number;
  rejected: Record<RejectReason, number>;
}

export interface FrameParserOptions {
  /** Frame types this side accepts (a unit: PACKETS, PEERS; a gateway: EGRESS, CREDIT). */
  accept: readonly number[];
  maxFrameBody?: number;
  maxConsecutiveRejects?: number;
  onFrame(type: number, flags: number, count: number, body: Buffer): void;
  /** Called once per rejected frame with a human reason; `fatal` means the stream is closed. */
  onReject?(reason: RejectReason, detail: string, fatal: boolean): void;
}

/** Checks a body against its type's record layout; null when well formed. */
export function validateFrameBody(type: number, body: Buffer, count: number): string | null {
  switch (type) {
    case FrameType.PACKETS: return PacketBatchReader.validate(body, count);
    case FrameType.EGRESS: return EgressBatchReader.validate(body, count);
    case FrameType.CREDIT: return validateCredit(body, count);
    case FrameType.PEERS: return validatePeers(body, count);
    case FrameType.LOGGER: return count === 1 ? validatePeers(body, count) : 'LOGGER carries exactly one record';
    case FrameType.STATS_REQUEST: return validateStatsRequest(body, count);
    case FrameType.STATS: return validateStats(body, count);
    case FrameType.EGRESS_V2: return EgressBatchV2Reader.validate(body, count);
    case FrameType.NAMES: return validateNames(body, count);
    case FrameType.LOG: return validateLogBody(body, count);
    case FrameType.UNIT_GONE: return validateUnitGone(body, count);
    case FrameType.RESTORE: return validateRestoreBody(body, count);
    case FrameType.TIMING: return validateTiming(body, count);
    case FrameType.SOURCE_EGRESS: return SourceEgressReader.validate(body, count);
    default: return `unknown frame type ${type}`;
  }
}

export class FrameParser {
  readonly counters: FrameParserCounters = {
    frames: 0,
    bytes: 0,
    rejected: { bad_type: 0, bad_body: 0, oversize: 0, desync: 0 },
  };
  /** Set after a fatal rejection; further input is ignored. */
  dead = false;
  private readonly accept: Uint8Array = new Uint8Array(256);
  private readonly maxFrameBody: number;
  private readonly maxConsecutiveRejects: number;
  private consecutiveRejects = 0;
  private readonly header = new FrameHeader();
  private pend: Buffer | null = null;
  private pendLen = 0;

  constructor(private readonly opts: FrameParserOptions) {
    for (const t of opts.accept) this.accept[t] = 1;
    this.maxFrameBody = opts.maxFrameBody ?? DEFAULT_MAX_FRAME_BODY;
    this.maxConsecutiveRejects = opts.maxConsecutiveRejects ?? 16;
  }

  /** Feed bytes. Returns false once the stream is unusable (caller closes the connection). */
  push(chunk: Buffer): boolean {
    if (this.dead) return false;
    this.counters.bytes += chunk.length;
    let off = 0;
    if (this.pendLen > 0) {
      const pend = this.pend!;
      if (this.pendLen < FRAME_HEADER_BYTES) {
        const take = Math.min(FRAME_HEADER_BYTES - this.pendLen, chunk.length);
        chunk.copy(pend, this.pendLen, 0, take);
        this.pendLen += take;
        off = take;
        if (this.pendLen < FRAME_HEADER_BYTES) return true;
      }
      if (!this.readHeader(pend, 0)) return false;
      const total = FRAME_HEADER_BYTES + this.header.length;
      const take = Math.min(total - this.pendLen, chunk.length - off);
      chunk.copy(pend, this.pendLen, off, off + take);
      this.pendLen += take;
      off += take;
      if (this.pendLen < total) return true;
      this.pendLen = 0;
      this.deliver(pend.subarray(FRAME_HEADER_BYTES, total));
      if (this.dead) return false;
    }
    while (chunk.length - off >= FRAME_HEADER_BYTES) {
      if (!this.readHeader(chunk, off)) return false;
      const total = FRAME_HEADER_BYTES + this.header.length;
      if (chunk.length - off < total) break;
      this.deliver(chunk.subarray(off + FRAME_HEADER_BYTES, off + total));
      if (this.dead) return false;
      off += total;
    }
    if (off < chunk.length) {
      // Lazily sized: most connections never split a frame across reads... until they do.
      if (this.pend === null) this.pend = Buffer.allocUnsafe(FRAME_HEADER_BYTES + this.maxFrameBody);
      chunk.copy(this.pend, 0, off);
      this.pendLen = chunk.length - off;
    }
    return true;
  }

  /** Bytes of an incomplete frame waiting for more input. */
  get pending(): number {
    return this.pendLen;
  }

  private readHeader(buf: Buffer, off: number): boolean {
    this.header.read(buf, off);
    if (this.header.length > this.maxFrameBody) {
      this.reject(RejectReason.OVERSIZE, `frame length ${this.header.length} > max ${this.maxFrameBody}`, true);
      return false;
    }
    return true;
  }

  private deliver(body: Buffer): void {
    const h = this.header;
    if (this.accept[h.type] !== 1) {
      this.reject(RejectReason.BAD_TYPE, `frame type ${h.type} not accepted here`, false);
      return;
    }
    const bad = validateFrameBody(h.type, body, h.count);
    if (bad !== null) {
      this.reject(RejectReason.BAD_BODY, bad, false);
      return;
    }
    this.consecutiveRejects = 0;
    this.counters.frames++;
    this.opts.onFrame(h.type, h.flags, h.count, body);
  }

  private reject(reason: RejectReason, detail: string, fatal: boolean): void {
    this.counters.rejected[reason]++;
    if (!fatal && ++this.consecutiveRejects >= this.maxConsecutiveRejects) {
      this.opts.onReject?.(reason, detail, false);
      this.counters.rejected.desync++;
      this.dead = true;
      this.opts.onReject?.(RejectReason.DESYNC, `${this.consecutiveRejects} rejected frames in a row`, true);
      return;
    }
    if (fatal) this.dead = true;
    this.opts.onReject?.(reason, detail, fatal);
  }
}
