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
 */
export const SLOT_FIN_OUT = 1;
export const SLOT_FIN_IN = 2;
export const SLOT_RST = 4;
/** The connection closed (both FINs or an RST): the port went back to the pool. */
export const SLOT_CLOSED = 8;
/** The mapping idled out and the port went back to the pool. */
export const SLOT_EXPIRED = 16;

export class PortTable {
  readonly min: number;
  readonly max: number;
  readonly size: number;
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

  constructor(min: number, max: number) {
    this.min = min;
    this.max = max;
    this.size = max - min + 1;
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

  /** Next free slot at or after the cursor (wrapping), or -1 when every port is taken. */
  findFree(): number {
    const size = this.size;
    let slot = this.cursor;
    for (let scanned = 0; scanned <= size; ) {
      if (slot >= size) slot = 0;
      const w = this.used[slot >>> 5]!;
      if (w === 0xffffffff) {
        // Whole word taken: jump to the next word boundary.
        const next = ((slot >>> 5) + 1) << 5;
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
    this.used[slot >>> 5]! |= 1 << (slot & 31);
    this.live++;
    this.proto[slot] = proto;
    this.inIp[slot] = inIp;
    this.inPort[slot] = inPort;
    this.remIp[slot] = remIp;
    this.remPort[slot] = remPort;
    this.lastSeenNs[slot] = nowNs;
    this.flags[slot] = 0;
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
    for (let slot = 0; slot < this.size; slot++) {
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
