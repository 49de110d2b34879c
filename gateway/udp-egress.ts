/** Egress as UDP datagrams (one raw IPv4 packet each) to a fixed destination; drops are not sent. */
import * as dgram from 'dgram';
import type { EgressSink } from './egress-sink';

export class UdpEgress implements EgressSink {
  packets = 0;
  constructor(private readonly socket: dgram.Socket, private readonly host: string, private readonly port: number) {}

  emit(_seq: number, _res: number, verdict: number, _reason: number, buf: Buffer, off: number, len: number): void {
    if (verdict !== 0 || len === 0) return;
    this.packets++;
    // dgram queues the buffer until sent: copy out of the (reused) frame.
    this.socket.send(Buffer.from(buf.subarray(off, off + len)), this.port, this.host);
  }

  close(): void {}
}
