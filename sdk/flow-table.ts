/**
 * `FlowTable<V>`: a hash table keyed by the IPv4 5-tuple, without string keys.
 *
 * Open addressing with linear probing over parallel typed arrays (one slot = proto, srcIp,
 * dstIp, packed ports, cached hash), values in a plain array. A lookup hashes five numbers and
 * compares typed-array entries: no allocation, no string building (a `Map` keyed by
 * "tcp 1.2.3.4:5>…" allocates a string per packet; see bench/sdk-micro.ts).
 *
 * Capacity is a power of two; the table doubles when more than 3/4 full. Deletion uses backward
 * shift (no tombstones), so probe chains never degrade under flow churn.
 */
import { flowHashFields, type FlowKey } from './flow-key';

const MIN_CAPACITY = 16;

export class FlowTable<V> {
  // Assigned by `allocate`, from the constructor and `grow`.
  private capacity!: number;
  private mask!: number;
  private count = 0;
  /** 1 when the slot holds an entry. */
  private used!: Uint8Array;
  private hashes!: Uint32Array;
  private protos!: Uint8Array;
  private srcIps!: Uint32Array;
  private dstIps!: Uint32Array;
  /** srcPort << 16 | dstPort. */
  private ports!: Uint32Array;
  private values!: (V | undefined)[];

  constructor(initialCapacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < initialCapacity) cap *= 2;
    this.allocate(cap);
  }

  /** Fresh, empty slot arrays of `cap` (a power of two) slots. */
  private allocate(cap: number): void {
    this.capacity = cap;
    this.mask = cap - 1;
    this.used = new Uint8Array(cap);
    this.hashes = new Uint32Array(cap);
    this.protos = new Uint8Array(cap);
    this.srcIps = new Uint32Array(cap);
    this.dstIps = new Uint32Array(cap);
    this.ports = new Uint32Array(cap);
    this.values = new Array<V | undefined>(cap).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** Slot of the key, or -1. */
  private find(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number, hash: number): number {
    const mask = this.mask;
    const packed = ((srcPort << 16) | (dstPort & 0xffff)) >>> 0;
    let i = hash & mask;
    while (this.used[i] === 1) {
      if (
        this.hashes[i] === hash &&
        this.srcIps[i] === srcIp &&
        this.dstIps[i] === dstIp &&
        this.ports[i] === packed &&
        this.protos[i] === proto
      ) {
        return i;
      }
      i = (i + 1) & mask;
    }
    return -1;
  }

  getByFields(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number): V | undefined {
    const slot = this.find(proto, srcIp >>> 0, srcPort, dstIp >>> 0, dstPort, flowHashFields(proto, srcIp >>> 0, srcPort, dstIp >>> 0, dstPort));
    return slot < 0 ? undefined : this.values[slot];
  }

  get(k: FlowKey): V | undefined {
    return this.getByFields(k.proto, k.srcIp, k.srcPort, k.dstIp, k.dstPort);
  }

  has(k: FlowKey): boolean {
    const { proto, srcIp, srcPort, dstIp, dstPort } = k;
    return this.find(proto, srcIp >>> 0, srcPort, dstIp >>> 0, dstPort, flowHashFields(proto, srcIp >>> 0, srcPort, dstIp >>> 0, dstPort)) >= 0;
  }

  set(k: FlowKey, value: V): this {
    return this.setByFields(k.proto, k.srcIp, k.srcPort, k.dstIp, k.dstPort, value);
  }

  setByFields(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number, value: V): this {
    srcIp >>>= 0;
    dstIp >>>= 0;
    const hash = flowHashFields(proto, srcIp, srcPort, dstIp, dstPort);
    const found = this.find(proto, srcIp, srcPort, dstIp, dstPort, hash);
    if (found >= 0) {
      this.values[found] = value;
      return this;
    }
    if ((this.count + 1) * 4 > this.capacity * 3) this.grow();
    this.insertNew(proto, srcIp, ((srcPort << 16) | (dstPort & 0xffff)) >>> 0, dstIp, hash, value);
    this.count++;
    return this;
  }

  private insertNew(proto: number, srcIp: number, packed: number, dstIp: number, hash: number, value: V | undefined): void {
    const mask = this.mask;
    let i = hash & mask;
    while (this.used[i] === 1) i = (i + 1) & mask;
    this.used[i] = 1;
    this.hashes[i] = hash;
    this.protos[i] = proto;
    this.srcIps[i] = srcIp;
    this.dstIps[i] = dstIp;
    this.ports[i] = packed;
    this.values[i] = value;
  }

  private grow(): void {
    const { used, hashes, protos, srcIps, dstIps, ports, values, capacity } = this;
    this.allocate(capacity * 2);
    for (let i = 0; i < capacity; i++) {
      if (used[i] === 1) this.insertNew(protos[i]!, srcIps[i]!, ports[i]!, dstIps[i]!, hashes[i]!, values[i]);
    }
  }

  delete(k: FlowKey): boolean {
    return this.deleteByFields(k.proto, k.srcIp, k.srcPort, k.dstIp, k.dstPort);
  }

  deleteByFields(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number): boolean {
    srcIp >>>= 0;
    dstIp >>>= 0;
    let hole = this.find(proto, srcIp, srcPort, dstIp, dstPort, flowHashFields(proto, srcIp, srcPort, dstIp, dstPort));
    if (hole < 0) return false;
    const mask = this.mask;
    // Backward shift: walk the cluster after the hole and move back every entry whose home slot
    // is not cyclically inside (hole, j], so every remaining entry stays reachable from its home.
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      if (this.used[j] !== 1) break;
      const home = this.hashes[j]! & mask;
      const distHomeToJ = (j - home) & mask;
      const distHoleToJ = (j - hole) & mask;
      if (distHomeToJ >= distHoleToJ) {
        this.moveSlot(j, hole);
        hole = j;
      }
    }
    this.used[hole] = 0;
    this.values[hole] = undefined;
    this.count--;
    return true;
  }

  private moveSlot(from: number, to: number): void {
    this.used[to] = 1;
    this.hashes[to] = this.hashes[from]!;
    this.protos[to] = this.protos[from]!;
    this.srcIps[to] = this.srcIps[from]!;
    this.dstIps[to] = this.dstIps[from]!;
    this.ports[to] = this.ports[from]!;
    this.values[to] = this.values[from];
  }

  clear(): void {
    this.used.fill(0);
    this.values.fill(undefined);
    this.count = 0;
  }

  /**
   * Calls `fn(value, key)` for every entry, over a snapshot taken first, so `fn` may set or
   * delete entries (including the current one). Each call gets its own key object.
   */
  forEach(fn: (value: V, key: FlowKey) => void): void {
    const slots: number[] = [];
    for (let i = 0; i < this.capacity; i++) if (this.used[i] === 1) slots.push(i);
    const keys: FlowKey[] = [];
    const vals: V[] = [];
    for (const i of slots) {
      const packed = this.ports[i]!;
      keys.push({ proto: this.protos[i]!, srcIp: this.srcIps[i]!, srcPort: packed >>> 16, dstIp: this.dstIps[i]!, dstPort: packed & 0xffff });
      vals.push(this.values[i] as V);
    }
    for (let n = 0; n < keys.length; n++) fn(vals[n]!, keys[n]!);
  }

  /** Entries as [key, value] pairs (a snapshot; for tests, tools and state transfer). */
  entries(): [FlowKey, V][] {
    const out: [FlowKey, V][] = [];
    this.forEach((v, k) => out.push([k, v]));
    return out;
  }
}
