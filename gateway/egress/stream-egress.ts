/**
 * Egress back over a replayer's stream connection: EGRESS frames (proto/frames/egress-batch-v1)
 * where, on this stream, `flowletId` carries the replayer's sequence number and `clock` the
 * packet's gateway residence time in ns (ingress → egress, saturating at 2^32−1 ≈ 4.3 s) — the
 * replay stream reuses the data-plane layout instead of inventing a second codec.
 * Flushed when full or with the unit links' batching rule (batch-flusher.ts).
 */
import type * as net from 'net';
import { EgressBatchWriter } from '../../proto/frames/egress-batch-v1';
import { BatchFlusher, DEFAULT_LINK_BATCHING, type LinkBatching } from '../batch-flusher';
import type { EgressSink } from './egress-sink';

const MAX_U32 = 0xffffffff;

export class StreamEgress implements EgressSink {
  private readonly writer = new EgressBatchWriter(256 * 1024);
  private readonly flusher: BatchFlusher;
  packets = 0;

  constructor(private readonly socket: net.Socket, batching: LinkBatching = DEFAULT_LINK_BATCHING) {
    this.flusher = new BatchFlusher(this.writer, () => this.flush(), batching);
  }

  emit(seq: number, residenceNs: number, verdict: number, reason: number, buf: Buffer, off: number, len: number): void {
    const res = residenceNs <= 0 ? 0 : residenceNs >= MAX_U32 ? MAX_U32 : Math.round(residenceNs);
    this.packets++;
    if (!this.writer.add(seq, res, verdict, reason, buf, off, len)) {
      this.flush();
      this.writer.add(seq, res, verdict, reason, buf, off, len);
    }
    this.flusher.added();
  }

  flush(): void {
    if (this.writer.count === 0) return;
    const frame = Buffer.from(this.writer.finish());
    this.writer.reset();
    this.flusher.flushed();
    if (!this.socket.destroyed) this.socket.write(frame);
  }

  close(): void {
    this.flush();
  }
}
