/**
 * Per-flow egress ordering. Units finish packets in clock order per flow, but the gateway reads
 * several unit connections and the kernel/event loop may hand it unit B's egress for clock c
 * before unit A's for c−1 (both are ready in one poll). Releases each flow's packets in clock
 * order: a packet whose predecessors have not come back is copied aside until they do (rare:
 * only around flowlet moves). Every packet comes back (drops too, as empty records), so the
 * buffer always drains; a unit's death emits its in-flight packets as drops.
 */
export interface OrderedEmit {
  (token: number, verdict: number, reason: number, buf: Buffer, off: number, len: number): void;
}

interface Parked { token: number; verdict: number; reason: number; bytes: Buffer }
const SPAN = 1 << 20;

export class EgressOrder {
  /** Next clock each flow slot may release. */
  private readonly next: Float64Array;
  private readonly parked = new Map<number, Parked>();
  parkedNow = 0;
  parkedTotal = 0;

  constructor(flowSlots: number, private readonly emit: OrderedEmit) {
    this.next = new Float64Array(flowSlots);
  }

  /** At ingress: a flow starting (clock 1) in a slot resets the slot's sequence. */
  begin(flow: number, clock: number): void {
    if (clock === 1) this.next[flow] = 1;
  }

  /** Gateway restart (gateway/checkpoint/): a restored flow's next packet to release has clock `next`. */
  resumeAt(flow: number, next: number): void {
    this.next[flow] = next;
  }

  done(flow: number, clock: number, token: number, verdict: number, reason: number, buf: Buffer, off: number, len: number): void {
    const next = this.next;
    if (clock !== next[flow]) {
      if (clock < next[flow]!) return this.emit(token, verdict, reason, buf, off, len); // slot reused: don't block
      this.parked.set(flow * SPAN + (clock % SPAN), { token, verdict, reason, bytes: Buffer.from(buf.subarray(off, off + len)) });
      this.parkedNow++;
      this.parkedTotal++;
      return;
    }
    this.emit(token, verdict, reason, buf, off, len);
    let c = clock + 1;
    next[flow] = c;
    if (this.parkedNow === 0) return;
    for (let p = this.parked.get(flow * SPAN + (c % SPAN)); p !== undefined; p = this.parked.get(flow * SPAN + (c % SPAN))) {
      this.parked.delete(flow * SPAN + (c % SPAN));
      this.parkedNow--;
      this.emit(p.token, p.verdict, p.reason, p.bytes, 0, p.bytes.length);
      next[flow] = ++c;
    }
  }
}
