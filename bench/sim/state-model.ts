/**
 * Where a flow's state is, and when a packet may be processed (paper §5.1–§5.3).
 *
 * A "gate" packet is a flow's first packet at a unit other than its previous packet's unit
 * (a moved flowlet, a smartflow migration, a packet-mode hop). It is processed only once the
 * state tagged with the previous packet's clock is at its unit:
 * - proactive: a flow idle T/2 at its unit pushes its state to the flowlet's K targets (lands
 *   after `pushNs`). Replica with the right tag already landed → seamless; in flight → waited;
 *   otherwise a reactive pull from the previous unit → pulled.
 * - reactive: always a pull (RTT + transfer).
 * - external: the idle flow writes to the store (lands after storeWrite); a moved flowlet reads
 *   it (storeRead), waiting for the write when it has not landed (waited), or asking the old
 *   unit to write first when it never started (pulled).
 * - packet: every packet reads the store before and writes it after processing (per-flow
 *   serialized: a packet's read waits for the previous packet's write).
 * A pull is requested when the gate packet reaches its unit; the request reaches the old unit one
 * peer hop later and waits there for the flow's previous packet to leave, so the state lands at
 * max(request arrival, that departure) + one hop + transfer (before 2026-11-29 the whole pull
 * started only at the departure, charging a second hop the request had already made). The old
 * unit's store write (external) likewise starts at that departure. Packets behind a gate wait in
 * the flow's hold list, in order.
 */
import type { EventQueue } from './event-queue';
import type { PacketTable } from './packet-table';
import type { FifoServers } from './fifo-servers';
import { pullNs, pushNs, type SimParams } from './params';

export const EV_READY = 3;
export const EV_PUSH = 4;

export type StateModelMode = 'proactive' | 'reactive' | 'external' | 'packet';

export interface StateCounters {
  /** Gates at a different unit than the flow's previous packet (moved flowlets / hops). */
  moved: number;
  seamless: number;
  waited: number;
  pulled: number;
  pushes: number;
  replicationBytes: number;
  storeReads: number;
  storeWrites: number;
}

export class StateModel {
  readonly counters: StateCounters = { moved: 0, seamless: 0, waited: 0, pulled: 0, pushes: 0, replicationBytes: 0, storeReads: 0, storeWrites: 0 };
  private readonly heldHead: Int32Array;
  private readonly heldTail: Int32Array;
  private readonly lastDepartSeq: Int32Array;
  private readonly lastDepartAt: Float64Array;
  readonly routedSeq: Int32Array;
  private readonly waitSeq: Int32Array;
  private readonly waitExtra: Float64Array;
  private readonly waitHold: Float64Array;
  /** Earliest time the old unit can act on the gate's request (pull request arrival), ns. */
  private readonly waitFrom: Float64Array;
  private readonly replTag: Int32Array;
  private readonly replLandAt: Float64Array;
  private readonly replUnits: Int32Array;
  private readonly replCount: Uint8Array;
  private readonly targets: Int32Array;
  private readonly targetCount: Uint8Array;
  private readonly checkPending: Uint8Array;
  private readonly pushNs: number;
  private readonly pullNs: number;

  constructor(
    readonly mode: StateModelMode,
    private readonly p: SimParams,
    private readonly halfTimeoutNs: number,
    private readonly k: number,
    private readonly pk: PacketTable,
    private readonly flowOf: Int32Array,
    flowCount: number,
    private readonly units: FifoServers,
    private readonly events: EventQueue,
  ) {
    const kk = Math.max(1, k);
    this.heldHead = new Int32Array(flowCount).fill(-1);
    this.heldTail = new Int32Array(flowCount).fill(-1);
    this.lastDepartSeq = new Int32Array(flowCount);
    this.lastDepartAt = new Float64Array(flowCount);
    this.routedSeq = new Int32Array(flowCount);
    this.waitSeq = new Int32Array(flowCount).fill(-1);
    this.waitExtra = new Float64Array(flowCount);
    this.waitHold = new Float64Array(flowCount);
    this.waitFrom = new Float64Array(flowCount);
    this.replTag = new Int32Array(flowCount).fill(-1);
    this.replLandAt = new Float64Array(flowCount);
    this.replUnits = new Int32Array(flowCount * kk);
    this.replCount = new Uint8Array(flowCount);
    this.targets = new Int32Array(flowCount * kk);
    this.targetCount = new Uint8Array(flowCount);
    this.checkPending = new Uint8Array(flowCount);
    this.pushNs = pushNs(p);
    this.pullNs = pullNs(p);
  }

  /** Remember the controller's replication targets of the flow's current flowlet. */
  setTargets(f: number, targets: Int32Array, count: number): void {
    const n = Math.min(count, this.k);
    const base = f * Math.max(1, this.k);
    for (let i = 0; i < n; i++) this.targets[base + i] = targets[i];
    this.targetCount[f] = n;
  }

  /** The packet reached its unit. */
  arrive(pkt: number, now: number): void {
    const f = this.flowOf[pkt];
    if (this.heldHead[f] >= 0) {
      this.appendHeld(f, pkt);
      return;
    }
    if (this.pk.gate[pkt] === 0) {
      this.units.enqueue(pkt, now);
      return;
    }
    const at = this.evaluateGate(pkt, now);
    if (at <= now) {
      this.units.enqueue(pkt, now);
      return;
    }
    this.appendHeld(f, pkt);
    if (at !== Infinity) this.events.push(at, EV_READY, f, this.pk.seq[pkt]);
  }

  /** The state for the gate at the head of the flow's hold list is in place: release in order. */
  ready(f: number, gateSeq: number, now: number): void {
    let pkt = this.heldHead[f];
    if (pkt < 0 || this.pk.seq[pkt] !== gateSeq) return; // cannot happen: one timer per head gate
    this.units.enqueue(this.popHeld(f), now);
    while ((pkt = this.heldHead[f]) >= 0) {
      if (this.pk.gate[pkt] !== 0) {
        const at = this.evaluateGate(pkt, now);
        if (at > now) {
          if (at !== Infinity) this.events.push(at, EV_READY, f, this.pk.seq[pkt]);
          return;
        }
      }
      this.units.enqueue(this.popHeld(f), now);
    }
  }

  /**
   * The packet left its unit. Returns extra delay before it egresses (packet mode's store write).
   */
  depart(pkt: number, now: number): number {
    const f = this.flowOf[pkt];
    const s = this.pk.seq[pkt];
    this.lastDepartSeq[f] = s;
    this.lastDepartAt[f] = now;
    let extra = 0;
    if (this.mode === 'packet') {
      extra = this.p.storeWriteNs;
      this.counters.storeWrites++;
    }
    if (this.waitSeq[f] === s) {
      this.waitSeq[f] = -1;
      // The pull (or the old unit's store write) can start now that this packet is done.
      this.events.push(Math.max(Math.max(now + extra, this.waitFrom[f]) + this.waitExtra[f], this.waitHold[f]), EV_READY, f, s + 1);
    }
    if ((this.mode === 'proactive' || this.mode === 'external') && this.checkPending[f] === 0) {
      this.checkPending[f] = 1;
      this.events.push(now + this.halfTimeoutNs, EV_PUSH, f, s);
    }
    return extra;
  }

  /** T/2 after a departure: push (or write to the store) if the flow has stayed idle since. */
  pushCheck(f: number, s: number, now: number): void {
    this.checkPending[f] = 0;
    const last = this.lastDepartSeq[f];
    if (last !== s) {
      this.checkPending[f] = 1;
      this.events.push(this.lastDepartAt[f] + this.halfTimeoutNs, EV_PUSH, f, last);
      return;
    }
    // A newer packet is still on its way to or queued at a unit: its departure re-arms the check.
    if (this.routedSeq[f] !== s || this.replTag[f] === s) return;
    this.replTag[f] = s;
    if (this.mode === 'external') {
      this.replLandAt[f] = now + this.p.storeWriteNs;
      this.counters.storeWrites++;
      this.counters.replicationBytes += this.p.stateBytes;
      return;
    }
    const n = this.targetCount[f];
    const base = f * Math.max(1, this.k);
    for (let i = 0; i < n; i++) this.replUnits[base + i] = this.targets[base + i];
    this.replCount[f] = n;
    this.replLandAt[f] = now + this.pushNs;
    this.counters.pushes += n;
    this.counters.replicationBytes += n * this.p.stateBytes;
  }

  /** When the gate packet's state is at its unit: a time (≤ now: at once) or Infinity (waits for a departure). */
  private evaluateGate(pkt: number, now: number): number {
    const f = this.flowOf[pkt];
    const s = this.pk.seq[pkt];
    const u = this.pk.unitOf[pkt];
    const hold = this.pk.holdUntilNs[pkt];
    const prev = this.pk.prevUnit[pkt];
    const c = this.counters;
    if (this.mode === 'packet') {
      c.storeReads++;
      if (prev >= 0 && prev !== u) { c.moved++; c.pulled++; }
      if (s === 1 || this.lastDepartSeq[f] === s - 1) {
        // The previous packet's write finished at its egress (departure + write).
        const writeDone = s === 1 ? 0 : this.lastDepartAt[f] + this.p.storeWriteNs;
        return Math.max(Math.max(now, writeDone) + this.p.storeReadNs, hold);
      }
      return this.waitDeparture(f, s, 0, this.p.storeReadNs, hold);
    }
    if (prev < 0 || prev === u) return hold;
    c.moved++;
    if (this.mode === 'proactive' && this.replTag[f] === s - 1 && this.hasReplica(f, u)) {
      const land = this.replLandAt[f];
      if (land <= now) c.seamless++;
      else c.waited++;
      return Math.max(land, hold);
    }
    if (this.mode === 'external') {
      c.storeReads++;
      if (this.replTag[f] === s - 1) {
        const land = this.replLandAt[f];
        if (land <= now) c.pulled++;
        else c.waited++;
        return Math.max(Math.max(now, land) + this.p.storeReadNs, hold);
      }
      c.pulled++;
      c.storeWrites++;
      const rw = this.p.storeWriteNs + this.p.storeReadNs;
      if (this.lastDepartSeq[f] === s - 1) return Math.max(now + rw, hold);
      return this.waitDeparture(f, s, 0, rw, hold);
    }
    c.pulled++;
    if (this.lastDepartSeq[f] === s - 1) return Math.max(now + this.pullNs, hold);
    // The request is already at the old unit when the previous packet leaves it, unless that is within one hop.
    const hop = this.p.earlyPullRequest ? this.p.peerOneWayNs : 0;
    return this.waitDeparture(f, s, now + hop, this.pullNs - hop, hold);
  }

  /** The gate waits for packet s−1 to leave its unit; then `extra` more (not before `from` + `extra`). */
  private waitDeparture(f: number, s: number, from: number, extra: number, hold: number): number {
    this.waitSeq[f] = s - 1;
    this.waitFrom[f] = from;
    this.waitExtra[f] = extra;
    this.waitHold[f] = hold;
    return Infinity;
  }

  private hasReplica(f: number, u: number): boolean {
    const base = f * Math.max(1, this.k);
    for (let i = 0, n = this.replCount[f]; i < n; i++) if (this.replUnits[base + i] === u) return true;
    return false;
  }

  private appendHeld(f: number, pkt: number): void {
    this.pk.next[pkt] = -1;
    if (this.heldTail[f] < 0) this.heldHead[f] = pkt;
    else this.pk.next[this.heldTail[f]] = pkt;
    this.heldTail[f] = pkt;
  }

  private popHeld(f: number): number {
    const pkt = this.heldHead[f];
    this.heldHead[f] = this.pk.next[pkt];
    if (this.heldHead[f] < 0) this.heldTail[f] = -1;
    return pkt;
  }
}
