/**
 * The live SNF gateway: ingress (replayer stream, UDP) → the pure controller on the real clock →
 * per-unit batched data-plane links (or the HTTP path for the packet/external baselines) →
 * egress back to where each packet came from. Unit load comes from the units' CREDIT frames.
 *
 * Hot path (per packet): one Packet view reset, one flow key fill, controller.route, one
 * pending-table insert, one record copy into the unit's frame. No clock read (one per batch),
 * no logging, no throwing: everything odd is counted in `counters`.
 */
import * as dgram from 'dgram';
import type { AddressInfo, Server, Socket } from 'net';
import { FrameType } from '../proto/frames/constants';
import { decodeCredit, type Credit } from '../proto/frames/credit-v1';
import { EgressBatchReader, EgressReason } from '../proto/frames/egress-batch-v1';
import { EgressOrder } from './egress-order';
import { PacketBatchReader } from '../proto/frames/packet-batch-v1';
import { flowKeyOf, newFlowKey, type FlowKey } from '../sdk/flow-key';
import { Packet, PacketClass } from '../sdk/packet';
import { Controller } from './controller';
import { monoNs } from './clock';
import type { EgressSink } from './egress-sink';
import { NullSink } from './egress-sink';
import { HttpDispatcher } from './http-dispatcher';
import { randomBytes } from 'crypto';
import { resolveRouting, unitEnvFor, type GatewayOptions, type ResolvedRouting } from './options';
import { NO_SLOT, PendingTable } from './pending-table';
import { PcapEgress } from './pcap-egress';
import { LocalProcessProvider } from './process/local-process-provider';
import { pullStates, type DumpedState } from './state-dump';
import { createStreamServer, type StreamServerCounters } from './stream-server';
import { UdpEgress } from './udp-egress';
import { UnitPool } from './unit-pool';
import type { UnitLink } from './unit-link';
import { addStats, type UnitStats } from '../proto/frames/stats-v1';
// What the NF said (drop reasons, IDS alerts): gateway/alerts/.
import { EgressBatchV2Reader } from '../proto/frames/egress-batch-v2';
import { createAlertHub, type AlertHub } from './alerts';

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
}

const NO_TARGETS = new Int32Array(0);

export class Gateway {
  readonly routing: ResolvedRouting;
  /** This run's id: the external-state key namespace. */
  readonly runId = randomBytes(6).toString('hex');
  readonly counters: GatewayCounters = { ingress: 0, malformed: 0, egress: 0, pendingFull: 0, unknownEgress: 0, lostToDeadUnit: 0, noLink: 0, credits: 0, unitErrors: 0 };
  readonly stream: StreamServerCounters = { connections: 0, refused: 0, framesRejected: 0 };
  controller!: Controller;
  readonly pool: UnitPool;
  readonly pending: PendingTable;
  private http: HttpDispatcher | null = null;
  private order!: EgressOrder;
  private readonly sinks: Array<EgressSink | null> = [];
  private readonly pkt = new Packet();
  private readonly key: FlowKey = newFlowKey();
  private readonly batchReader = new PacketBatchReader();
  private readonly egressReader = new EgressBatchReader();
  private readonly egressV2Reader = new EgressBatchV2Reader();
  /** Drop reasons and alerts of the NF (gateway/alerts/): counters, EVE lines to the alerts sink. */
  readonly alerts: AlertHub;
  private readonly credit: Credit = { drained: 0, held: 0, drainedBytes: 0, cpuMicros: 0 };
  private streamServer: Server | null = null;
  private readonly streamSockets = new Set<Socket>();
  private udp: dgram.Socket | null = null;
  private udpSource = -1;
  private udpSeq = 0;
  private httpSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastTickNs = 0;
  private readonly errors: string[] = [];
  private alertErrorsLogged = 0;
  /** Counters of retired units, summed (see unitStats). */
  private readonly retiredStats: UnitStats = {};
  streamPort = 0;
  udpPort = 0;

  constructor(readonly opts: GatewayOptions) {
    this.routing = resolveRouting(opts);
    this.pending = new PendingTable(opts.maxInFlight);
    this.alerts = createAlertHub(opts.function, opts.alerts ?? 'off', process.env, (err) => {
      if (this.alertErrorsLogged++ < 5) process.stderr.write(`snf gateway: alerts sink: ${String(err)}\n`);
    });
    const provider = new LocalProcessProvider({
      function: opts.function, token: opts.token, configFile: opts.configFile, host: opts.host, env: unitEnvFor(opts, this.routing, this.runId), onLog: opts.onUnitLog,
    });
    this.pool = new UnitPool(provider, opts.token, this.routing.http, {
      frame: (link, type, count, body) => this.onUnitFrame(link, type, count, body),
      lost: (unit) => this.onUnitLost(unit),
      httpReady: (unit, ep) => this.http!.addUnit(unit, ep.host, ep.port),
      error: (unit, err) => {
        this.counters.unitErrors++;
        this.errors.push(`unit ${unit}: ${String(err)}`);
        // Packets queued for a unit that never came up are lost: release them (counted).
        this.onUnitLost(unit);
      },
    });
    if (this.routing.http) {
      this.http = new HttpDispatcher(this.routing.serialiseFlows, (unit, token, verdict, reason, body) => this.onHttpDone(unit, token, verdict, reason, body));
    }
  }

  /** Starts the minimum units, waits for them, then opens ingress. */
  async start(): Promise<void> {
    const o = this.opts;
    this.controller = new Controller(this.routing.params, {
      onUnitStart: (unit) => this.pool.start(unit),
      onUnitStop: (unit) => void this.retire(unit),
    });
    this.order = new EgressOrder(this.controller.params.flowTableCapacity, (slot, verdict, reason, buf, off, len) => this.emitSlot(slot, verdict, reason, buf, off, len));
    await this.pool.settled();
    if (this.errors.length > 0) {
      await this.stop();
      throw new Error(`gateway: units failed to start: ${this.errors.join('; ')}`);
    }
    if (o.streamPort !== null) {
      this.streamServer = createStreamServer(o.token, {
        open: (egress) => this.addSink(egress),
        batch: (source, body, count) => this.onStreamBatch(source, body, count),
        close: (source) => this.removeSink(source),
      }, this.stream);
      this.streamServer.on('connection', (sock) => {
        this.streamSockets.add(sock);
        sock.once('close', () => this.streamSockets.delete(sock));
      });
      await new Promise<void>((resolve, reject) => {
        this.streamServer!.once('error', reject);
        this.streamServer!.listen(o.streamPort!, o.host, () => resolve());
      });
      this.streamPort = (this.streamServer.address() as AddressInfo).port;
    }
    if (o.udpPort !== null) await this.openUdp(o.udpPort);
    this.lastTickNs = monoNs();
    this.timer = setInterval(() => this.tick(monoNs()), o.tickMs);
  }

  private async openUdp(port: number): Promise<void> {
    // 4 MiB receive buffer (the kernel caps it at net.core.rmem_max): the 208 KiB default holds
    // only ~100 full-size datagrams, and a burst of 200 lost a quarter of them in the e2e test.
    const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    this.udp = sock;
    const eg = this.opts.udpEgress;
    let sink: EgressSink = new NullSink();
    if (eg !== null && eg.startsWith('udp:')) {
      const [, host, p] = eg.split(':');
      sink = new UdpEgress(sock, host!, Number(p));
    } else if (eg !== null && eg.startsWith('pcap:')) sink = new PcapEgress(eg.slice(5));
    this.udpSource = this.addSink(sink);
    sock.on('message', (msg) => {
      const now = monoNs();
      this.ingest(this.udpSource, msg, 0, msg.length, this.udpSeq++, now, now);
      this.maybeTick(now);
    });
    await new Promise<void>((resolve) => sock.bind(port, this.opts.host, () => resolve()));
    this.udpPort = sock.address().port;
  }

  private addSink(s: EgressSink): number {
    const free = this.sinks.indexOf(null);
    if (free >= 0) {
      this.sinks[free] = s;
      return free;
    }
    this.sinks.push(s);
    return this.sinks.length - 1;
  }

  private removeSink(source: number): void {
    this.sinks[source]?.close();
    this.sinks[source] = null;
  }

  private onStreamBatch(source: number, body: Buffer, count: number): void {
    const now = monoNs();
    const r = this.batchReader.reset(body, count);
    while (r.next()) this.ingest(source, body, r.packetOffset, r.packetLength, r.flowletId, r.tsNs, now);
    this.maybeTick(now);
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
    const d = this.controller.route(flowKeyOf(p, this.key), wire, nowNs);
    const ts = this.opts.nfTime === 'source' ? srcTsNs : nowNs;
    if (this.http !== null) {
      const token = ++this.httpSeq;
      if (this.pending.add(token, 1, seq, nowNs, source, wire, d.unit, d.flowSlot, d.clock) === NO_SLOT) return this.refuse(source, seq, buf, off, d.unit, wire, nowNs);
      this.order.begin(d.flowSlot, d.clock);
      this.http.send(d.unit, d.flowSlot, token, buf, off, len);
      return;
    }
    const link = this.pool.links.get(d.unit);
    if (link === undefined) {
      this.counters.noLink++;
      this.controller.onDropped(d.unit, wire, nowNs);
      this.sinks[source]?.emit(seq, 0, 1, EgressReason.NO_UNIT_LINK, buf, off, 0);
      return;
    }
    if (this.pending.add(d.flowletId, d.clock, seq, nowNs, source, wire, d.unit, d.flowSlot, d.clock) === NO_SLOT) return this.refuse(source, seq, buf, off, d.unit, wire, nowNs);
    this.order.begin(d.flowSlot, d.clock);
    const k = this.routing.replicate ? d.targetCount : 0;
    link.add(d.flowletId, d.clock, d.prevUnit, k > 0 ? d.targets : NO_TARGETS, k, ts, buf, off, len);
  }

  /** Routed but never sent: the controller must not keep counting it in the unit's backlog. */
  private refuse(source: number, seq: number, buf: Buffer, off: number, unit: number, wire: number, nowNs: number): void {
    this.counters.pendingFull++;
    this.controller.onDropped(unit, wire, nowNs);
    this.sinks[source]?.emit(seq, 0, 1, EgressReason.PENDING_FULL, buf, off, 0);
  }

  private onUnitFrame(link: UnitLink, type: number, count: number, body: Buffer): void {
    const now = monoNs();
    if (type === FrameType.CREDIT) {
      const c = decodeCredit(body, this.credit);
      this.counters.credits++;
      if (c.drained > 0) this.controller.onDrained(link.unit, c.drainedBytes, now);
      return;
    }
    if (type === FrameType.NAMES) return this.alerts.onNames(link.unit, body, count);
    if (type === FrameType.EGRESS_V2) return this.onEgressV2(link.unit, body, count, now);
    const r = this.egressReader.reset(body, count);
    const pend = this.pending;
    while (r.next()) {
      const s = pend.take(r.flowletId, r.clock);
      if (s === NO_SLOT) {
        this.counters.unknownEgress++;
        continue;
      }
      this.egressNow = now;
      this.order.done(pend.flow[s]!, pend.clock[s]!, s, r.verdict, r.reason, body, r.packetOffset, r.packetLength);
    }
  }

  private egressNow = 0;

  /** EGRESS v2: as v1, and what the NF said goes to the alert hub (released with the packet). */
  private onEgressV2(unit: number, body: Buffer, count: number, now: number): void {
    const r = this.egressV2Reader.reset(body, count);
    const pend = this.pending;
    while (r.next()) {
      const s = pend.take(r.flowletId, r.clock);
      if (s === NO_SLOT) {
        this.counters.unknownEgress++;
        continue;
      }
      if ((r.dropId | r.alertCount) !== 0) this.alerts.onRecord(unit, s, r);
      this.egressNow = now;
      this.order.done(pend.flow[s]!, pend.clock[s]!, s, r.verdict, r.reason, body, r.packetOffset, r.packetLength);
    }
  }

  /** Released in flow order: to the packet's source sink, then the slot is freed. */
  private emitSlot(s: number, verdict: number, reason: number, buf: Buffer, off: number, len: number): void {
    const pend = this.pending;
    this.counters.egress++;
    this.sinks[pend.source[s]!]?.emit(pend.seq[s]!, this.egressNow - pend.ingressNs[s]!, verdict, reason, buf, off, len);
    this.alerts.release(s);
    pend.release(s);
  }

  private onHttpDone(_unit: number, token: number, verdict: number, reason: number, body: Buffer | null): void {
    const now = monoNs();
    const s = this.pending.take(token, 1);
    if (s === NO_SLOT) return void this.counters.unknownEgress++;
    const pend = this.pending;
    this.controller.onDrained(pend.unit[s]!, pend.wireBytes[s]!, now);
    const b = body ?? Buffer.alloc(0);
    this.egressNow = now;
    this.order.done(pend.flow[s]!, pend.clock[s]!, s, verdict, reason, b, 0, verdict === 0 ? b.length : 0);
  }

  /**
   * The controller retired `unit` (it routes nothing there any more). The process goes only once
   * it has started (packets may be queued for it) and every packet sent to it has come back, or
   * after `retireDrainMs`, when what is left counts as lost; the id is reused only after the
   * process exited (controller `holdRetiredIds`). Found by test/e2e/live/scaling.test.ts: a unit
   * retired while its process was still starting took its queued packets with it; and a unit
   * retired while a newer one was starting handed its flows to everyone but the newcomer, which
   * then held that flow's packets for a pull from a process that was gone.
   */
  private async retire(unit: number): Promise<void> {
    try {
      await this.pool.whenStarted(unit);
      const deadline = monoNs() + this.opts.retireDrainMs * 1e6;
      while (this.pending.inFlightAt(unit) > 0 && monoNs() < deadline && this.timer !== null) {
        await new Promise((r) => setTimeout(r, 10));
      }
      if (this.pending.inFlightAt(unit) > 0) this.onUnitLost(unit);
      // Units still starting may hold packets whose state is here: let them come up and reach
      // this unit's PEERS table first, so its SIGTERM hand-off reaches them too.
      await this.pool.settled();
      await new Promise((r) => setTimeout(r, 100));
      // Its counters outlive it (stateLost, pulls, pushes…): read them before it goes.
      const st = await this.pool.links.get(unit)?.requestStats();
      if (st) addStats(this.retiredStats, st);
      await this.pool.stop(unit);
    } finally {
      this.controller.unitGone(unit);
    }
  }

  /** A unit's connection died: its in-flight packets are lost (counted, reported as drops). */
  private onUnitLost(unit: number): void {
    const pend = this.pending;
    const empty = Buffer.alloc(0);
    this.egressNow = monoNs();
    const now = this.egressNow;
    pend.drainUnit(unit, (s) => {
      this.counters.lostToDeadUnit++;
      this.controller.onDropped(unit, pend.wireBytes[s]!, now);
      this.order.done(pend.flow[s]!, pend.clock[s]!, s, 1, EgressReason.UNIT_LOST, empty, 0, 0);
    });
  }

  private maybeTick(now: number): void {
    if (now - this.lastTickNs >= this.controller.params.loadBucketNs) this.tick(now);
  }

  private tick(now: number): void {
    this.lastTickNs = now;
    this.controller.tick(now);
  }

  /** Final per-flow state from the compute units (newest clock wins). */
  collectState(keys: readonly FlowKey[]): Promise<Array<DumpedState | null>> {
    return pullStates(this.pool.peerList(), this.opts.token, keys);
  }

  /** Every running unit's counters (STATS frame) by unit id, and under 0 the sum over retired units. */
  async unitStats(): Promise<Record<number, UnitStats>> {
    const out: Record<number, UnitStats> = {};
    if (Object.keys(this.retiredStats).length > 0) out[0] = { ...this.retiredStats };
    await Promise.all([...this.pool.links].map(async ([u, l]) => {
      const s = await l.requestStats();
      if (s !== null) out[u] = s;
    }));
    return out;
  }

  /** The counters of every unit this gateway ran, summed (retired ones included). */
  async unitTotals(): Promise<UnitStats> {
    const total: UnitStats = {};
    for (const st of Object.values(await this.unitStats())) addStats(total, st);
    return total;
  }

  /** Numbers for reports and /metrics. */
  stats(): Record<string, unknown> {
    const links: Record<string, unknown> = {};
    for (const [u, l] of this.pool.links) links[u] = l.counters;
    return {
      gateway: { ...this.counters, inFlight: this.pending.size, egressParked: this.order?.parkedTotal ?? 0 },
      controller: this.controller ? { ...this.controller.counters, units: this.controller.unitCount } : null,
      pool: this.pool.counters,
      stream: this.stream,
      http: this.http?.counters ?? null,
      links,
      alerts: this.alerts.stats(),
    };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const s of this.streamSockets) s.destroy();
    if (this.streamServer) await new Promise<void>((r) => this.streamServer!.close(() => r()));
    this.streamServer = null;
    this.udp?.close();
    this.udp = null;
    for (let i = 0; i < this.sinks.length; i++) this.removeSink(i);
    this.http?.close();
    await this.pool.close();
    await this.alerts.close();
  }
}
