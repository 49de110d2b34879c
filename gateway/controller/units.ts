/**
 * The compute units one controller manages: ids 1..maxUnits, their state, start-up time, the load
 * the packer sees, and three id lists kept sorted ascending (the WAM scans units in id order):
 * `ids` = every running unit (starting, active or standby), `packIds` = the units the packer may
 * give flowlets (every running unit but standbys, and with `awaitUp` only units reported up),
 * `readyIds` = active units that are not standby (state can be pushed to them, packet mode's round
 * robin). Without awaitUp and standbys, packIds = ids. A new unit takes the lowest free id, so
 * packing keeps concentrating on low ids after units come and go.
 *
 * Writes to a unit's load or backlog go through `setLoad` / `addBacklog` / `releaseBacklog` (and
 * start/stop), which mark it dirty in `pack`, the packer's index (pack-index.ts); `readyWeights`
 * follows the ready set for the replication-target draw. Both keep assignment sub-linear in units.
 */
import { PackIndex } from './pack-index';
import { ReadyWeights } from './replication-targets';
import { UnitState } from './types';

export class UnitTable {
  readonly state: Uint8Array;
  readonly readyAtNs: Float64Array;
  readonly lastRoutedNs: Float64Array;
  /** Sum of the demand estimates of the open flowlets on the unit (bps). */
  readonly openDemandBps: Float64Array;
  /** Open flowlets on the unit (exact; the demand sum is reset to 0 when this reaches 0, so float drift cannot accumulate). */
  readonly openFlowlets: Int32Array;
  /** Drain-meter rate at the last refresh (bps). */
  readonly meterBps: Float64Array;
  /** Bytes routed to the unit and not yet drained (its queue plus what is in flight to it), ≥ 0. */
  readonly backlogBytes: Float64Array;
  /**
   * Bytes ever routed to the unit id (monotonic, kept across restarts of the id). A flow's
   * outstanding bytes at the unit = backlog − (routedBytes − the flow's mark at its last packet).
   */
  readonly routedBytes: Float64Array;
  /** The backlog on the load scale: backlogBytes·8 / backlogBudget (bps; 0 when countBacklog is off). */
  readonly backlogBps: Float64Array;
  /** Part of backlogBps: the penalty of a unit that is behind (Controller.unitBehind), else 0. */
  readonly behindBps: Float64Array;
  /** Meter + open demand (bps): the packer's utilization score. The fit test and the scaler add backlogBps. */
  readonly loadBps: Float64Array;
  /** 1/id, precomputed for the replication-target draw. */
  readonly invId: Float64Array;
  readonly ids: Int32Array;
  count = 0;
  readonly readyIds: Int32Array;
  readyCount = 0;
  /** Σ 1/id over readyIds. */
  readyWeight = 0;
  startingCount = 0;
  /** 1 for a unit started and not yet reported up (Controller.unitUp; startOneAtATime or awaitUp). */
  readonly comingUp: Uint8Array;
  comingUpCount = 0;
  /** Units the packer may give flowlets (see the header), sorted ascending. */
  readonly packIds: Int32Array;
  packCount = 0;
  /** 1 for a warm standby unit: running, given no flowlets and no pushed state until promoted. */
  readonly standby: Uint8Array;
  standbyCount = 0;
  /** Membership flags of readyIds and packIds. */
  private readonly inReady: Uint8Array;
  private readonly inPack: Uint8Array;
  /** Earliest readyAtNs among starting units (Infinity when none). */
  nextReadyAtNs = Infinity;
  /** The packer's index over (load, fit load); see pack-index.ts. */
  readonly pack: PackIndex;
  /** Prefix sums of 1/id over the ready units, for the replication-target draw. */
  readonly readyWeights: ReadyWeights;
  /** isRunning / isReady as functions (no closure per call on the decision path). */
  readonly runningTest = (u: number): boolean => this.isRunning(u);
  readonly readyTest = (u: number): boolean => this.isReady(u);
  readonly packTest = (u: number): boolean => this.isPackable(u);

  /**
   * `awaitUp`: a started unit stays STARTING (readyAtNs = Infinity) until `markUp`, so the packer,
   * the replication targets and the scaler's tests see it only once it is up.
   */
  constructor(readonly maxUnits: number, capacityBps = 1, readonly awaitUp = false) {
    const n = maxUnits + 1;
    this.state = new Uint8Array(n);
    this.readyAtNs = new Float64Array(n);
    this.lastRoutedNs = new Float64Array(n);
    this.openDemandBps = new Float64Array(n);
    this.openFlowlets = new Int32Array(n);
    this.meterBps = new Float64Array(n);
    this.loadBps = new Float64Array(n);
    this.backlogBytes = new Float64Array(n);
    this.routedBytes = new Float64Array(n);
    this.backlogBps = new Float64Array(n);
    this.behindBps = new Float64Array(n);
    this.invId = new Float64Array(n);
    for (let u = 1; u < n; u++) this.invId[u] = 1 / u;
    this.ids = new Int32Array(maxUnits);
    this.readyIds = new Int32Array(maxUnits);
    this.comingUp = new Uint8Array(n);
    this.packIds = new Int32Array(maxUnits);
    this.standby = new Uint8Array(n);
    this.inReady = new Uint8Array(n);
    this.inPack = new Uint8Array(n);
    this.pack = new PackIndex(maxUnits, 1 / capacityBps);
    this.readyWeights = new ReadyWeights(maxUnits);
  }

  /** Lowest free id, or -1 when all maxUnits run. */
  freeId(): number {
    if (this.count >= this.maxUnits) return -1;
    for (let u = 1; u <= this.maxUnits; u++) if (this.state[u] === UnitState.NONE) return u;
    return -1;
  }

  /**
   * `awaitUp`: the unit counts as coming up until `markUp` (startOneAtATime); with the table's
   * awaitUp it also stays STARTING until then. `standby`: it starts as a warm standby.
   */
  start(unit: number, nowNs: number, readyAtNs: number, awaitUp = false, standby = false): void {
    if (awaitUp && this.comingUp[unit] === 0) {
      this.comingUp[unit] = 1;
      this.comingUpCount++;
    }
    if (awaitUp && this.awaitUp) readyAtNs = Infinity;
    if (standby) {
      this.standby[unit] = 1;
      this.standbyCount++;
    }
    this.readyAtNs[unit] = readyAtNs;
    this.lastRoutedNs[unit] = nowNs;
    this.openDemandBps[unit] = 0;
    this.openFlowlets[unit] = 0;
    this.meterBps[unit] = 0;
    this.loadBps[unit] = 0;
    this.backlogBytes[unit] = 0;
    this.backlogBps[unit] = 0;
    this.behindBps[unit] = 0;
    this.count = insertSorted(this.ids, this.count, unit);
    this.pack.markDirty(unit);
    if (readyAtNs <= nowNs) {
      this.state[unit] = UnitState.ACTIVE;
    } else {
      this.state[unit] = UnitState.STARTING;
      this.startingCount++;
      if (readyAtNs < this.nextReadyAtNs) this.nextReadyAtNs = readyAtNs;
    }
    this.syncLists(unit);
  }

  /** Retire `unit`; with `hold` its id stays DRAINING (not reusable) until `release`. */
  stop(unit: number, hold = false): void {
    this.clearComingUpOf(unit);
    if (this.state[unit] === UnitState.STARTING) this.startingCount--;
    this.setStandby(unit, false);
    this.state[unit] = hold ? UnitState.DRAINING : UnitState.NONE;
    this.syncLists(unit);
    this.count = removeSorted(this.ids, this.count, unit);
    this.openDemandBps[unit] = 0;
    this.openFlowlets[unit] = 0;
    this.loadBps[unit] = 0;
    this.meterBps[unit] = 0;
    this.backlogBytes[unit] = 0;
    this.backlogBps[unit] = 0;
    this.behindBps[unit] = 0;
    this.pack.markDirty(unit);
  }

  /** A penalty on the fit load (bps; 0 = none): a unit that is behind fits nothing new while it lasts. */
  setBehindBps(unit: number, bps: number): void {
    this.backlogBps[unit] = this.backlogBps[unit]! - this.behindBps[unit]! + bps;
    this.behindBps[unit] = bps;
    this.pack.markDirty(unit);
  }

  /** The packer's load for the unit (meter + open demand, bps). */
  setLoad(unit: number, bps: number): void {
    this.loadBps[unit] = bps;
    this.pack.markDirty(unit);
  }

  /** `wireBytes` were routed to the unit: its backlog grows until they drain. */
  addBacklog(unit: number, wireBytes: number, bpsPerByte: number): void {
    const b = this.backlogBytes[unit]! + wireBytes;
    this.backlogBytes[unit] = b;
    this.backlogBps[unit] = b * bpsPerByte + this.behindBps[unit]!;
    this.pack.markDirty(unit);
  }

  /** Brings the packer's index up to date with every write since the last decision. */
  syncPack(): PackIndex {
    this.pack.flush(this.packTest, this.loadBps, this.backlogBps);
    return this.pack;
  }

  /** The unit drained (or lost) `wireBytes` of its backlog. Clamped at 0: a credit for bytes routed before a restart cannot go negative. */
  releaseBacklog(unit: number, wireBytes: number, bpsPerByte: number): void {
    const b = this.backlogBytes[unit]! - wireBytes;
    this.backlogBytes[unit] = b > 0 ? b : 0;
    this.backlogBps[unit] = this.backlogBytes[unit]! * bpsPerByte + this.behindBps[unit]!;
    this.pack.markDirty(unit);
  }

  /** Load for the fit test and the scaler: meter + open demand + backlog (bps). */
  fitLoadBps(unit: number): number {
    return this.loadBps[unit]! + this.backlogBps[unit]!;
  }

  /** Add (+1, demand) or remove (−1, demand) an open flowlet's demand. */
  addOpen(unit: number, delta: 1 | -1, demandBps: number): void {
    const n = this.openFlowlets[unit]! + delta;
    this.openFlowlets[unit] = n < 0 ? 0 : n;
    this.openDemandBps[unit] = n <= 0 ? 0 : this.openDemandBps[unit]! + delta * demandBps;
  }

  /** Starting units whose readyAtNs has come become active. Cheap when none is due. */
  promote(nowNs: number): void {
    if (nowNs < this.nextReadyAtNs) return;
    let next = Infinity;
    for (let i = 0; i < this.count; i++) {
      const u = this.ids[i]!;
      if (this.state[u] !== UnitState.STARTING) continue;
      const at = this.readyAtNs[u]!;
      if (at <= nowNs) {
        this.state[u] = UnitState.ACTIVE;
        this.startingCount--;
        this.syncLists(u);
      } else if (at < next) {
        next = at;
      }
    }
    this.nextReadyAtNs = next;
  }

  /** Brings the unit's membership of readyIds and packIds in line with its state and standby flag. */
  private syncLists(unit: number): void {
    const ready = this.isReady(unit);
    if (ready !== (this.inReady[unit] === 1)) {
      this.inReady[unit] = ready ? 1 : 0;
      if (ready) {
        this.readyCount = insertSorted(this.readyIds, this.readyCount, unit);
        this.readyWeight += this.invId[unit]!;
      } else {
        this.readyCount = removeSorted(this.readyIds, this.readyCount, unit);
        this.readyWeight -= this.invId[unit]!;
      }
      this.readyWeights.changed();
    }
    const pack = this.isPackable(unit);
    if (pack !== (this.inPack[unit] === 1)) {
      this.inPack[unit] = pack ? 1 : 0;
      this.packCount = pack ? insertSorted(this.packIds, this.packCount, unit) : removeSorted(this.packIds, this.packCount, unit);
      this.pack.markDirty(unit);
    }
  }

  /** Make a running unit a standby (no flowlets, no pushed state) or an ordinary unit again. */
  setStandby(unit: number, on: boolean): void {
    if ((this.standby[unit] === 1) === on) return;
    this.standby[unit] = on ? 1 : 0;
    this.standbyCount += on ? 1 : -1;
    this.syncLists(unit);
  }

  /**
   * The unit's process is up: it no longer blocks starting another, and with awaitUp it becomes
   * ACTIVE now (its idle time for retirement counts from now, not from its start).
   */
  markUp(unit: number, nowNs: number): void {
    this.clearComingUpOf(unit);
    if (this.state[unit] !== UnitState.STARTING || this.readyAtNs[unit] !== Infinity) return;
    this.state[unit] = UnitState.ACTIVE;
    this.startingCount--;
    this.readyAtNs[unit] = nowNs;
    this.lastRoutedNs[unit] = nowNs;
    this.syncLists(unit);
  }

  private clearComingUpOf(unit: number): void {
    if (this.comingUp[unit] !== 1) return;
    this.comingUp[unit] = 0;
    this.comingUpCount--;
  }

  /** Standbys that are up (ACTIVE): promotable at once. */
  standbyUpCount(): number {
    if (this.standbyCount === 0) return 0;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const u = this.ids[i]!;
      if (this.standby[u] === 1 && this.state[u] === UnitState.ACTIVE) n++;
    }
    return n;
  }

  /** A unit that can take flowlets and pushed state: ACTIVE and not standby. */
  isReady(unit: number): boolean {
    return unit > 0 && unit <= this.maxUnits && this.state[unit] === UnitState.ACTIVE && this.standby[unit] === 0;
  }

  /** A unit the packer may give flowlets: running, not standby, and (awaitUp) reported up. */
  isPackable(unit: number): boolean {
    if (unit <= 0 || unit > this.maxUnits || this.standby[unit] === 1) return false;
    const s = this.state[unit];
    return s === UnitState.ACTIVE || (s === UnitState.STARTING && !this.awaitUp);
  }

  isRunning(unit: number): boolean {
    if (unit <= 0 || unit > this.maxUnits) return false;
    const s = this.state[unit];
    return s === UnitState.STARTING || s === UnitState.ACTIVE;
  }

  /** A DRAINING id is free again (its process is gone). */
  release(unit: number): void {
    if (unit > 0 && unit <= this.maxUnits && this.state[unit] === UnitState.DRAINING) this.state[unit] = UnitState.NONE;
  }
}

function insertSorted(arr: Int32Array, count: number, v: number): number {
  let i = count;
  while (i > 0 && arr[i - 1]! > v) {
    arr[i] = arr[i - 1]!;
    i--;
  }
  arr[i] = v;
  return count + 1;
}

function removeSorted(arr: Int32Array, count: number, v: number): number {
  let i = 0;
  while (i < count && arr[i] !== v) i++;
  if (i === count) return count;
  arr.copyWithin(i, i + 1, count);
  return count - 1;
}
