/**
 * The unit's per-packet logic (paper §5.1, §5.3): decide from the flow's logical clock whether a
 * packet can run now, must wait for state, or needs a pull; run the NF; release held packets in
 * clock order when state arrives; never let older state overwrite newer.
 *
 * Per packet (clock c, previous unit p):
 *  - flow has packets held            → hold too (keeps clock order)
 *  - stored clock == c − 1            → run now
 *  - c == 1 and p == −1 (new flow)     → run now on empty state
 *  - stored clock ≥ c                 → run now, counted `late` (reordered; clock not lowered)
 *  - otherwise                        → hold; schedule a pull from p (after `pullDelayNs`, so a
 *                                        push already on its way can land first)
 *
 * Waiting is safe (§5.3): the packet with clock c needs state at c − 1, which the previous
 * flowlet's unit p will reach (its packets are already on their way to it over TCP). p may itself
 * be holding for its own previous unit, but that wait is for a strictly smaller clock of the same
 * flow, so the chain ends (at clock 1 or at a unit that has the state) and cannot cycle. Pull
 * answers are per flow (see ../state/peer-service.ts), so flows never wait on each other. A pull that
 * came back without the needed clock is simply re-sent; only `holdTimeoutNs` gives up (counted
 * `stateLost`, which the correctness test requires to stay 0).
 *
 * No I/O here: pulls, egress and deltas go through `ProcessorPorts` (where state comes from is the
 * state backend's business, watchdog/state/); time is an argument.
 * Never throws and never logs per packet: everything is counted.
 */
import { canonicalKey, flowKeyOf, newFlowKey } from '../../sdk/flow-key';
import { Packet, PacketClass } from '../../sdk/packet';
import { DELTA_DELETE, DELTA_PUT } from '../../sdk/state';
import { Verdict, type NetworkFunction, type PacketHandler, type StateCodec } from '../../sdk/types';
import { DropReasonId } from '../../sdk/drop-reasons';
import { Invoker } from '../../sdk/invoke';
import { EgressReason } from '../../proto/frames/egress-batch-v1';
import { NO_UNIT } from '../../proto/frames/constants';
import type { FlowKey } from '../../sdk/flow-key';
import { EphemeralFlowState } from './ephemeral-flow-state';
import { EphemeralStore } from './ephemeral-store';
import { MAX_TARGETS_KEPT, PullState, type FlowEntry, type HeldPacket } from './flow-entry';
import { newUnitCounters, type UnitCounters } from './counters';
import { GatewayClock } from './gateway-clock';

export interface ProcessorPorts<S> {
  /**
   * A finished packet; the bytes are valid only during the call. `len` is 0 for drops. `wireBytes`
   * is the input's size as the gateway counted it when routing (IP total length, else the captured
   * length), so the CREDIT drain matches the controller's routed bytes (its per-unit backlog).
   */
  emit(flowletId: number, clock: number, verdict: number, reason: number, buf: Buffer, off: number, len: number, wireBytes: number): void;
  /**
   * What the NF said about the packet about to be emitted (called right before its `emit`, only
   * when there is something: a drop-reason id ≠ 0 or alerts). `dropId` is the invoker's interned id (its text in
   * `proc.invoker.reasons`), `sids[0 … alertCount)` the alert ids; `proc.key` holds the packet's
   * 5-tuple as it arrived (before any rewrite). Views valid only during the call.
   */
  said?(dropId: number, sids: Uint32Array, alertCount: number): void;
  /**
   * Whether state missing here for a flowlet that ran at `unit` can be fetched (the state backend
   * decides: peers are never asked for this unit's own flowlets; a store holds those too).
   */
  canPull(unit: number): boolean;
  /** Queue a pull of this flow for a flowlet that ran at `unit` (the state backend batches and routes it). */
  requestPull(unit: number, e: FlowEntry<S>, minClock: number): void;
  /** Held packets were given up on (hold timeout): rare and always a bug or a dead peer — log it. */
  stateLost?(e: FlowEntry<S>, heldClocks: number[], prevUnits: number[]): void;
  /** Every packet run and the state change it caused (kind 0: none), for the output logger (optional). */
  delta?(e: FlowEntry<S>, clock: number, flowletId: number, kind: number, value: S | undefined): void;
}

export interface ProcessorOptions {
  unitId: number;
  /** Wait this long for a push before pulling (0 = pull at once). */
  pullDelayNs: number;
  /** Delay before asking again when a pull answered without the needed clock. */
  pullRetryNs: number;
  /** Give up on held packets after this long: run them on what is here, count `stateLost`. */
  holdTimeoutNs: number;
  /** The gateway's max units; > 0 → the NF is created with `{id: unitId, maxUnits}`. */
  maxUnits?: number;
}

export class PacketProcessor<C, S> {
  readonly store = new EphemeralStore<S>();
  readonly counters: UnitCounters;
  readonly handler: PacketHandler<S>;
  readonly codec: StateCodec<S>;
  /** Entries with held packets (rare; checked by the sweeper for pulls and timeouts). */
  readonly waiting = new Set<FlowEntry<S>>();
  heldPackets = 0;
  /** While a held packet runs (its emit included): when it was held; −1 otherwise (latency breakdown). */
  runningHeldAtNs = -1;
  /** The shared judgement (sdk/invoke.ts): interned drop reasons, the packet's alerts. */
  readonly invoker: Invoker<S>;
  /** The current packet's 5-tuple as it arrived (as parsed, not canonical). */
  readonly key: FlowKey = newFlowKey();
  /** The gateway's clock as seen here (PACKETS tsNs → an estimate of the gateway's now). */
  readonly gatewayClock = new GatewayClock();
  private readonly pkt = new Packet();
  private readonly ckey: FlowKey = newFlowKey();
  private readonly flowState = new EphemeralFlowState<S>();

  constructor(
    nf: NetworkFunction<C, S>,
    config: C,
    readonly ports: ProcessorPorts<S>,
    readonly opts: ProcessorOptions,
    counters: UnitCounters = newUnitCounters(),
    /** An existing handler to run instead of creating one (the unit's warm-up shares a costly one). */
    handler?: PacketHandler<S>,
  ) {
    const m = opts.maxUnits ?? 0;
    this.handler = handler ?? (m > 0 ? nf.create(config, { id: opts.unitId, maxUnits: m }) : nf.create(config));
    this.codec = nf.stateCodec;
    this.counters = counters;
    this.invoker = new Invoker<S>(this.handler, this.flowState, { dropReasons: nf.dropReasons });
  }

  processOne(
    flowletId: number, clock: number, prevUnit: number, targets: ArrayLike<number>, targetCount: number,
    tsNs: number, buf: Buffer, off: number, len: number, nowNs: number,
  ): void {
    const c = this.counters;
    c.packets++;
    this.gatewayClock.saw(tsNs, nowNs);
    const p = this.pkt.reset(buf, off, len);
    if (p.cls > PacketClass.FRAGMENT) {
      c.malformedPackets++;
      c.dropped++;
      this.invoker.refuse(p.cls);
      this.ports.said?.(this.invoker.dropId, this.invoker.alertSids, 0);
      this.ports.emit(flowletId, clock, Verdict.DROP, EgressReason.MALFORMED_PACKET, buf, off, 0, p.totalLength > 0 ? p.totalLength : len);
      return;
    }
    canonicalKey(flowKeyOf(p, this.key), this.ckey);
    const e = this.store.getOrCreate(this.ckey);
    const k = Math.min(targetCount, MAX_TARGETS_KEPT);
    for (let i = 0; i < k; i++) e.targets[i] = targets[i]!;
    e.targetCount = k;

    if (e.held === null) {
      if (e.clock > 0 && e.clock === clock - 1) {
        if (e.lastFlowletId !== flowletId) {
          if (prevUnit === this.opts.unitId || prevUnit === NO_UNIT) c.local++;
          else c.seamless++;
        }
        this.run(e, flowletId, clock, tsNs, nowNs, EgressReason.NF);
        return;
      }
      if (clock === 1 && prevUnit === NO_UNIT) {
        // The gateway's first packet of this connection. State still here is from an incarnation
        // the controller has forgotten (expired or evicted it): start afresh, as the controller did.
        if (e.clock > 0) {
          c.restarted++;
          e.value = undefined;
          e.present = false;
          e.clock = 0;
          e.pushedClock = 0;
        }
        c.local++;
        this.run(e, flowletId, clock, tsNs, nowNs, EgressReason.NF);
        return;
      }
      if (e.clock >= clock) {
        c.late++;
        this.run(e, flowletId, clock, tsNs, nowNs, EgressReason.NF);
        return;
      }
    }
    this.hold(e, flowletId, clock, prevUnit, tsNs, buf, off, len, nowNs);
  }

  /**
   * Apply state that arrived from a peer (push or pull answer), the external store or the output
   * logger (restore). Older-or-equal clocks never overwrite; an applied one is told to the
   * handler (`stateArrived`). Returns 0 applied, 1 stale, 2 rejected (undecodable value).
   */
  applyRemote(k: FlowKey, clock: number, present: boolean, value: Buffer, nowNs: number, byPull: boolean): 0 | 1 | 2 {
    const e = this.store.getOrCreate(k);
    if (clock <= e.clock) return 1;
    let decoded: S | undefined = undefined;
    if (present) {
      try {
        decoded = this.codec.decode(value);
      } catch {
        return 2;
      }
    }
    e.value = decoded;
    e.present = present;
    e.clock = clock;
    // Received state is not ours to re-push until we process a packet on it.
    e.pushedClock = clock;
    // The NF re-indexes the flow (NAT's port table) before any held packet of it runs.
    const h = this.handler;
    if (h.stateArrived !== undefined) {
      try {
        h.stateArrived(e, decoded);
      } catch {
        this.counters.handlerErrors++;
      }
    }
    if (e.list === 0) {
      e.lastSeenNs = nowNs;
      this.store.markIdle(e);
    }
    if (e.held !== null) {
      e.arrivedByPull = byPull;
      const before = this.heldPackets;
      this.release(e, nowNs);
      // A push that released nothing carried a clock older than the held packets need.
      if (!byPull && this.heldPackets === before) this.counters.pushTooOld++;
    }
    return 0;
  }

  /** A pull for `e` finished (found or not): still held → ask again (the hold timeout gives up). */
  pullDone(e: FlowEntry<S>, nowNs: number): void {
    if (e.pullState !== PullState.IN_FLIGHT) return;
    e.pullState = PullState.NONE;
    if (e.held !== null) this.pullForHead(e, nowNs + this.opts.pullRetryNs);
  }

  /** Arrange a pull for the first held packet from its previous flowlet's unit. */
  private pullForHead(e: FlowEntry<S>, atNs: number): void {
    const h = e.held![0]!;
    if (e.pullState !== PullState.NONE) return;
    if (h.prevUnit === NO_UNIT || !this.ports.canPull(h.prevUnit)) return;
    this.schedulePull(e, h.prevUnit, atNs);
  }

  /** Run held packets as far as the clock allows. */
  release(e: FlowEntry<S>, nowNs: number): void {
    const held = e.held;
    if (held === null) return;
    let i = 0;
    let first = true;
    while (i < held.length && held[i]!.clock <= e.clock + 1) {
      const h = held[i++]!;
      if (first) {
        const c = this.counters;
        if (e.arrivedByPull) c.pulled++;
        else {
          // The push came after the flowlet's first packet: late by how long that packet waited.
          c.releasedByPush++;
          const lateUs = (nowNs - h.heldAtNs) / 1e3;
          c.pushLateUsSum += lateUs;
          if (lateUs > c.pushLateMaxUs) c.pushLateMaxUs = lateUs;
        }
        first = false;
      }
      this.heldPackets--;
      this.runHeld(e, h, nowNs, EgressReason.NF);
    }
    if (i === held.length) {
      e.held = null;
      e.pullAttempts = 0;
      e.pullState = e.pullState === PullState.IN_FLIGHT ? PullState.IN_FLIGHT : PullState.NONE;
      this.waiting.delete(e);
    } else if (i > 0) {
      held.splice(0, i);
      // The rest belongs to a later flowlet (it came back here): its state is elsewhere.
      this.pullForHead(e, nowNs);
    }
  }

  /** Held too long or pulls exhausted: run the held packets on whatever state is here. */
  giveUp(e: FlowEntry<S>, nowNs: number): void {
    const held = e.held;
    if (held === null) return;
    this.counters.stateLost++;
    this.ports.stateLost?.(e, held.map((h) => h.clock), held.map((h) => h.prevUnit));
    e.held = null;
    this.waiting.delete(e);
    e.pullAttempts = 0;
    for (const h of held) {
      this.heldPackets--;
      this.runHeld(e, h, nowNs, EgressReason.STATE_LOST);
    }
  }

  schedulePull(e: FlowEntry<S>, unit: number, atNs: number): void {
    e.pullUnit = unit;
    e.pullState = PullState.SCHEDULED;
    e.pullAtNs = atNs;
  }

  /** Send pulls whose time has come (called per batch and by the sweeper). */
  firePulls(nowNs: number): void {
    for (const e of this.waiting) {
      if (e.pullState === PullState.SCHEDULED && e.pullAtNs <= nowNs && e.held !== null) {
        e.pullState = PullState.IN_FLIGHT;
        e.pullAttempts++;
        this.counters.pullAttempts++;
        // From the head's previous unit as of now: a partial release may have changed the head.
        const h = e.held[0]!;
        if (h.prevUnit !== NO_UNIT) e.pullUnit = h.prevUnit;
        this.ports.requestPull(e.pullUnit, e, h.clock - 1);
      }
    }
  }

  private hold(
    e: FlowEntry<S>, flowletId: number, clock: number, prevUnit: number, tsNs: number,
    buf: Buffer, off: number, len: number, nowNs: number,
  ): void {
    this.counters.waited++;
    this.heldPackets++;
    const h: HeldPacket = { flowletId, clock, prevUnit, tsNs, bytes: Buffer.from(buf.subarray(off, off + len)), heldAtNs: nowNs };
    if (e.held === null) {
      e.held = [h];
      e.arrivedByPull = false;
      this.waiting.add(e);
    } else {
      let i = e.held.length;
      while (i > 0 && e.held[i - 1]!.clock > clock) i--;
      e.held.splice(i, 0, h);
    }
    // A packet older than those held can be the one that runs now (a dead unit's packets re-sent
    // behind newer ones: fault tolerance): the state here is exactly what it needs.
    const head = e.held[0]!;
    if (head.clock === e.clock + 1 && (e.clock > 0 || head.prevUnit === NO_UNIT)) return this.release(e, nowNs);
    // Pull from the previous flowlet's unit unless a pull is already arranged.
    if (prevUnit !== NO_UNIT) this.pullForHead(e, nowNs + this.opts.pullDelayNs);
  }

  private runHeld(e: FlowEntry<S>, h: HeldPacket, nowNs: number, reason: number): void {
    flowKeyOf(this.pkt.reset(h.bytes, 0, h.bytes.length), this.key);
    if (e.clock >= h.clock) this.counters.late++;
    this.runningHeldAtNs = h.heldAtNs;
    this.run(e, h.flowletId, h.clock, h.tsNs, nowNs, reason);
    this.runningHeldAtNs = -1;
  }

  /** Run the NF on `this.pkt` with `e` bound; emit; record the delta. */
  private run(e: FlowEntry<S>, flowletId: number, clock: number, tsNs: number, nowNs: number, reason: number): void {
    const c = this.counters;
    const fs = this.flowState;
    const inv = this.invoker;
    fs.bind(e);
    const verdict = inv.invoke(this.pkt, tsNs);
    if (inv.dropId === DropReasonId.HANDLER_ERROR) {
      c.handlerErrors++;
      reason = EgressReason.HANDLER_ERROR;
    }
    if (clock > e.clock) e.clock = clock;
    e.lastFlowletId = flowletId;
    e.lastTsNs = tsNs;
    this.store.touch(e, nowNs);
    if (fs.deltaKind === DELTA_PUT) c.deltasPut++;
    else if (fs.deltaKind === DELTA_DELETE) c.deltasDelete++;
    // The output logger wants every packet (kind 0 too: its clock); the port is unset without one.
    if (this.ports.delta) this.ports.delta(e, clock, flowletId, fs.deltaKind, fs.deltaValue);
    const p = this.pkt;
    const wire = p.totalLength > 0 ? p.totalLength : p.length;
    if ((inv.dropId | inv.alertCount) !== 0) this.ports.said?.(inv.dropId, inv.alertSids, inv.alertCount);
    if (verdict === Verdict.FORWARD) {
      c.forwarded++;
      this.ports.emit(flowletId, clock, verdict, reason, p.buf, p.offset, p.length, wire);
    } else {
      c.dropped++;
      this.ports.emit(flowletId, clock, verdict, reason, p.buf, p.offset, 0, wire);
    }
  }
}
