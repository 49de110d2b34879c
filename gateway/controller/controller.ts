/**
 * The controller: wires the WGM (flowlet-detector, demand-estimator), the WAM (work-assigner),
 * the SMM (clocks, previous unit, replication-targets), the drain meters and the scaler over the
 * flow store and the unit table. Contract: index.ts and docs/dev/contracts.md. Pure: time is an
 * argument, the PRNG is seeded, side effects leave only through `hooks`.
 */
import { canonicalKey, newFlowKey, type FlowKey } from '../../sdk/flow-key';
import { GlobalFlowletAverage, ewmaEstimate, measuredRateBps } from './demand-estimator';
import { FlowStore } from './flow-store';
import { detectFlowlet } from './flowlet-detector';
import { DrainMeters } from './load-meter';
import { resolveParams, type ControllerParams } from './params';
import { Prng } from '../../sdk/prng';
import { shouldScaleUp, unitsToRetire } from './scaler';
import { rebalance, type RebalanceHost } from './smartflow';
import {
  RouteReason,
  UnitState,
  type ControllerCounters,
  type ControllerHooks,
  type RouteDecision,
  type ScalingAction,
  type UnitSnapshot,
} from './types';
import { UnitTable } from './units';
import { drawTargets } from './replication-targets';
import { leastLoaded, pickUnit, pickUnitIndexed } from './work-assigner';

/** Actions remembered between ticks; beyond this they are still reported through hooks. */
const MAX_PENDING_ACTIONS = 4096;
/** After a standby failed, no replacement standby starts for this long (a unit that cannot start is not retried every tick). */
const STANDBY_RETRY_NS = 1e9;
/** Idle flows forgotten per route() call (the rest in tick): bounds the per-packet cost. */
const IDLE_EXPIRY_PER_ROUTE = 2;

export class Controller implements RebalanceHost {
  readonly params: ControllerParams;
  readonly decision: RouteDecision;
  readonly counters: ControllerCounters = {
    packets: 0, flowlets: 0, flowletsByReason: [0, 0, 0, 0, 0], flowletsWithState: 0, flowletsMoved: 0,
    flowletsMovedBySize: 0, flowletsMovedNotTarget: 0, flows: 0, flowsExpired: 0, flowsEvicted: 0, unitsStarted: 0, unitsStopped: 0, overloadAssignments: 0,
    migrations: 0, drainsForUnknownUnit: 0, dropsReleased: 0, unitsFailed: 0,
    standbyStarted: 0, standbyPromoted: 0, standbyDemoted: 0,
  };
  readonly units: UnitTable;
  readonly flows: FlowStore;
  private readonly meters: DrainMeters;
  private readonly average: GlobalFlowletAverage;
  private readonly rng: Prng;
  /** Scratch: 1 for units holding the flow being assigned's state, cleared after each decision. */
  private readonly stateMark: Uint8Array;
  /** Scratch: the units marked in stateMark (previous unit, replication targets). */
  private readonly stateHolders: Int32Array;
  private readonly canonical: FlowKey = newFlowKey();
  private pending: ScalingAction[] = [];
  private returned: ScalingAction[] = [];
  private flowletSeq = 0;
  private roundRobin = 0;
  private nextRebalanceNs: number;
  private readonly retireScratch: number[] = [];
  private readonly sizeTest: boolean;
  /** flow and smartflow: a flow keeps its unit; timeouts only delimit demand accounting. */
  private readonly pinFlows: boolean;
  private readonly packetMode: boolean;
  private readonly replicate: boolean;
  /** Span floor of a flowlet's measured load: the drain meter's window. */
  private readonly demandWindowNs: number;
  /** bps of load per byte of backlog: 8 / backlogBudget (0 when countBacklog is off). */
  private readonly backlogBpsPerByte: number;
  /** bps per byte of a flow's outstanding bytes at its old unit (the move cost; backlog scale even when countBacklog is off). */
  private readonly pendingBpsPerByte: number;
  /** Warm standby units kept (standbyUnits; 0 in packet mode). */
  private readonly standbyTarget: number;
  /** No standby starts before this (set when one failed). */
  private standbyRetryAtNs = 0;

  constructor(params: Partial<ControllerParams> = {}, readonly hooks: ControllerHooks = {}) {
    const p = (this.params = resolveParams(params));
    this.units = new UnitTable(p.maxUnits, p.unitCapacityBps, p.awaitUnitUp);
    this.flows = new FlowStore(p.flowTableCapacity, p.k);
    this.meters = new DrainMeters(p.maxUnits, p.loadBucketNs, p.loadBuckets);
    this.average = new GlobalFlowletAverage(p.initialDemandBps);
    this.rng = new Prng(p.seed);
    this.stateMark = new Uint8Array(p.maxUnits + 1);
    this.stateHolders = new Int32Array(p.k + 1);
    this.pinFlows = p.mode === 'flow' || p.mode === 'smartflow';
    this.packetMode = p.mode === 'packet';
    this.sizeTest = p.mode === 'flowlet';
    this.replicate = p.mode === 'flowlet' || p.mode === 'flowlet-timeout-only';
    this.nextRebalanceNs = p.smartflowPeriodNs;
    this.demandWindowNs = p.loadBucketNs * p.loadBuckets;
    this.pendingBpsPerByte = 8e9 / (p.backlogBudgetNs > 0 ? p.backlogBudgetNs : p.loadBucketNs * p.loadBuckets);
    this.backlogBpsPerByte = p.countBacklog ? this.pendingBpsPerByte : 0;
    this.decision = {
      unit: -1, newFlowlet: false, flowletId: 0, clock: 0, prevUnit: -1, targets: new Int32Array(p.k), targetCount: 0,
      reason: RouteReason.SAME_FLOWLET, hasState: false, holdUntilNs: 0, externalState: this.packetMode, overloaded: false, flowSlot: -1,
    };
    // Packet mode has no packer, so nothing to hold a standby for.
    this.standbyTarget = this.packetMode ? 0 : p.standbyUnits;
    for (let i = 0; i < p.initialUnits; i++) this.startUnit(0, 0);
    for (let i = 0; i < this.standbyTarget; i++) this.startUnit(0, 0, true);
  }

  // ---- per packet -------------------------------------------------------------------------

  route(key: FlowKey, wireBytes: number, nowNs: number): RouteDecision {
    const p = this.params;
    const f = this.flows;
    const d = this.decision;
    this.counters.packets++;
    this.units.promote(nowNs);
    this.expireOpenFlowlets(nowNs);
    this.expireIdleFlows(nowNs, IDLE_EXPIRY_PER_ROUTE);

    const k = canonicalKey(key, this.canonical);
    let s = f.lookup(k.proto, k.srcIp, k.srcPort, k.dstIp, k.dstPort);
    let reason: RouteReason;
    if (s < 0) {
      if (f.full) this.forgetFlow(f.lruHead, nowNs, true);
      s = f.insert(k.proto, k.srcIp >>> 0, k.srcPort, k.dstIp >>> 0, k.dstPort);
      this.counters.flows++;
      reason = RouteReason.NEW_FLOW;
    } else if (this.packetMode) {
      reason = RouteReason.PACKET;
    } else {
      reason = detectFlowlet(f.open[s] === 1, nowNs - f.lastPktNs[s]!, f.flowletBytes[s]!, wireBytes, p.timeoutNs, p.sizeThresholdBytes, this.sizeTest);
      if (reason === RouteReason.SAME_FLOWLET && !this.units.isRunning(f.unit[s]!)) reason = RouteReason.TIMEOUT;
    }
    if (reason !== RouteReason.SAME_FLOWLET && f.open[s] === 1) this.closeFlowlet(s, nowNs);
    f.clock[s] = f.clock[s]! + 1;

    d.newFlowlet = false;
    d.overloaded = false;
    d.hasState = true;
    d.reason = reason;
    if (this.packetMode) this.routePacket(s, reason);
    else if (reason !== RouteReason.SAME_FLOWLET) this.startFlowlet(s, reason, nowNs);

    const u = f.unit[s]!;
    f.lastPktNs[s] = nowNs;
    f.flowletBytes[s] = f.flowletBytes[s]! + wireBytes;
    f.flowletPackets[s] = f.flowletPackets[s]! + 1;
    f.touch(s);
    const U = this.units;
    U.lastRoutedNs[u] = nowNs;
    // The packet joins the unit's backlog until its drain credit: the load rises now, not a meter window later.
    U.addBacklog(u, wireBytes, this.backlogBpsPerByte);
    U.routedBytes[u] = U.routedBytes[u]! + wireBytes;
    f.routedMark[s] = U.routedBytes[u]!;

    d.unit = u;
    d.flowSlot = s;
    d.clock = f.clock[s]!;
    d.prevUnit = f.prevUnit[s]!;
    d.flowletId = f.flowletId[s]!;
    const n = f.targetCount[s]!;
    const base = s * p.k;
    for (let i = 0; i < n; i++) d.targets[i] = f.targets[base + i]!;
    d.targetCount = n;
    const ready = this.units.readyAtNs[u]!;
    const migration = f.migrationUntilNs[s]!;
    d.holdUntilNs = ready > migration ? ready : migration;
    return d;
  }

  /** The unit finished serving a packet of `wireBytes`: feeds its drain-rate meter. */
  onDrained(unit: number, wireBytes: number, nowNs: number): void {
    if (!this.units.isRunning(unit)) {
      this.counters.drainsForUnknownUnit++;
      return;
    }
    this.meters.add(unit, wireBytes, nowNs);
    this.units.releaseBacklog(unit, wireBytes, this.backlogBpsPerByte);
    this.refreshLoad(unit, nowNs);
  }

  /**
   * A packet routed to `unit` will never be drained (refused before sending, or lost with the
   * unit's connection): release it from the unit's backlog without feeding the drain meter.
   * Without this a lost packet would count against the unit for ever.
   */
  onDropped(unit: number, wireBytes: number, nowNs: number): void {
    this.counters.dropsReleased++;
    if (!this.units.isRunning(unit)) return;
    this.units.releaseBacklog(unit, wireBytes, this.backlogBpsPerByte);
    this.refreshLoad(unit, nowNs);
  }

  // ---- per flowlet ------------------------------------------------------------------------

  private startFlowlet(s: number, reason: RouteReason, nowNs: number): void {
    const p = this.params;
    const f = this.flows;
    const U = this.units;
    const d = this.decision;
    const prev = f.unit[s]!;
    const isNew = reason === RouteReason.NEW_FLOW;
    const demand = isNew ? this.average.valueBps : f.demandBps[s]!;
    f.demandBps[s] = demand;

    if (this.pinFlows && !isNew && U.isRunning(prev)) {
      // flow / smartflow: same unit, new demand segment; callers see a continuing flow.
      this.openFlowlet(s, prev, demand, nowNs);
      d.reason = RouteReason.SAME_FLOWLET;
      return;
    }

    const mark = this.stateMark;
    const holders = this.stateHolders;
    let holderCount = 0;
    if (!isNew) {
      if (U.isRunning(prev)) {
        mark[prev] = 1;
        holders[holderCount++] = prev;
      }
      // State is pushed to the targets after T/2 idle; a size-cut flowlet had no idle gap.
      if (reason === RouteReason.TIMEOUT) {
        const base = s * p.k;
        for (let i = 0; i < f.targetCount[s]!; i++) {
          const t = f.targets[base + i]!;
          if (U.isRunning(t) && mark[t] === 0) {
            mark[t] = 1;
            holders[holderCount++] = t;
          }
        }
      }
    }
    const running = !isNew && U.isRunning(prev);
    const pending = running ? this.outstandingBytes(s) : 0;
    let u = -1;
    // Stay rule (sizeForkStays): moving here would pull and wait for the old queue.
    if (running && p.sizeForkStays && reason === RouteReason.SIZE && U.fitLoadBps(prev) + demand <= p.unitCapacityBps) {
      u = prev;
    }
    if (u < 0) {
      // Move cost: any other unit must also absorb the wait for the flow's bytes still queued here.
      const moveCost = pending * this.pendingBpsPerByte;
      // Both answer the same question (a property test holds them equal): below assignScanBelow
      // units the scan is cheaper than keeping the index current.
      // Only units the packer may use (packIds: not standby, and with awaitUnitUp reported up).
      const stay = running && U.isPackable(prev) ? prev : -1;
      u = U.packCount < p.assignScanBelow
        ? pickUnit(U.packIds, U.packCount, U.loadBps, p.unitCapacityBps, demand, mark, p.alpha, -1, U.backlogBps, stay, moveCost)
        : pickUnitIndexed(U.syncPack(), U.loadBps, U.backlogBps, U.packTest, p.unitCapacityBps, demand, mark, p.alpha, holders, holderCount, stay, moveCost);
    }
    // Nothing fits, not even with the old queue: a flow with bytes still queued there is its own
    // bottleneck (a move would wait for them and add a pull), so it stays; the scaler adds a unit for the others.
    if (u < 0 && p.pendingStaysWhenFull && pending > 0) {
      u = prev;
      d.overloaded = true;
      this.counters.overloadAssignments++;
    }
    if (u < 0) u = this.overflowUnit(nowNs);
    if (u < 0) {
      u = leastLoaded(U.packIds, U.packCount, U.loadBps, U.backlogBps);
      // No unit is up at all (awaitUnitUp, e.g. the only one is being replaced): queue at a starting one.
      if (u < 0) u = leastLoaded(U.ids, U.count, U.loadBps, U.backlogBps);
      d.overloaded = true;
      this.counters.overloadAssignments++;
    }
    const hasState = isNew || mark[u] === 1;
    if (!isNew) {
      if (U.isRunning(prev)) mark[prev] = 0;
      const base = s * p.k;
      for (let i = 0; i < f.targetCount[s]!; i++) mark[f.targets[base + i]!] = 0;
    }

    f.prevUnit[s] = isNew ? -1 : prev;
    f.flowletId[s] = ++this.flowletSeq;
    f.flowletStartNs[s] = nowNs;
    this.openFlowlet(s, u, demand, nowNs);
    f.targetCount[s] = this.replicate ? this.drawTargetsInto(s, u) : 0;

    const c = this.counters;
    c.flowlets++;
    c.flowletsByReason[reason]++;
    if (!isNew) {
      if (hasState) c.flowletsWithState++;
      if (u !== prev) {
        c.flowletsMoved++;
        if (reason === RouteReason.SIZE) c.flowletsMovedBySize++;
        else if (!hasState) c.flowletsMovedNotTarget++;
      }
    }
    d.newFlowlet = true;
    d.hasState = hasState;
  }

  /**
   * Bytes of flow `s` still outstanding at its unit: the unit's backlog minus what was routed
   * there after the flow's last packet (FIFO). 0 when the unit stopped.
   */
  outstandingBytes(s: number): number {
    const U = this.units;
    const u = this.flows.unit[s]!;
    if (!U.isRunning(u)) return 0;
    const v = U.backlogBytes[u]! - (U.routedBytes[u]! - this.flows.routedMark[s]!);
    return v > 0 ? v : 0;
  }

  private drawTargetsInto(s: number, unit: number): number {
    const U = this.units;
    const k = this.params.k;
    const out = this.decision.targets; // scratch; route() rewrites it from the store afterwards
    const n = U.readyCount < this.params.assignScanBelow
      ? drawTargets(U.readyIds, U.readyCount, U.readyWeight, U.invId, unit, k, this.rng, out)
      : U.readyWeights.draw(U.readyIds, U.readyCount, U.readyTest, unit, k, this.rng, out);
    const stored = this.flows.targets;
    for (let i = 0; i < n; i++) stored[s * k + i] = out[i]!; // no subarray view: nothing allocated per flowlet
    return n;
  }

  private openFlowlet(s: number, unit: number, demandBps: number, nowNs: number): void {
    const f = this.flows;
    f.unit[s] = unit;
    f.flowletStartNs[s] = nowNs;
    f.flowletBytes[s] = 0;
    f.flowletPackets[s] = 0;
    this.units.addOpen(unit, 1, demandBps);
    f.markOpen(s);
    this.refreshLoad(unit, nowNs);
  }

  /** End the flow's open flowlet: measure it, feed the estimators, release its demand. */
  private closeFlowlet(s: number, nowNs: number): void {
    const p = this.params;
    const f = this.flows;
    const u = f.unit[s]!;
    const rate = measuredRateBps(f.flowletBytes[s]!, f.flowletPackets[s]!, f.lastPktNs[s]! - f.flowletStartNs[s]!, p.timeoutNs, p.unitCapacityBps, this.demandWindowNs);
    this.average.add(rate);
    if (this.units.isRunning(u)) {
      this.units.addOpen(u, -1, f.demandBps[s]!);
      this.refreshLoad(u, nowNs);
    }
    f.demandBps[s] = ewmaEstimate(p.ewmaDelta, rate, f.demandBps[s]!);
    f.markClosed(s);
  }

  private routePacket(s: number, reason: RouteReason): void {
    const U = this.units;
    const f = this.flows;
    // Round robin over ready units (starting ones only if none is ready yet).
    const ids = U.readyCount > 0 ? U.readyIds : U.ids;
    const n = U.readyCount > 0 ? U.readyCount : U.count;
    if (this.roundRobin >= n) this.roundRobin = 0;
    const u = ids[this.roundRobin++]!;
    f.prevUnit[s] = reason === RouteReason.NEW_FLOW ? -1 : f.unit[s]!;
    f.unit[s] = u;
    if (reason === RouteReason.NEW_FLOW) {
      f.flowletId[s] = ++this.flowletSeq;
      this.counters.flowlets++;
      this.counters.flowletsByReason[reason]++;
      this.decision.newFlowlet = true;
    }
  }

  // ---- expiry -----------------------------------------------------------------------------

  private expireOpenFlowlets(nowNs: number): void {
    const f = this.flows;
    const t = this.params.timeoutNs;
    for (let h = f.openHead; h >= 0 && nowNs - f.lastPktNs[h]! > t; h = f.openHead) this.closeFlowlet(h, nowNs);
  }

  private expireIdleFlows(nowNs: number, budget: number): void {
    const f = this.flows;
    const idle = this.params.flowIdleExpiryNs;
    for (let h = f.lruHead; budget > 0 && h >= 0 && nowNs - f.lastPktNs[h]! > idle; h = f.lruHead, budget--) {
      this.forgetFlow(h, nowNs, false);
    }
  }

  private forgetFlow(s: number, nowNs: number, evicted: boolean): void {
    if (this.flows.open[s] === 1) this.closeFlowlet(s, nowNs);
    this.flows.remove(s);
    if (evicted) this.counters.flowsEvicted++;
    else this.counters.flowsExpired++;
  }

  // ---- units, load, scaling ---------------------------------------------------------------

  private refreshLoad(unit: number, nowNs: number): void {
    const U = this.units;
    const meter = this.meters.rateBps(unit, nowNs);
    U.meterBps[unit] = meter;
    const open = U.openDemandBps[unit]!;
    // Open flowlets have not (fully) drained yet, so the meter does not hold them: add them.
    // (The backlog, U.backlogBps, is kept apart: it counts in the fit test and the scaler, not the score.)
    U.setLoad(unit, this.params.countOpenDemand ? meter + open : meter);
  }

  /** A retired unit's process has exited: with `holdRetiredIds`, its id may be reused now. */
  unitGone(unit: number): void {
    this.units.release(unit);
  }

  /**
   * Start the lowest free unit id (a warm standby with `standby`); -1 when maxUnits already run.
   * With awaitUnitUp it takes flowlets only from `unitUp` on (its readyAtNs is Infinity until then).
   */
  startUnit(nowNs: number, readyAtNs: number, standby = false): number {
    const U = this.units;
    const u = U.freeId();
    if (u < 0) return -1;
    const p = this.params;
    U.start(u, nowNs, readyAtNs, p.startOneAtATime || p.awaitUnitUp, standby);
    this.meters.reset(u, nowNs);
    this.counters.unitsStarted++;
    if (standby) this.counters.standbyStarted++;
    const ready = U.readyAtNs[u]!;
    this.record('start', u, nowNs, ready);
    this.hooks.onUnitStart?.(u, nowNs, ready);
    return u;
  }

  /** startOneAtATime: a started unit is not up yet. */
  private startsBlocked(): boolean {
    return this.params.startOneAtATime && this.units.comingUpCount > 0;
  }

  /**
   * A unit for work that fits nowhere, now: a warm standby promoted, else a new unit when starts
   * are not blocked — returned only if the packer may use it at once (not with awaitUnitUp).
   * -1: the caller overloads a running unit.
   */
  overflowUnit(nowNs: number): number {
    const s = this.promoteStandby(nowNs);
    if (s >= 0) return s;
    if (this.startsBlocked()) return -1;
    const u = this.startUnit(nowNs, nowNs + this.params.unitStartupNs);
    return u >= 0 && this.units.isPackable(u) ? u : -1;
  }

  /** The lowest-id standby that is up becomes an ordinary unit; a replacement standby starts (if it may). -1 when none is up. */
  private promoteStandby(nowNs: number): number {
    const U = this.units;
    if (U.standbyCount === 0) return -1;
    for (let i = 0; i < U.count; i++) {
      const u = U.ids[i]!;
      if (U.standby[u] !== 1 || U.state[u] !== UnitState.ACTIVE) continue;
      U.setStandby(u, false);
      U.lastRoutedNs[u] = nowNs;
      this.counters.standbyPromoted++;
      this.topUpStandby(nowNs);
      return u;
    }
    return -1;
  }

  /** Start a standby while fewer than standbyUnits exist (they count against maxUnits). */
  private topUpStandby(nowNs: number): void {
    if (this.units.standbyCount < this.standbyTarget && !this.startsBlocked() && nowNs >= this.standbyRetryAtNs) this.startUnit(nowNs, nowNs + this.params.unitStartupNs, true);
  }

  /**
   * The unit's process is up and connected (live): with startOneAtATime another may start now, and
   * with awaitUnitUp the packer may give it flowlets from now on.
   */
  unitUp(unit: number, nowNs = 0): void {
    this.units.markUp(unit, nowNs);
  }

  /**
   * avoidBehindUnits: the unit's link has frames waiting in the gateway (`behind`) or no longer.
   * While behind, its fit load carries twice the capacity, so no new flowlet fits there (the
   * overload fallback avoids it too); flowlets on it stay. Ignored when the parameter is off.
   */
  unitBehind(unit: number, behind: boolean): void {
    if (!this.params.avoidBehindUnits || !this.units.isRunning(unit)) return;
    this.units.setBehindBps(unit, behind ? 2 * this.params.unitCapacityBps : 0);
  }

  private stopUnit(u: number, nowNs: number): void {
    this.units.stop(u, this.params.holdRetiredIds);
    this.counters.unitsStopped++;
    this.record('stop', u, nowNs, 0);
    this.hooks.onUnitStop?.(u, nowNs);
  }

  private record(kind: 'start' | 'stop', unit: number, atNs: number, readyAtNs: number): void {
    if (this.pending.length < MAX_PENDING_ACTIONS) this.pending.push({ kind, unit, atNs, readyAtNs });
  }

  /** Units kept at least (OpenFaaS scale-function): started one per tick up to it, never retired below it. */
  private floor = 1;

  /** Sets the floor on units (clamped to 1..maxUnits). Pure: takes effect at the next tick. */
  setFloor(n: number): void {
    this.floor = Math.max(1, Math.min(Math.floor(n), this.params.maxUnits));
  }

  get unitFloor(): number {
    return this.floor;
  }

  /**
   * Periodic work: promote started units, end timed-out flowlets, forget idle flows, refresh every
   * unit's load, smartflow rebalancing, scale up ahead of need, retire idle units. Returns every
   * scaling action since the previous tick (including starts forced inside route()); the array is
   * reused by the next-but-one tick.
   */
  tick(nowNs: number): readonly ScalingAction[] {
    const p = this.params;
    const U = this.units;
    U.promote(nowNs);
    this.expireOpenFlowlets(nowNs);
    this.expireIdleFlows(nowNs, Infinity);
    for (let i = 0; i < U.count; i++) this.refreshLoad(U.ids[i]!, nowNs);
    if (p.mode === 'smartflow' && nowNs >= this.nextRebalanceNs) {
      rebalance(this, nowNs);
      this.nextRebalanceNs = nowNs + p.smartflowPeriodNs;
    }
    // Units below the floor or ahead of need: a standby that is up first (instant), else a start.
    if (U.count - U.standbyCount < this.floor) {
      if (this.promoteStandby(nowNs) < 0) this.startUnit(nowNs, nowNs + p.unitStartupNs);
    } else if (shouldScaleUp(U, p) && this.promoteStandby(nowNs) < 0 && !this.startsBlocked()) {
      this.startUnit(nowNs, nowNs + p.unitStartupNs);
    }
    this.topUpStandby(nowNs);
    const retire = this.retireScratch;
    unitsToRetire(U, p, nowNs, retire, this.floor);
    let stopped = 0;
    for (const u of retire) {
      // Scale-down: an idle unit becomes a standby while fewer than standbyUnits exist, else it retires.
      if (U.standbyCount < this.standbyTarget) {
        U.setStandby(u, true);
        this.counters.standbyDemoted++;
      } else {
        retire[stopped++] = u;
        this.stopUnit(u, nowNs);
      }
    }
    retire.length = stopped;
    if (retire.length > 0 && p.holdRetiredIds) this.handOffFlows(retire);
    const out = this.pending;
    this.pending = this.returned;
    this.pending.length = 0;
    this.returned = out;
    return out;
  }

  /**
   * Live retirement: flows last served by a retired unit now belong to the lowest remaining unit,
   * to which the retiring process hands every flow it holds (watchdog handOffPlan). Their next
   * flowlet then pulls from, or lands on, a unit that has the state. O(flow slots), once per
   * retirement tick.
   */
  private handOffFlows(retired: readonly number[]): void {
    const U = this.units;
    if (U.count === 0) return;
    const to = U.ids[0]!;
    const f = this.flows;
    for (let s = 0; s < f.slots; s++) {
      if (f.used[s] === 1 && retired.includes(f.unit[s]!)) f.unit[s] = to;
    }
  }

  /**
   * Unit `u` died and cannot be replaced under its id (fault tolerance: its state is gone, or no
   * replacement can start). It leaves the unit set without a retirement and its id stays held (its
   * logger may still answer for it); its flows' open flowlets end, so each flow's next packet starts
   * a flowlet on another unit with `prevUnit = u` (route: a flow whose unit stopped starts a
   * flowlet). Returns how many flows `u` held. O(flow slots), once per failure.
   * (A unit that can be replaced keeps its id: the gateway starts a process under it that restores
   * the flows from the dead one's output logger, and the controller sees no change.)
   */
  unitFailed(u: number, nowNs: number): number {
    if (!this.units.isRunning(u)) return 0;
    const f = this.flows;
    let n = 0;
    for (let s = 0; s < f.slots; s++) {
      if (f.used[s] !== 1 || f.unit[s] !== u) continue;
      n++;
      if (f.open[s] === 1) this.closeFlowlet(s, nowNs);
    }
    if (this.units.standby[u] === 1) this.standbyRetryAtNs = nowNs + STANDBY_RETRY_NS;
    this.units.stop(u, true);
    this.counters.unitsFailed++;
    this.record('stop', u, nowNs, 0);
    return n;
  }

  /** smartflow: move flow `s` to `to`; its packets wait migrationHoldNs for the state. */
  moveFlow(s: number, to: number, nowNs: number): void {
    const f = this.flows;
    const from = f.unit[s]!;
    if (f.open[s] === 1) {
      if (this.units.isRunning(from)) {
        this.units.addOpen(from, -1, f.demandBps[s]!);
        this.refreshLoad(from, nowNs);
      }
      this.units.addOpen(to, 1, f.demandBps[s]!);
      this.refreshLoad(to, nowNs);
    }
    const until = nowNs + this.params.migrationHoldNs;
    f.prevUnit[s] = from;
    f.unit[s] = to;
    f.migrationUntilNs[s] = until;
    this.counters.migrations++;
    this.hooks.onFlowMigrate?.(s, from, to, until);
  }

  // ---- views (not per packet) -------------------------------------------------------------

  /** Units that take work (starting or active), standbys excluded. */
  get unitCount(): number {
    return this.units.count - this.units.standbyCount;
  }
  /** Warm standby units (running, given no work until promoted). */
  get standbyUnitCount(): number {
    return this.units.standbyCount;
  }
  get readyUnitCount(): number {
    return this.units.readyCount;
  }
  get flowCount(): number {
    return this.flows.size;
  }
  /** Mean measured rate of all completed flowlets (the first-flowlet estimate), bps. */
  get averageFlowletBps(): number {
    return this.average.valueBps;
  }
  /** Running units by role: starting (not up yet), active (taking work) and standby (up or not). Scrape-time only. */
  unitStateCounts(): { starting: number; active: number; standby: number } {
    const U = this.units;
    const starting = U.startingCount - (U.standbyCount - U.standbyUpCount());
    return { starting, active: U.count - U.standbyCount - starting, standby: U.standbyCount };
  }
  unitIds(): number[] {
    return Array.from(this.units.ids.subarray(0, this.units.count));
  }
  unitState(unit: number): UnitState {
    return this.units.isRunning(unit) ? (this.units.state[unit] as UnitState) : UnitState.NONE;
  }
  /** The load the fit test compares with capacity: meter + open demand + backlog term (bps). */
  unitLoadBps(unit: number): number {
    return this.units.isRunning(unit) ? this.units.fitLoadBps(unit) : 0;
  }
  unitUtilization(unit: number): number {
    return this.unitLoadBps(unit) / this.params.unitCapacityBps;
  }
  unitReadyAtNs(unit: number): number {
    return this.units.isRunning(unit) ? this.units.readyAtNs[unit]! : Infinity;
  }
  snapshotUnits(nowNs: number): UnitSnapshot[] {
    const U = this.units;
    const out: UnitSnapshot[] = [];
    for (let i = 0; i < U.count; i++) {
      const u = U.ids[i]!;
      this.refreshLoad(u, nowNs);
      out.push({
        unit: u,
        state: U.standby[u] === 1 ? 'standby' : U.state[u] === UnitState.ACTIVE ? 'active' : 'starting',
        readyAtNs: U.readyAtNs[u]!,
        loadBps: U.fitLoadBps(u),
        meterBps: U.meterBps[u]!,
        openDemandBps: U.openDemandBps[u]!,
        backlogBytes: U.backlogBytes[u]!,
        utilization: U.fitLoadBps(u) / this.params.unitCapacityBps,
        lastRoutedNs: U.lastRoutedNs[u]!,
      });
    }
    return out;
  }
  /** Flowlet ids handed out so far (gateway checkpoint, gateway/checkpoint/). */
  get flowletSeqValue(): number {
    return this.flowletSeq;
  }

  /**
   * Gateway restart (gateway/checkpoint/restore.ts): the unit set becomes exactly `units` (no
   * start/stop hooks fire: the processes run already) and flowlet ids continue above `flowletSeq`.
   */
  resumeUnits(units: readonly number[], flowletSeq: number, nowNs: number): void {
    const U = this.units;
    for (const u of [...U.ids.subarray(0, U.count)]) if (!units.includes(u)) U.stop(u, false);
    for (const u of units) {
      if (U.isRunning(u)) continue;
      U.start(u, nowNs, nowNs);
      this.meters.reset(u, nowNs);
    }
    if (flowletSeq > this.flowletSeq) this.flowletSeq = flowletSeq;
    // Adopted units run already: every one is up and takes work (a standby of the old gateway too).
    for (let i = 0; i < U.count; i++) {
      const u = U.ids[i]!;
      U.markUp(u, nowNs);
      U.setStandby(u, false);
    }
  }

  /** Canonical key of the flow in `slot` (e.g. for onFlowMigrate). */
  flowKeyOfSlot(slot: number, out: FlowKey = newFlowKey()): FlowKey {
    const f = this.flows;
    out.proto = f.proto[slot]!;
    out.srcIp = f.srcIp[slot]!;
    out.srcPort = f.srcPort[slot]!;
    out.dstIp = f.dstIp[slot]!;
    out.dstPort = f.dstPort[slot]!;
    return out;
  }
}
