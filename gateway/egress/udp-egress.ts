/**
 * Egress as UDP datagrams (one raw IPv4 packet each) to a fixed destination; drops are not sent.
 *
 * dgram never drops by itself: a datagram the kernel cannot take at once (EAGAIN) waits in
 * libuv's send queue, which would grow without bound behind a slow path. So the queue is bounded
 * (`maxQueued` datagrams): beyond it a packet is dropped and counted (`dropped`); a send that
 * fails is counted too (`sendErrors`). What the receiver's socket buffer refuses is invisible to
 * us on loopback (the kernel counts it as the receiver's RcvbufErrors in /proc/net/snmp): a
 * receiver must size its buffer for the bursts it expects.
 */
import type * as dgram from 'dgram';
import type { EgressSink } from './egress-sink';

export const DEFAULT_UDP_EGRESS_QUEUE = 8192;

export interface UdpEgressCounters {
  packets: number;
  dropped: number;
  sendErrors: number;
}

export class UdpEgress implements EgressSink {
  readonly counters: UdpEgressCounters = { packets: 0, dropped: 0, sendErrors: 0 };
  private readonly sent = (err: Error | null): void => {
    if (err) this.counters.sendErrors++;
  };

  constructor(
    private readonly socket: dgram.Socket,
    private readonly host: string,
    private readonly port: number,
    private readonly maxQueued = DEFAULT_UDP_EGRESS_QUEUE,
  ) {}

  emit(_seq: number, _res: number, verdict: number, _reason: number, buf: Buffer, off: number, len: number): void {
    if (verdict !== 0 || len === 0) return;
    if (this.socket.getSendQueueCount() >= this.maxQueued) {
      this.counters.dropped++;
      return;
    }
    this.counters.packets++;
    // dgram queues the buffer until sent: copy out of the (reused) frame.
    this.socket.send(Buffer.from(buf.subarray(off, off + len)), this.port, this.host, this.sent);
  }

  close(): void {}
}
