/**
 * Per-flow controller memory, bounded: one slot per known connection (canonical key), fields in
 * parallel typed arrays (no object per flow), found through the SDK's FlowTable (key → slot).
 *
 * Two intrusive doubly linked lists over the slots, both ordered by last packet time because
 * every packet moves its flow to the tail (time is non-decreasing):
 *  - `lru`: every flow. Head = least recently seen → expired after flowIdleExpiryNs, or evicted
 *    when the table is full (O(1), no scan).
 *  - `open`: flows whose current flowlet is open. Head = the next flowlet to end by timeout, so
 *    ending flowlets costs O(1) each, amortised over the packets.
 * Arrays start small and double up to `capacity`.
 */
import { FlowTable } from '../../sdk/flow-table';

const NIL = -1;
const INITIAL_SLOTS = 1024;

export class FlowStore {
  readonly table: FlowTable<number>;
  size = 0;
  /** Allocated slots so far (≤ capacity); slots ≥ this were never used. */
  slots = 0;
  proto = new Uint8Array(0);
  srcIp = new Uint32Array(0);
  srcPort = new Uint16Array(0);
  dstIp = new Uint32Array(0);
  dstPort = new Uint16Array(0);
  used = new Uint8Array(0);
  clock = new Float64Array(0);
  lastPktNs = new Float64Array(0);
  flowletStartNs = new Float64Array(0);
  flowletBytes = new Float64Array(0);
  flowletPackets = new Float64Array(0);
  flowletId = new Float64Array(0);
  /** Demand estimate of the current flowlet (bps); the EWMA state between flowlets. */
  demandBps = new Float64Array(0);
  /** 1 while the flowlet counts in its unit's open demand. */
  open = new Uint8Array(0);
  unit = new Int32Array(0);
  prevUnit = new Int32Array(0);
  migrationUntilNs = new Float64Array(0);
  /** The unit's routedBytes right after this flow's last packet (its FIFO position there). */
  routedMark = new Float64Array(0);
  targetCount = new Uint8Array(0);
  /** K per slot. */
  targets = new Int32Array(0);
  private lruPrev = new Int32Array(0);
  private lruNext = new Int32Array(0);
  private openPrev = new Int32Array(0);
  private openNext = new Int32Array(0);
  private free = new Int32Array(0);
  private freeCount = 0;
  lruHead = NIL;
  private lruTail = NIL;
  openHead = NIL;
  private openTail = NIL;

  constructor(readonly capacity: number, readonly k: number) {
    this.table = new FlowTable<number>(Math.min(capacity, INITIAL_SLOTS) * 2);
    this.grow(Math.min(capacity, INITIAL_SLOTS));
  }

  lookup(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number): number {
    const s = this.table.getByFields(proto, srcIp, srcPort, dstIp, dstPort);
    return s === undefined ? NIL : s;
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  /** A zeroed slot for a new flow at the LRU tail. The caller evicts first when `full`. */
  insert(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number): number {
    if (this.freeCount === 0) this.grow(Math.min(this.capacity, Math.max(this.slots * 2, INITIAL_SLOTS)));
    const s = this.free[--this.freeCount]!;
    this.proto[s] = proto;
    this.srcIp[s] = srcIp;
    this.srcPort[s] = srcPort;
    this.dstIp[s] = dstIp;
    this.dstPort[s] = dstPort;
    this.used[s] = 1;
    this.clock[s] = 0;
    this.lastPktNs[s] = 0;
    this.flowletStartNs[s] = 0;
    this.flowletBytes[s] = 0;
    this.flowletPackets[s] = 0;
    this.flowletId[s] = 0;
    this.demandBps[s] = 0;
    this.open[s] = 0;
    this.unit[s] = NIL;
    this.prevUnit[s] = NIL;
    this.migrationUntilNs[s] = 0;
    this.routedMark[s] = 0;
    this.targetCount[s] = 0;
    this.table.setByFields(proto, srcIp, srcPort, dstIp, dstPort, s);
    this.size++;
    this.lruPrev[s] = this.lruTail;
    this.lruNext[s] = NIL;
    if (this.lruTail === NIL) this.lruHead = s;
    else this.lruNext[this.lruTail] = s;
    this.lruTail = s;
    return s;
  }

  /** Forget a flow (its flowlet must already be closed). */
  remove(s: number): void {
    this.table.deleteByFields(this.proto[s]!, this.srcIp[s]!, this.srcPort[s]!, this.dstIp[s]!, this.dstPort[s]!);
    const p = this.lruPrev[s]!;
    const n = this.lruNext[s]!;
    if (p === NIL) this.lruHead = n;
    else this.lruNext[p] = n;
    if (n === NIL) this.lruTail = p;
    else this.lruPrev[n] = p;
    this.used[s] = 0;
    this.size--;
    this.free[this.freeCount++] = s;
  }

  /** The flow was just seen: move it to the LRU tail (and the open-list tail if open). */
  touch(s: number): void {
    if (this.lruTail !== s) {
      const p = this.lruPrev[s]!;
      const n = this.lruNext[s]!;
      if (p === NIL) this.lruHead = n;
      else this.lruNext[p] = n;
      this.lruPrev[n] = p; // n !== NIL because s is not the tail
      this.lruPrev[s] = this.lruTail;
      this.lruNext[s] = NIL;
      this.lruNext[this.lruTail] = s;
      this.lruTail = s;
    }
    if (this.open[s] === 1 && this.openTail !== s) {
      this.unlinkOpen(s);
      this.linkOpen(s);
    }
  }

  markOpen(s: number): void {
    this.open[s] = 1;
    this.linkOpen(s);
  }

  markClosed(s: number): void {
    this.open[s] = 0;
    this.unlinkOpen(s);
  }

  private linkOpen(s: number): void {
    this.openPrev[s] = this.openTail;
    this.openNext[s] = NIL;
    if (this.openTail === NIL) this.openHead = s;
    else this.openNext[this.openTail] = s;
    this.openTail = s;
  }

  private unlinkOpen(s: number): void {
    const p = this.openPrev[s]!;
    const n = this.openNext[s]!;
    if (p === NIL) this.openHead = n;
    else this.openNext[p] = n;
    if (n === NIL) this.openTail = p;
    else this.openPrev[n] = p;
  }

  private grow(to: number): void {
    const from = this.slots;
    if (to <= from) return;
    const g = <T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: T, per = 1): T => {
      const b = new (a.constructor as { new (n: number): T })(to * per);
      b.set(a);
      return b;
    };
    this.proto = g(this.proto);
    this.srcIp = g(this.srcIp);
    this.srcPort = g(this.srcPort);
    this.dstIp = g(this.dstIp);
    this.dstPort = g(this.dstPort);
    this.used = g(this.used);
    this.clock = g(this.clock);
    this.lastPktNs = g(this.lastPktNs);
    this.flowletStartNs = g(this.flowletStartNs);
    this.flowletBytes = g(this.flowletBytes);
    this.flowletPackets = g(this.flowletPackets);
    this.flowletId = g(this.flowletId);
    this.demandBps = g(this.demandBps);
    this.open = g(this.open);
    this.unit = g(this.unit);
    this.prevUnit = g(this.prevUnit);
    this.migrationUntilNs = g(this.migrationUntilNs);
    this.routedMark = g(this.routedMark);
    this.targetCount = g(this.targetCount);
    this.targets = g(this.targets, this.k);
    this.lruPrev = g(this.lruPrev);
    this.lruNext = g(this.lruNext);
    this.openPrev = g(this.openPrev);
    this.openNext = g(this.openNext);
    const free = new Int32Array(to);
    free.set(this.free.subarray(0, this.freeCount));
    // New slots are handed out lowest first (popped from the end).
    for (let s = to - 1; s >= from; s--) free[this.freeCount++] = s;
    this.free = free;
    this.slots = to;
  }
}
