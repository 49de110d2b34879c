/**
 * Packets in flight at the units, found again by what EGRESS echoes: (flowletId, clock).
 *
 * Slots live in preallocated typed arrays with a free stack; the lookup key packs both ids into
 * one number (flowletId · 2^20 + clock mod 2^20) — exact below 2^53, i.e. for 2^33 flowlets, and
 * unambiguous as long as one flowlet does not have 2^20 packets in flight at once.
 */
export const NO_SLOT = -1;
const CLOCK_SPAN = 1 << 20;

export class PendingTable {
  /** Caller's id of the packet (e.g. the replayer's sequence number). */
  readonly seq: Float64Array;
  /** Gateway clock at ingress (ns). */
  readonly ingressNs: Float64Array;
  /** Which ingress it came from (its egress goes back there). */
  readonly source: Int32Array;
  readonly wireBytes: Int32Array;
  readonly unit: Int32Array;
  /** Controller flow slot and clock (egress ordering). */
  readonly flow: Int32Array;
  readonly clock: Float64Array;
  private readonly free: Int32Array;
  private freeTop: number;
  private readonly index = new Map<number, number>();

  constructor(readonly capacity: number) {
    this.seq = new Float64Array(capacity);
    this.ingressNs = new Float64Array(capacity);
    this.source = new Int32Array(capacity);
    this.wireBytes = new Int32Array(capacity);
    this.unit = new Int32Array(capacity);
    this.flow = new Int32Array(capacity);
    this.clock = new Float64Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  get size(): number {
    return this.capacity - this.freeTop;
  }

  static key(flowletId: number, clock: number): number {
    return flowletId * CLOCK_SPAN + (clock % CLOCK_SPAN);
  }

  /** NO_SLOT when full or when the id pair is already in flight (both counted by the caller). */
  add(flowletId: number, clock: number, seq: number, ingressNs: number, source: number, wireBytes: number, unit: number, flow = 0, flowClock = clock): number {
    if (this.freeTop === 0) return NO_SLOT;
    const k = PendingTable.key(flowletId, clock);
    if (this.index.has(k)) return NO_SLOT;
    const s = this.free[--this.freeTop]!;
    this.index.set(k, s);
    this.seq[s] = seq;
    this.ingressNs[s] = ingressNs;
    this.source[s] = source;
    this.wireBytes[s] = wireBytes;
    this.unit[s] = unit;
    this.flow[s] = flow;
    this.clock[s] = flowClock;
    return s;
  }

  /** Finds the slot and unindexes it; the slot stays allocated until `release`. NO_SLOT if unknown. */
  take(flowletId: number, clock: number): number {
    const k = PendingTable.key(flowletId, clock);
    const s = this.index.get(k);
    if (s === undefined) return NO_SLOT;
    this.index.delete(k);
    return s;
  }

  release(slot: number): void {
    this.free[this.freeTop++] = slot;
  }

  /** Every slot still in flight that went to `unit` (a unit died): unindexes it and calls `fn` (which releases). */
  drainUnit(unit: number, fn: (slot: number) => void): void {
    for (const [k, s] of this.index) {
      if (this.unit[s] !== unit) continue;
      this.index.delete(k);
      fn(s);
    }
  }
}
