/**
 * `FifoServers`: the simulator's model of compute units, one FIFO server per unit id with
 * capacity BW_max. It is not the gateway's UnitPool (gateway/unit-pool.ts), which starts and
 * connects real unit processes: here a unit is a queue and a service time on the event clock, so
 * the two share nothing but the word "unit" (hence the different name).
 *
 * A unit serves single FIFO with capacity BW_max: a packet's service time is
 * wireBytes·8/BW_max. Queues are intrusive linked lists through one `next` array indexed by
 * packet number (a packet is in at most one list at a time), so enqueueing allocates nothing.
 * A unit serves nothing before its ready time (start-up delay from the controller).
 */
import type { EventQueue } from './event-queue';

export const EV_DEPART = 2;

export class FifoServers {
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly busy: Uint8Array;
  readonly readyAtNs: Float64Array;
  private readonly nsPerByte: number;

  constructor(
    maxUnitId: number,
    unitBwBps: number,
    private readonly next: Int32Array,
    private readonly wireBytes: Uint32Array,
    private readonly unitOf: Int32Array,
    private readonly events: EventQueue,
  ) {
    const n = maxUnitId + 1;
    this.head = new Int32Array(n).fill(-1);
    this.tail = new Int32Array(n).fill(-1);
    this.busy = new Uint8Array(n);
    this.readyAtNs = new Float64Array(n);
    this.nsPerByte = (8 * 1e9) / unitBwBps;
  }

  serviceNs(pkt: number): number {
    return this.wireBytes[pkt] * this.nsPerByte;
  }

  /** The packet is eligible for service at its unit from `nowNs`. */
  enqueue(pkt: number, nowNs: number): void {
    const u = this.unitOf[pkt];
    if (this.busy[u] === 0) {
      this.busy[u] = 1;
      const start = Math.max(nowNs, this.readyAtNs[u]);
      this.events.push(start + this.serviceNs(pkt), EV_DEPART, u, pkt);
      return;
    }
    this.next[pkt] = -1;
    if (this.tail[u] < 0) this.head[u] = pkt;
    else this.next[this.tail[u]] = pkt;
    this.tail[u] = pkt;
  }

  /** Call on a unit's departure: starts the next queued packet, if any. */
  serveNext(u: number, nowNs: number): void {
    const pkt = this.head[u];
    if (pkt < 0) {
      this.busy[u] = 0;
      return;
    }
    this.head[u] = this.next[pkt];
    if (this.head[u] < 0) this.tail[u] = -1;
    this.events.push(Math.max(nowNs, this.readyAtNs[u]) + this.serviceNs(pkt), EV_DEPART, u, pkt);
  }
}
