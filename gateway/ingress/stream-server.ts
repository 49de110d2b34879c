/**
 * The replayer-facing ingress: a TCP listener speaking the data-plane handshake (cluster token
 * checked) and PACKETS frames, where on this stream a record's `flowletId` is the replayer's
 * sequence number and `tsNs` its timestamp for the packet (trace time); clock/prevUnit/targets
 * are ignored. Processed packets go back on the same connection (StreamEgress).
 */
import * as net from 'net';
import { timingSafeEqual } from 'crypto';
import { DEFAULT_MAX_FRAME_BODY, FrameType, HandshakeFlag } from '../../proto/frames/constants';
import { decodeHandshake, encodeHandshakeReply, HandshakeStatus } from '../../proto/frames/handshake-v1';
import { FrameParser } from '../../proto/frames/frame-parser';
import { StreamEgress } from '../egress/stream-egress';
import { DEFAULT_LINK_BATCHING } from '../batch-flusher';

export interface StreamServerHandlers {
  /** A new replayer connection: register its egress, get its source id. */
  open(egress: StreamEgress): number;
  batch(source: number, body: Buffer, count: number): void;
  close(source: number): void;
}

export interface StreamServerCounters {
  connections: number;
  refused: number;
  framesRejected: number;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createStreamServer(token: string, h: StreamServerHandlers, counters: StreamServerCounters): net.Server {
  return net.createServer((socket) => {
    socket.setNoDelay(true);
    let hs: Buffer = Buffer.alloc(0);
    let parser: FrameParser | null = null;
    let source = -1;
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (chunk: Buffer) => {
      if (parser !== null) {
        if (!parser.push(chunk)) socket.destroy();
        return;
      }
      hs = hs.length === 0 ? chunk : Buffer.concat([hs, chunk]);
      const r = decodeHandshake(hs);
      if (r.kind === 'need-more') return;
      const refuse = (status: number) => {
        clearTimeout(timer);
        counters.refused++;
        socket.end(encodeHandshakeReply({ status, unitId: 0, maxFrameBody: DEFAULT_MAX_FRAME_BODY }));
        socket.removeAllListeners('data');
      };
      if (r.kind === 'bad') return refuse(r.status);
      if (!sameToken(token, r.handshake.token)) return refuse(HandshakeStatus.UNAUTHENTICATED);
      clearTimeout(timer);
      counters.connections++;
      const wide = (r.handshake.flags & HandshakeFlag.WIDE_EGRESS) !== 0;
      source = h.open(new StreamEgress(socket, DEFAULT_LINK_BATCHING, wide));
      const src = source;
      parser = new FrameParser({
        accept: [FrameType.PACKETS],
        onFrame: (_type, _flags, count, body) => h.batch(src, body, count),
        onReject: () => void counters.framesRejected++,
      });
      socket.write(encodeHandshakeReply({ status: HandshakeStatus.OK, unitId: 0, maxFrameBody: DEFAULT_MAX_FRAME_BODY }));
      if (r.bytes < hs.length && !parser.push(hs.subarray(r.bytes))) socket.destroy();
      hs = Buffer.alloc(0);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(timer);
      if (source >= 0) h.close(source);
    });
  });
}
