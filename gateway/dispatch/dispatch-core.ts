/**
 * The gateway's dispatch core, socket-free: ingest → controller → unit links → egress in per-flow
 * order, plus the units' answers (EGRESS records, CREDITs) and unit loss. Everything it talks to
 * is a port (ports.ts); time comes in as `nowNs`. gateway.ts wires it to sockets and processes;
 * test/unit/gateway/dispatch/ drives it from packet tables.
 *
 * Hot path (per packet): one Packet view reset, one flow key fill, controller.route, one
 * pending-table insert, one record copy into the unit's frame. No clock read, no logging, no
 * throwing: everything odd is counted in `counters`.
 */
import { FrameType } from '../../proto/frames/constants';
import { decodeCredit, type Credit } from '../../proto/frames/credit-v1';
import { EgressBatchReader, EgressReason } from '../../proto/frames/egress-batch-v1';
import { EgressBatchV2Reader } from '../../proto/frames/egress-batch-v2';
import { TimingReader } from '../../proto/frames/timing-v1';
import { NO_UNIT } from '../../proto/frames/constants';
import { PacketBatchReader } from '../../proto/frames/packet-batch-v1';
import { flowKeyOf, newFlowKey, type FlowKey } from '../../sdk/flow-key';
import { Packet, PacketClass } from '../../sdk/packet';
import { EgressOrder } from '../egress/egress-order';
import type { RouteDecision } from '../controller';
import { NO_SLOT, PendingTable } from './pending-table';
import { ROUTE_SAMPLE_EVERY, RouteTiming } from './route-timing';
import { RetainedPackets } from './retained-packets';
import { LatencyBreakdown } from './breakdown';
import type { EgressSink, HttpPort, NfReport, Router, UnitPorts } from './ports';

export interface GatewayCounters {
  ingress: number;
  malformed: number;
  egress: number;
  pendingFull: number;
  unknownEgress: number;
  lostToDeadUnit: number;
  noLink: number;
  credits: number;
  unitErrors: number;
  /** Packets the units reported drained in CREDIT frames (what the function is billed for). */
  billedPackets: number;
  /** CPU time the units reported in CREDIT frames, µs (summed deltas). */
  billedCpuMicros: number;
  /** Recovery (output logger): packets of a dead unit re-sent to a recovery unit; in its logger's log but never released (output lost, effect kept); lost with no copy left. */
  resent: number;
  loggedNotReleased: number;
  lostNoCopy: number;
}

export interface DispatchOptions {
  /** In-flight packets tracked (beyond: refused and counted). */
  maxInFlight: number;
  /** Send replication targets (proactive push). */
  replicate: boolean;
  /** The NF sees the source's timestamp (replay) instead of gateway arrival. */
  sourceTime: boolean;
  /** Clock for the sampled decision timing (ns, monotonic); absent: not timed. */
  sampleClockNs?: () => number;
  /** Keep a copy of every packet in flight so a dead unit's can be re-sent (output logger on). */
  retain?: boolean;
  /**
   * Latency breakdown (bench live; units started with SNF_TIMING=1): packets with seq ≥ `fromSeq`
   * are counted; `clockOffsetNs` turns this core's `nowNs` into the host monotonic clock.
   */
  timing?: { fromSeq: number; clockOffsetNs: number };
}

const NO_TARGETS = new Int32Array(0);
const EMPTY = Buffer.alloc(0);

export class DispatchCore {
  readonly counters: GatewayCounters = {
    ingress: 0, malformed: 0, egress: 0, pendingFull: 0, unknownEgress: 0, lostToDeadUnit: 0, noLink: 0, credits: 0, unitErrors: 0,
    billedPackets: 0, billedCpuMicros: 0, resent: 0, loggedNotReleased: 0, lostNoCopy: 0,
  };
  /** `controller.route` durations of one packet in ROUTE_SAMPLE_EVERY (when a sample clock is given). */
  readonly routeTiming = new RouteTiming();
  private untilSample = ROUTE_SAMPLE_EVERY;
  /** Copies of the packets in flight (recovery); null with no output logger. */
  readonly retained: RetainedPackets | null;
  readonly pending: PendingTable;
  readonly order: EgressOrder;
  private readonly sinks: Array<EgressSink | null> = [];
  private readonly pkt = new Packet();
  private readonly key: FlowKey = newFlowKey();
  private readonly batchReader = new PacketBatchReader();
  private readonly egressReader = new EgressBatchReader();
  private readonly egressV2Reader = new EgressBatchV2Reader();
  private readonly timingReader = new TimingReader();
  /** Where each packet's time went (null unless `timing`). */
  readonly breakdown: LatencyBreakdown | null;
  private readonly clockOffsetNs: number;
  private readonly credit: Credit = { drained: 0, held: 0, drainedBytes: 0, cpuMicros: 0 };
  private httpSeq = 0;
  private lastTickNs = 0;
  /** Clock of the answer being released (residence = egressNow − ingress). */
  private egressNow = 0;

  constructor(
    readonly controller: Router,
    private readonly units: UnitPorts,
    private readonly http: HttpPort | null,
    private readonly o: DispatchOptions,
    /** Drop reasons and alerts (EGRESS v2, NAMES); null: counted nowhere. */
    private readonly report: NfReport | null = null,
  ) {
    this.pending = new PendingTable(o.maxInFlight);
    this.retained = o.retain === true ? new RetainedPackets(o.maxInFlight) : null;
    this.breakdown = o.timing ? new LatencyBreakdown(o.maxInFlight, o.timing.fromSeq) : null;
    this.clockOffsetNs = o.timing?.clockOffsetNs ?? 0;
    this.order = new EgressOrder(controller.params.flowTableCapacity, (slot, verdict, reason, buf, off, len) => this.emitSlot(slot, verdict, reason, buf, off, len));
  }

  /** Registers an egress sink; its index is the source id packets from that ingress carry. */
  addSink(s: EgressSink): number {
    const free = this.sinks.indexOf(null);
    if (free >= 0) {
      this.sinks[free] = s;
      return free;
    }
    this.sinks.push(s);
    return this.sinks.length - 1;
  }

  removeSink(source: number): void {
    this.sinks[source]?.close();
    this.sinks[source] = null;
  }

  closeSinks(): void {
    for (let i = 0; i < this.sinks.length; i++) this.removeSink(i);
  }

  /** One PACKETS frame from a replayer stream (flowletId = its seq, tsNs = its timestamp). */
  ingestBatch(source: number, body: Buffer, count: number, nowNs: number): void {
    const r = this.batchReader.reset(body, count);
    while (r.next()) this.ingest(source, body, r.packetOffset, r.packetLength, r.flowletId, r.tsNs, nowNs);
    this.maybeTick(nowNs);
  }

  /** One packet in. `seq` is the source's id for it, `srcTsNs` the source's timestamp. */
  ingest(source: number, buf: Buffer, off: number, len: number, seq: number, srcTsNs: number, nowNs: number): void {
    this.counters.ingress++;
    const p = this.pkt.reset(buf, off, len);
    if (p.cls > PacketClass.FRAGMENT) {
      this.counters.malformed++;
      this.sinks[source]?.emit(seq, 0, 1, EgressReason.MALFORMED_PACKET, buf, off, 0);
      return;
    }
    const wire = p.totalLength > 0 ? p.totalLength : len;
    const d = --this.untilSample === 0 ? this.timedRoute(p, wire, nowNs) : this.controller.route(flowKeyOf(p, this.key), wire, nowNs);
    const ts = this.o.sourceTime ? srcTsNs : nowNs;
    if (this.http !== null) {
      const token = ++this.httpSeq;
      if (this.pending.add(token, 1, seq, nowNs, source, wire, d.unit, d.flowSlot, d.clock) === NO_SLOT) return this.refuse(source, seq, buf, off, d.unit, wire, nowNs);
      this.order.begin(d.flowSlot, d.clock);
      this.http.send(d.unit, token, buf, off, len);
      return;
    }
    const link = this.units.get(d.unit);
    if (link === undefined) return this.noLink(source, seq, buf, off, d.unit, wire, nowNs);
    const slot = this.pending.add(d.flowletId, d.clock, seq, nowNs, source, wire, d.unit, d.flowSlot, d.clock);
    if (slot === NO_SLOT) return this.refuse(source, seq, buf, off, d.unit, wire, nowNs);
    this.retained?.keep(slot, buf, off, len, d.prevUnit, ts);
    this.order.begin(d.flowSlot, d.clock);
    const k = this.o.replicate ? d.targetCount : 0;
    link.add(d.flowletId, d.clock, d.prevUnit, k > 0 ? d.targets : NO_TARGETS, k, ts, buf, off, len);
    if (this.breakdown !== null) this.breakdown.sent(slot, link.frameSeq ?? 0, d.prevUnit !== NO_UNIT && d.prevUnit !== d.unit);
  }

  /** `route` with its duration counted (sampled; no allocation). */
  private timedRoute(p: Packet, wire: number, nowNs: number): RouteDecision {
    this.untilSample = ROUTE_SAMPLE_EVERY;
    const clock = this.o.sampleClockNs;
    if (clock === undefined) return this.controller.route(flowKeyOf(p, this.key), wire, nowNs);
    const t0 = clock();
    const d = this.controller.route(flowKeyOf(p, this.key), wire, nowNs);
    this.routeTiming.observeNs(clock() - t0);
    return d;
  }

  /** Routed to a unit with no link (not started, or gone): dropped at once. */
  private noLink(source: number, seq: number, buf: Buffer, off: number, unit: number, wire: number, nowNs: number): void {
    this.counters.noLink++;
    this.controller.onDropped(unit, wire, nowNs);
    this.sinks[source]?.emit(seq, 0, 1, EgressReason.NO_UNIT_LINK, buf, off, 0);
  }

  /** Routed but never sent (pending table full): the controller must not keep counting it in the unit's backlog. */
  private refuse(source: number, seq: number, buf: Buffer, off: number, unit: number, wire: number, nowNs: number): void {
    this.counters.pendingFull++;
    this.controller.onDropped(unit, wire, nowNs);
    this.sinks[source]?.emit(seq, 0, 1, EgressReason.PENDING_FULL, buf, off, 0);
  }

  /** A frame from unit `unit`'s link: CREDIT, EGRESS (v2, or v1 from an older unit) or NAMES. */
  onUnitFrame(unit: number, type: number, count: number, body: Buffer, nowNs: number): void {
    if (type === FrameType.CREDIT) this.onCredit(unit, body, nowNs);
    else if (type === FrameType.EGRESS_V2) this.onEgressV2Frame(unit, body, count, nowNs);
    else if (type === FrameType.NAMES) this.report?.onNames(unit, body, count);
    else if (type === FrameType.TIMING) this.onTiming(unit, body, count);
    else this.onEgressFrame(body, count, nowNs);
  }

  onCredit(unit: number, body: Buffer, nowNs: number): void {
    const c = decodeCredit(body, this.credit);
    this.counters.credits++;
    this.counters.billedPackets += c.drained;
    this.counters.billedCpuMicros += c.cpuMicros;
    if (c.drained > 0) this.controller.onDrained(unit, c.drainedBytes, nowNs);
  }

  /** A unit's TIMING frame (just before its EGRESS): unit-side times of the packets about to come back. */
  onTiming(unit: number, body: Buffer, count: number): void {
    const bd = this.breakdown;
    const times = this.units.get(unit)?.frameTimes;
    if (bd === null || times == null) return;
    const r = this.timingReader.reset(body, count);
    while (r.next()) {
      const s = this.pending.slotOf(r.flowletId, r.clock);
      if (s !== NO_SLOT) bd.unitTimes(s, times.writtenAt(bd.frameSeq[s]!), r.recvNs, r.queueNs, r.stateWaitNs, r.nfNs);
    }
  }

  onEgressFrame(body: Buffer, count: number, nowNs: number): void {
    const r = this.egressReader.reset(body, count);
    this.egressNow = nowNs;
    while (r.next()) this.onEgressRecord(r.flowletId, r.clock, r.verdict, r.reason, body, r.packetOffset, r.packetLength);
  }

  /** EGRESS v2: as v1, and what the NF said goes to the report (held by slot until released). */
  onEgressV2Frame(unit: number, body: Buffer, count: number, nowNs: number): void {
    const r = this.egressV2Reader.reset(body, count);
    const pend = this.pending;
    this.egressNow = nowNs;
    while (r.next()) {
      const s = pend.take(r.flowletId, r.clock);
      if (s === NO_SLOT) {
        this.counters.unknownEgress++;
        continue;
      }
      if ((r.dropId | r.alertCount) !== 0 && this.report !== null) this.report.onRecord(unit, s, r);
      if (this.breakdown !== null) this.breakdown.egressRxNs[s] = nowNs + this.clockOffsetNs;
      this.order.done(pend.flow[s]!, pend.clock[s]!, s, r.verdict, r.reason, body, r.packetOffset, r.packetLength);
    }
  }

  /** One packet back from a unit: found by (flowletId, clock), released in its flow's order. */
  private onEgressRecord(flowletId: number, clock: number, verdict: number, reason: number, buf: Buffer, off: number, len: number): void {
    const pend = this.pending;
    const s = pend.take(flowletId, clock);
    if (s === NO_SLOT) {
      this.counters.unknownEgress++;
      return;
    }
    this.order.done(pend.flow[s]!, pend.clock[s]!, s, verdict, reason, buf, off, len);
  }

  /** An HTTP unit's answer (`packet` mode). */
  onHttpDone(token: number, verdict: number, reason: number, body: Buffer | null, nowNs: number): void {
    const s = this.pending.take(token, 1);
    if (s === NO_SLOT) return void this.counters.unknownEgress++;
    const pend = this.pending;
    this.controller.onDrained(pend.unit[s]!, pend.wireBytes[s]!, nowNs);
    const b = body ?? EMPTY;
    this.egressNow = nowNs;
    this.order.done(pend.flow[s]!, pend.clock[s]!, s, verdict, reason, b, 0, verdict === 0 ? b.length : 0);
  }

  /** Released in flow order: to the packet's source sink, then the slot is freed. */
  private emitSlot(s: number, verdict: number, reason: number, buf: Buffer, off: number, len: number): void {
    const pend = this.pending;
    this.counters.egress++;
    this.sinks[pend.source[s]!]?.emit(pend.seq[s]!, this.egressNow - pend.ingressNs[s]!, verdict, reason, buf, off, len);
    if (this.breakdown !== null) this.breakdown.released(s, pend.seq[s]!, pend.unit[s]!, pend.ingressNs[s]! + this.clockOffsetNs, this.egressNow + this.clockOffsetNs);
    this.report?.release(s);
    pend.release(s);
  }

  /** A unit is gone (connection died, never came up, or retired with packets left): its in-flight packets are lost. */
  onUnitLost(unit: number, nowNs: number): void {
    const pend = this.pending;
    this.egressNow = nowNs;
    pend.drainUnit(unit, (s) => {
      this.counters.lostToDeadUnit++;
      this.controller.onDropped(unit, pend.wireBytes[s]!, nowNs);
      this.order.done(pend.flow[s]!, pend.clock[s]!, s, 1, EgressReason.UNIT_LOST, EMPTY, 0, 0);
    });
  }

  /**
   * Recovery: unit `unit` died and a process under the same id takes over (it restores the flows
   * from the dead one's output logger). Called once the logger released everything it will for
   * the dead process (UNIT_GONE), or once a logger rebuilt from Kafka took over. Of the packets in
   * flight at the dead process (`inFlight`, from inFlightSnapshot when it died; packets routed to
   * the id since are queued for the successor already), those still unanswered are, in clock order:
   *  - clock ≤ `loggedClock(flow)`: their effect is in the log, their output never came (logged,
   *    then both died): released as UNIT_LOST, counted `loggedNotReleased` — running them again
   *    would apply them twice;
   *  - otherwise re-sent on the unit's (new) link with their original ids and previous unit, so
   *    their answers match as usual and a flowlet whose state never reached the dead unit pulls it
   *    where it is.
   * Packets whose copy was lapped (RetainedPackets) are lost, counted `lostNoCopy`. Returns the re-sent count.
   */
  resendUnit(unit: number, nowNs: number, loggedClock: (flowSlot: number) => number, inFlight: readonly number[]): number {
    const pend = this.pending;
    const ret = this.retained;
    // Of what was in flight at the dead process (inFlightSnapshot), what is still unanswered.
    const keys: number[] = [];
    for (let i = 0; i < inFlight.length; i += 3) {
      if (pend.slotOf(inFlight[i]!, inFlight[i + 1]!) === inFlight[i + 2]) keys.push(inFlight[i]!, inFlight[i + 1]!, inFlight[i + 2]!);
    }
    const order = Array.from({ length: keys.length / 3 }, (_, i) => i).sort((a, b) => keys[a * 3 + 1]! - keys[b * 3 + 1]!);
    const link = this.units.get(unit);
    this.egressNow = nowNs;
    let resent = 0;
    for (const i of order) {
      const fl = keys[i * 3]!;
      const c = keys[i * 3 + 1]!;
      const s = keys[i * 3 + 2]!;
      const copied = ret !== null && ret.has(s);
      if (!copied || link === undefined || pend.clock[s]! <= loggedClock(pend.flow[s]!)) {
        if (!copied) this.counters.lostNoCopy++;
        else if (link === undefined) this.counters.noLink++;
        else this.counters.loggedNotReleased++;
        if (pend.take(fl, c) === s) this.lose(unit, s, nowNs);
        continue;
      }
      link.add(fl, c, ret.prevUnit[s]!, NO_TARGETS, 0, ret.tsNs[s]!, ret.ring, ret.offset(s), ret.len[s]!);
      resent++;
    }
    this.counters.resent += resent;
    return resent;
  }

  /** (flowletId, clock, slot) of every packet in flight at `unit` now: taken when its process died, for resendUnit. */
  inFlightSnapshot(unit: number): number[] {
    const keys: number[] = [];
    this.pending.forUnit(unit, (f, c, s) => void keys.push(f, c, s));
    return keys;
  }

  private lose(unit: number, s: number, nowNs: number): void {
    const pend = this.pending;
    this.controller.onDropped(unit, pend.wireBytes[s]!, nowNs);
    this.order.done(pend.flow[s]!, pend.clock[s]!, s, 1, EgressReason.UNIT_LOST, EMPTY, 0, 0);
  }

  /** Packets sent to `unit` whose answer has not come back. */
  inFlightAt(unit: number): number {
    return this.pending.inFlightAt(unit);
  }

  /** The controller's tick clock starts now (no tick until a load bucket has passed). */
  startTicks(nowNs: number): void {
    this.lastTickNs = nowNs;
  }

  maybeTick(nowNs: number): void {
    if (nowNs - this.lastTickNs >= this.controller.params.loadBucketNs) this.tick(nowNs);
  }

  tick(nowNs: number): void {
    this.lastTickNs = nowNs;
    this.controller.tick(nowNs);
  }
}
