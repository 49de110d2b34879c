/**
 * Egress back over a replayer's stream connection. To a source whose handshake set WIDE_EGRESS:
 * SOURCE_EGRESS frames (proto/frames/source-egress-v2.ts: sequence number, residence as u64 ns).
 * To any other (older replayers): EGRESS v1 frames (egress-batch-v1) where `flowletId` carries
 * the sequence number and `clock` the gateway residence in ns (ingress → egress), saturating at
 * 2^32−1 ≈ 4.3 s. Flushed when full or with the unit links' batching rule (batch-flusher.ts).
 */
import type * as net from 'net';
import { EgressBatchWriter } from '../../proto/frames/egress-batch-v1';
import { SourceEgressWriter } from '../../proto/frames/source-egress-v2';
import { BatchFlusher, DEFAULT_LINK_BATCHING, type LinkBatching } from '../batch-flusher';
import type { EgressSink } from './egress-sink';

const MAX_U32 = 0xffffffff;

export class StreamEgress implements EgressSink {
  private readonly writer: EgressBatchWriter | SourceEgressWriter;
  private readonly flusher: BatchFlusher;
  packets = 0;

  /** `wide`: the source reads SOURCE_EGRESS (handshake flag WIDE_EGRESS). */
  constructor(private readonly socket: net.Socket, batching: LinkBatching = DEFAULT_LINK_BATCHING, private readonly wide = false) {
    this.writer = wide ? new SourceEgressWriter(256 * 1024) : new EgressBatchWriter(256 * 1024);
    this.flusher = new BatchFlusher(this.writer, () => this.flush(), batching);
  }

  emit(seq: number, residenceNs: number, verdict: number, reason: number, buf: Buffer, off: number, len: number): void {
    const res = this.wide ? residenceNs : residenceNs <= 0 ? 0 : residenceNs >= MAX_U32 ? MAX_U32 : Math.round(residenceNs);
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
