/**
 * The NAT's public port pool and its reverse index (public port → connection), for one handler
 * instance. This is the NF *configuration state* of paper §5: built once in `create`, never per
 * packet, and never replicated — it is unit-local.
 *
 * Layout: one slot per port of [min, max], in preallocated typed arrays (no objects, no Map):
 *   used      bitmap, 1 = port taken by a live connection
 *   proto     0 = slot never held a connection; else the IP protocol of its last owner
 *   inIp/inPort, remIp/remPort, lastSeenNs, flags — the last owner (kept after release so trailing
 *   packets of a just-closed connection still find their port until it is handed out again)
 *
 * Allocation is next-fit with a rotating cursor (as Linux picks ephemeral ports): a released port
 * is handed out again only after the cursor went once round the range, which keeps late packets
 * of a closed connection from landing on a new owner. Whole 32-port words are skipped when full.
 *
 * The table is derived from per-flow state, never the other way round: a connection's state that
 * arrives from elsewhere (a unit taking over a dead unit's id restores every flow from its output
 * logger; push/pull between units) is re-indexed here (`reindex`), so losing the table with its
 * process loses nothing.
 *
 * Slices (SNF units): the table indexes the WHOLE range (so a connection whose state moved here
 * from another unit can be recorded under its port for the reverse index), but allocates only
 * from its own slice [sliceFirst, sliceLast] (unitSlice below). Disjoint slices mean two units can
 * never hand out the same port.
 */
export const SLOT_FIN_OUT = 1;
export const SLOT_FIN_IN = 2;
export const SLOT_RST = 4;
/** The connection closed (both FINs or an RST): the port went back to the pool. */
export const SLOT_CLOSED = 8;
/** The mapping idled out and the port went back to the pool. */
export const SLOT_EXPIRED = 16;

/** Slot range [first, last] of unit `id` (1-based) of `units` over `size` ports; empty when first > last. */
export function unitSlice(size: number, id: number, units: number): { first: number; last: number } {
  return { first: Math.floor(((id - 1) * size) / units), last: Math.floor((id * size) / units) - 1 };
}

export class PortTable {
  readonly min: number;
  readonly max: number;
  readonly size: number;
  /** Slots this table may hand out (its unit's slice); the whole range for a single unit. */
  readonly sliceFirst: number;
  readonly sliceLast: number;
  private readonly used: Uint32Array;
  readonly proto: Uint8Array;
  readonly inIp: Uint32Array;
  readonly inPort: Uint16Array;
  readonly remIp: Uint32Array;
  readonly remPort: Uint16Array;
  readonly lastSeenNs: Float64Array;
  readonly flags: Uint8Array;
  private cursor = 0;
  /** Ports currently taken. */
  live = 0;

  constructor(min: number, max: number, unitId = 1, maxUnits = 1) {
    this.min = min;
    this.max = max;
    this.size = max - min + 1;
    const slice = unitSlice(this.size, unitId, maxUnits);
    this.sliceFirst = slice.first;
    this.sliceLast = slice.last;
    this.cursor = slice.first;
    this.used = new Uint32Array((this.size + 31) >>> 5);
    this.proto = new Uint8Array(this.size);
    this.inIp = new Uint32Array(this.size);
    this.inPort = new Uint16Array(this.size);
    this.remIp = new Uint32Array(this.size);
    this.remPort = new Uint16Array(this.size);
    this.lastSeenNs = new Float64Array(this.size);
    this.flags = new Uint8Array(this.size);
  }

  /** Slot index of a public port, or -1 when the port is outside this pool. */
  slotOf(port: number): number {
    return port >= this.min && port <= this.max ? port - this.min : -1;
  }

  /** The slot's port belongs to this table's slice (it may hand it out and take it back). */
  inSlice(slot: number): boolean {
    return slot >= this.sliceFirst && slot <= this.sliceLast;
  }

  isUsed(slot: number): boolean {
    return (this.used[slot >>> 5]! & (1 << (slot & 31))) !== 0;
  }

  /** The slot's last owner is exactly this connection (live or just released). */
  owns(slot: number, proto: number, inIp: number, inPort: number, remIp: number, remPort: number): boolean {
    return (
      this.proto[slot] === proto &&
      this.inIp[slot] === inIp &&
      this.inPort[slot] === inPort &&
      this.remIp[slot] === remIp &&
      this.remPort[slot] === remPort
    );
  }

  /** Next free slot of the slice at or after the cursor (wrapping), or -1 when all are taken. */
  findFree(): number {
    const first = this.sliceFirst;
    const end = this.sliceLast + 1;
    const size = end - first;
    if (size <= 0) return -1;
    let slot = this.cursor;
    for (let scanned = 0; scanned <= size; ) {
      if (slot >= end) slot = first;
      const w = this.used[slot >>> 5]!;
      if (w === 0xffffffff) {
        // Whole word taken: jump to the next word boundary (or the slice's end).
        const next = Math.min(((slot >>> 5) + 1) << 5, end);
        scanned += next - slot;
        slot = next;
        continue;
      }
      if ((w & (1 << (slot & 31))) === 0) return slot;
      slot++;
      scanned++;
    }
    return -1;
  }

  /** Take `slot` for a new connection (the caller checked it is free); the cursor moves past it. */
  take(slot: number, proto: number, inIp: number, inPort: number, remIp: number, remPort: number, nowNs: number): void {
    this.adopt(slot, proto, inIp, inPort, remIp, remPort, nowNs);
    this.cursor = slot + 1;
  }

  /**
   * Take `slot` for a connection that already owns that port elsewhere (its state moved here from
   * another unit); the cursor stays, so next-fit order is not disturbed.
   */
  adopt(slot: number, proto: number, inIp: number, inPort: number, remIp: number, remPort: number, nowNs: number): void {
    if (!this.isUsed(slot)) this.live++;
    this.used[slot >>> 5]! |= 1 << (slot & 31);
    this.record(slot, proto, inIp, inPort, remIp, remPort, nowNs, 0);
  }

  /** Write the slot's owner record (the used bit is the caller's). */
  private record(slot: number, proto: number, inIp: number, inPort: number, remIp: number, remPort: number, lastSeenNs: number, flags: number): void {
    this.proto[slot] = proto;
    this.inIp[slot] = inIp;
    this.inPort[slot] = inPort;
    this.remIp[slot] = remIp;
    this.remPort[slot] = remPort;
    this.lastSeenNs[slot] = lastSeenNs;
    this.flags[slot] = flags;
  }

  /**
   * Re-index a connection whose per-flow state arrived from elsewhere (handler.stateArrived), so
   * the table does not depend on which unit saw which packet: what the state says is folded into
   * the slot (newest lastSeenNs, close bits OR-ed). `claim` (a mapping's own state; a reply's
   * bookkeeping never claims): a live connection takes the port, and a stale record of another
   * unit's slice gives way to it, as when such a state reaches withMapping. A port of this slice
   * held by another live connection is left alone (the connection's next packet remaps it). A
   * port of the slice also moves the cursor past it: a unit that took over a dead unit's id hands
   * out after the ports its predecessor issued, as the predecessor would have.
   */
  reindex(slot: number, proto: number, inIp: number, inPort: number, remIp: number, remPort: number, lastSeenNs: number, closeFlags: number, claim: boolean): void {
    const used = this.isUsed(slot);
    if (this.owns(slot, proto, inIp, inPort, remIp, remPort)) {
      if (lastSeenNs > this.lastSeenNs[slot]!) this.lastSeenNs[slot] = lastSeenNs;
      this.flags[slot]! |= closeFlags;
    } else {
      if (used && (!claim || this.inSlice(slot))) return;
      this.record(slot, proto, inIp, inPort, remIp, remPort, lastSeenNs, closeFlags);
    }
    if (this.inSlice(slot) && slot >= this.cursor) this.cursor = slot + 1;
    if (this.flags[slot]! & SLOT_CLOSED) this.release(slot, SLOT_CLOSED);
    else if (claim && !used) {
      this.used[slot >>> 5]! |= 1 << (slot & 31);
      this.live++;
      this.flags[slot]! &= ~SLOT_EXPIRED;
    }
  }

  /** Return `slot` to the pool, keeping its owner recorded (with `why`: CLOSED or EXPIRED). */
  release(slot: number, why: number): void {
    if (!this.isUsed(slot)) return;
    this.used[slot >>> 5]! &= ~(1 << (slot & 31));
    this.live--;
    this.flags[slot]! |= why;
  }

  /**
   * Release every live slot idle for longer than its protocol's timeout. Called only when the pool
   * is exhausted (lazy expiry): a full scan, amortised over the allocations it makes possible.
   */
  sweepExpired(nowNs: number, tcpIdleNs: number, udpIdleNs: number): number {
    let freed = 0;
    for (let slot = this.sliceFirst; slot <= this.sliceLast; slot++) {
      if (!this.isUsed(slot)) continue;
      const idle = this.proto[slot] === 6 ? tcpIdleNs : udpIdleNs;
      if (nowNs - this.lastSeenNs[slot]! > idle) {
        this.release(slot, SLOT_EXPIRED);
        freed++;
      }
    }
    return freed;
  }
}
