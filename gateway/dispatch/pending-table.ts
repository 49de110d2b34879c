/**
 * Packets in flight at the units, found again by what EGRESS echoes: (flowletId, clock).
 *
 * Slots live in preallocated typed arrays with a free stack. The (flowletId, clock) → slot index
 * is an open-addressing hash table in typed arrays (linear probing, backward-shift deletion), not a
 * Map: the packed key flowletId·2^20 + clock is a heap double above 2^31, and Map.set/delete of
 * doubles showed as 12 % of the gateway's CPU (profile 2026-11-28). No allocation per packet.
 */
export const NO_SLOT = -1;
const EMPTY = -1;

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
  /** Hash index: key halves and slot per bucket (EMPTY = free); power-of-two size ≥ 2 × capacity. */
  private readonly hFlowlet: Uint32Array;
  private readonly hClock: Uint32Array;
  private readonly hSlot: Int32Array;
  private readonly mask: number;
  /** Packets sent to each unit whose egress has not come back (indexed entries), by unit id. */
  private readonly atUnit = new Int32Array(1 << 16);

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
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.hFlowlet = new Uint32Array(size);
    this.hClock = new Uint32Array(size);
    this.hSlot = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
  }

  private bucket(flowletId: number, clock: number): number {
    return (Math.imul(flowletId, 0x9e3779b1) ^ Math.imul(clock, 0x85ebca77) ^ (clock >>> 15)) & this.mask;
  }

  /** Bucket holding (flowletId, clock), or −1. */
  private find(flowletId: number, clock: number): number {
    const f = flowletId >>> 0;
    const c = clock >>> 0;
    for (let b = this.bucket(f, c); ; b = (b + 1) & this.mask) {
      if (this.hSlot[b] === EMPTY) return -1;
      if (this.hFlowlet[b] === f && this.hClock[b] === c) return b;
    }
  }

  /** Empties bucket `b`, shifting later members of its probe run back (no tombstones). */
  private removeAt(b: number): void {
    const m = this.mask;
    let hole = b;
    for (let j = (b + 1) & m; this.hSlot[j] !== EMPTY; j = (j + 1) & m) {
      const home = this.bucket(this.hFlowlet[j]!, this.hClock[j]!);
      // j may move into the hole iff its home is not cyclically in (hole, j].
      if (((j - home) & m) >= ((j - hole) & m)) {
        this.hFlowlet[hole] = this.hFlowlet[j]!;
        this.hClock[hole] = this.hClock[j]!;
        this.hSlot[hole] = this.hSlot[j]!;
        hole = j;
      }
    }
    this.hSlot[hole] = EMPTY;
  }

  get size(): number {
    return this.capacity - this.freeTop;
  }

  /** NO_SLOT when full or when the id pair is already in flight (both counted by the caller). */
  add(flowletId: number, clock: number, seq: number, ingressNs: number, source: number, wireBytes: number, unit: number, flow = 0, flowClock = clock): number {
    if (this.freeTop === 0) return NO_SLOT;
    const f = flowletId >>> 0;
    const c = clock >>> 0;
    let b = this.bucket(f, c);
    for (; this.hSlot[b] !== EMPTY; b = (b + 1) & this.mask) if (this.hFlowlet[b] === f && this.hClock[b] === c) return NO_SLOT;
    const s = this.free[--this.freeTop]!;
    this.hFlowlet[b] = f;
    this.hClock[b] = c;
    this.hSlot[b] = s;
    this.atUnit[unit & 0xffff]++;
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
    const b = this.find(flowletId, clock);
    if (b < 0) return NO_SLOT;
    const s = this.hSlot[b]!;
    this.removeAt(b);
    this.atUnit[this.unit[s]! & 0xffff]--;
    return s;
  }

  /** Packets sent to `unit` whose egress has not come back. */
  inFlightAt(unit: number): number {
    return this.atUnit[unit & 0xffff]!;
  }

  release(slot: number): void {
    this.free[this.freeTop++] = slot;
  }

  /** Every slot still in flight that went to `unit` (a unit died): unindexes it and calls `fn` (which releases). */
  drainUnit(unit: number, fn: (slot: number) => void): void {
    // Rare (a unit died): collect first, then remove, so backward shifts cannot hide an entry.
    const hit: number[] = [];
    for (let b = 0; b <= this.mask; b++) {
      const s = this.hSlot[b]!;
      if (s !== EMPTY && this.unit[s] === unit) hit.push(this.hFlowlet[b]!, this.hClock[b]!);
    }
    for (let i = 0; i < hit.length; i += 2) {
      const s = this.take(hit[i]!, hit[i + 1]!);
      if (s !== NO_SLOT) fn(s);
    }
  }

  /** Visits every slot in flight at `unit` with its (flowletId, clock) key; nothing changes (rare: recovery). */
  forUnit(unit: number, fn: (flowletId: number, clock: number, slot: number) => void): void {
    for (let b = 0; b <= this.mask; b++) {
      const s = this.hSlot[b]!;
      if (s !== EMPTY && this.unit[s] === unit) fn(this.hFlowlet[b]!, this.hClock[b]!, s);
    }
  }

  /** The slot of (flowletId, clock) if still in flight, else NO_SLOT (nothing changes). */
  slotOf(flowletId: number, clock: number): number {
    const b = this.find(flowletId, clock);
    return b < 0 ? NO_SLOT : this.hSlot[b]!;
  }
}
