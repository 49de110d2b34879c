/**
 * One compute unit (`snf watchdog` without --http): the NF in-process over the ephemeral store
 * (runtime/), the data-plane listener, the state backend (state/: peers or the external store),
 * the StatePeer server and clients, the idle sweep and the meters.
 *
 * Per PACKETS frame: read the clock once, run every record through the processor (no gRPC, no
 * strings on that path), then once per batch (and once per state arrival): sweep idle flows into
 * the backend, flush it (pushes/writes, batched pulls), answer waiting pulls, write one EGRESS
 * frame and one CREDIT frame.
 */
import type { AddressInfo, Server } from 'net';
import { performance } from 'perf_hooks';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { FrameType, HandshakeFlag, Role } from '../proto/frames/constants';
import { HandshakeStatus, type Handshake } from '../proto/frames/handshake-v1';
import { EgressBatchV2Writer } from '../proto/frames/egress-batch-v2';
import { encodeCredit } from '../proto/frames/credit-v1';
import { PacketBatchReader } from '../proto/frames/packet-batch-v1';
import { decodePeers } from '../proto/frames/peers-v1';
import { encodeStats } from '../proto/frames/stats-v1';
import { monotonicNs, PERF_TO_HOST_NS, TimingWriter } from '../proto/frames/timing-v1';
import { ProcessMeter, processStatsFields } from './process-meter';
import { ipToString, newFlowKey } from '../sdk/flow-key';
import { LogKind, type LogRecord } from '../proto/frames/log-record-v1';
import type { NetworkFunction } from '../sdk/types';
import { BillingMeter } from './billing';
import { EgressNames } from './egress-names';
import { createDataPlaneServer, type Admission, type DataPlaneConnection } from './data-plane-server';
import { PacketProcessor } from './runtime/packet-processor';
import { newUnitCounters } from './runtime/counters';
import { sweep, type SweepOptions } from './runtime/sweep';
import { PeerClients } from './peer-clients';
import { bindServer, createPeerServer } from './peer-server';
import type { StateBackend } from './state/backend';
import { createStateBackend } from './state/create-backend';
import { StatePeerService } from './state/peer-service';
import { PushTiming } from './state/push-timing';
import { UNIT_ID_FROM_GATEWAY, type WatchdogConfig } from './config';
import { announceReady } from './ready';
import { UnitLoggerLink } from './logger/unit-logger-link';
import { warmUp, type WarmUpResult } from './warm-up';

const nowNs = (): number => performance.now() * 1e6;
const EGRESS_BYTES = 1 << 20;
/** With a logger, a LOG frame holds the records and the egress: flush the egress before it nears the frame cap. */
const EGRESS_ROOM_FOR_LOG = EGRESS_BYTES - 128 * 1024;
const LOG_RECORDS_BYTES = 256 * 1024;
/** TIMING records per frame (28 B each: ~900 KB, under the gateway's 1 MiB frame cap). */
const TIMING_RECORDS = 32 * 1024;
/** Up to this many peers, a PEERS frame opens a StatePeer connection to each at once (warm-up). */
const MAX_WARM_PEERS = 32;

export class ComputeUnit<C, S> {
  // Built once the unit has its id (at once, or from the first gateway handshake: SNF_UNIT_ID=gateway).
  proc!: PacketProcessor<C, S>;
  readonly billing: BillingMeter;
  peers!: PeerClients;
  /** Where flow state lives between flowlets (SNF_STATE): peers or the external store. */
  backend!: StateBackend<S>;
  private service!: StatePeerService<C, S>;
  /** Where proactive pushes spend their time, sent and received (STATS; issue 12). */
  private readonly pushTiming = new PushTiming();
  private readonly reader = new PacketBatchReader();
  private readonly targets = new Uint16Array(255);
  private readonly egress = new EgressBatchV2Writer(EGRESS_BYTES);
  /** Texts of drop-reason ids and sids the gateway connection has not seen yet. */
  private names!: EgressNames<S>;
  /** The processor's counters, there before it (the listeners count refusals from the start). */
  private readonly unitCounters = newUnitCounters();
  /** What the NF said about the packet being emitted (ports.said, just before its emit). */
  private saidDrop = 0;
  private saidSids: Uint32Array = new Uint32Array(0);
  private saidCount = 0;
  private egressConn: DataPlaneConnection | null = null;
  /** SNF_TIMING=1: per-packet TIMING records (sent before their EGRESS) and process figures in STATS. */
  private readonly timing: TimingWriter | null;
  private readonly meter: ProcessMeter | null;
  /** Clock (nowNs) when the current PACKETS frame was read, and when the current record's turn came. */
  private frameNs = 0;
  private turnNs = 0;
  private drained = 0;
  private drainedBytes = 0;
  /** `held` in the last CREDIT: a change alone sends one (the gateway's backpressure window must not count packets held for state). */
  private creditedHeld = 0;
  private dataServer: Server | null = null;
  private peerServer: GrpcServer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly sweepOpts: SweepOptions;
  private readonly restoreKey = newFlowKey();
  /** SNF_LOGGER: every packet's record and the egress go to the output logger, which releases to the gateway. */
  logger: UnitLoggerLink<S> | null = null;
  dataPort = 0;
  peerPort = 0;
  /** What building the NF handler cost (ms): decides whether the warm-up may build a scratch one. */
  private createMs = 0;
  /** The warm-up run before the ready record (null until start). */
  warmUp: WarmUpResult | null = null;

  constructor(private readonly nf: NetworkFunction<C, S>, private readonly nfConfig: C, public cfg: WatchdogConfig, readonly log: Logger) {
    this.billing = new BillingMeter(nf.name);
    this.timing = cfg.timing === 1 ? new TimingWriter(TIMING_RECORDS) : null;
    this.meter = cfg.timing === 1 ? new ProcessMeter() : null;
    this.sweepOpts = { idlePushNs: cfg.idlePushUs * 1e3, evictNs: cfg.evictMs * 1e6, gatewayClock: cfg.idleGatewayClock === 1 };
    if (cfg.unitId !== UNIT_ID_FROM_GATEWAY) this.build(cfg.unitId);
  }

  /** The unit id it runs as; −1 (UNIT_ID_FROM_GATEWAY) until a gateway assigned one. */
  get unitId(): number {
    return this.cfg.unitId;
  }

  /** Everything that depends on the unit id: the NF (created with it), peers, state backend. */
  private build(unitId: number): void {
    const cfg = (this.cfg = Object.freeze({ ...this.cfg, unitId }));
    const { nf, log } = this;
    this.peers = new PeerClients(cfg.unitId, cfg.token, cfg.peerDeadlineMs, (unit, err) => {
      this.proc.counters.pushErrors++;
      log.warn({ unit, err: String(err) }, 'push stream failed');
    }, this.pushTiming.written);
    for (const [unit, addr] of Object.entries(cfg.peers)) this.peers.setAddress(Number(unit), addr);
    const created = performance.now();
    this.proc = new PacketProcessor(nf, this.nfConfig, {
      emit: (f, clock, verdict, reason, buf, off, len, wire) => this.emit(f, clock, verdict, reason, buf, off, len, wire),
      canPull: (unit) => this.backend.canFetch(unit),
      requestPull: (unit, e, minClock) => this.backend.requestFetch(unit, e, minClock),
      said: (dropId, sids, n) => {
        this.saidDrop = dropId;
        this.saidSids = sids;
        this.saidCount = n;
        this.names.note(dropId, sids, n);
      },
      stateLost: (e, clocks, prevUnits) => log.warn({
        unit: cfg.unitId, flow: [e.proto, e.srcIp, e.srcPort, e.dstIp, e.dstPort], clock: e.clock, held: clocks.slice(0, 8),
        prevUnits: prevUnits.slice(0, 8), pullUnit: e.pullUnit, pullAttempts: e.pullAttempts, pullState: e.pullState, pullDueUs: (e.pullAtNs - nowNs()) / 1e3, waiters: this.service.waiting, stateLost: this.proc.counters.stateLost,
      }, 'STATE LOST: held packets gave up waiting for their state (hold timeout)'),
    }, {
      unitId: cfg.unitId, pullDelayNs: cfg.pullDelayUs * 1e3, pullRetryNs: cfg.pullRetryUs * 1e3,
      holdTimeoutNs: cfg.holdTimeoutMs * 1e6, maxUnits: cfg.maxUnits,
    }, this.unitCounters);
    this.createMs = performance.now() - created;
    this.names = new EgressNames<S>(this.proc.invoker);
    // After state arrives asynchronously: release, re-pull what is still missing, answer waiters, flush.
    const afterArrival = (): void => this.afterWork(nowNs());
    this.backend = createStateBackend(cfg.stateStore, {
      proc: this.proc, peers: this.peers, log, nowNs, afterAsync: afterArrival,
      nf: nf.name, redisUrl: cfg.redisUrl, stateNamespace: cfg.stateNamespace, evictMs: cfg.evictMs, pushTiming: this.pushTiming,
    });
    // Only a backend that observes deltas gets the port (none today): no call per packet otherwise.
    if (this.backend.delta) this.proc.ports.delta = this.backend.delta;
    this.logger = cfg.loggerAddress === null ? null
      : new UnitLoggerLink<S>(cfg.unitId, cfg.token, cfg.loggerAddress, this.proc.codec, this.proc.store, log, LOG_RECORDS_BYTES, (r) => this.restoreFlow(r));
    if (this.logger !== null) {
      const lg = this.logger;
      this.proc.ports.delta = (e, _clock, flowletId, kind, value) => {
        // Records and egress share a frame: make room in both before this packet's record.
        if (this.egress.bodyBytes > EGRESS_ROOM_FOR_LOG) this.flushEgress();
        if (!lg.record(e, flowletId, kind, value)) {
          this.flushEgress();
          lg.record(e, flowletId, kind, value);
        }
      };
    }
    this.service = new StatePeerService(this.proc, nowNs, cfg.pullWaitMs, afterArrival, cfg.idlePushUs * 1e3, this.pushTiming);
  }

  /**
   * A gateway's handshake (proto/data-plane.md §1): with ASSIGN_UNIT_ID its unitId is this unit's
   * id. A unit without one takes it (once, for its whole life; the external store connects then),
   * a unit with one refuses a different id. Other connections are taken as before.
   */
  private admit(h: Handshake): Admission {
    const assigned = h.role === Role.GATEWAY && (h.flags & HandshakeFlag.ASSIGN_UNIT_ID) !== 0 ? h.unitId : -1;
    const id = this.cfg.unitId;
    if (id !== UNIT_ID_FROM_GATEWAY) {
      if (assigned < 0 || assigned === id) return { status: HandshakeStatus.OK, unitId: id };
      return { status: HandshakeStatus.WRONG_UNIT_ID, unitId: id, reason: `the gateway assigned unit id ${assigned}, but this unit runs as ${id}` };
    }
    if (assigned < 0) return { status: HandshakeStatus.NO_UNIT_ID, unitId: 0, reason: 'this unit takes its id from the gateway (SNF_UNIT_ID=gateway) and the handshake assigned none' };
    const max = this.cfg.maxUnits;
    if (assigned < 1 || assigned > 32767 || (max > 0 && assigned > max)) {
      return { status: HandshakeStatus.WRONG_UNIT_ID, unitId: 0, reason: `assigned unit id ${assigned} is outside 1..${max > 0 ? max : 32767}` };
    }
    this.build(assigned);
    this.backend.start().catch((err) => this.log.warn({ unit: assigned, err: String(err) }, 'state backend failed to start'));
    this.log.info({ unit: assigned }, 'unit id assigned by the gateway');
    return { status: HandshakeStatus.OK, unitId: assigned };
  }

  get counters() {
    return this.unitCounters;
  }

  async start(): Promise<void> {
    const { cfg, log } = this;
    if (cfg.unitId !== UNIT_ID_FROM_GATEWAY) await this.backend.start();
    if (this.logger !== null) {
      await this.logger.connect();
      const restored = this.logger.counters.restoredFlows;
      if (restored > 0) log.warn({ unit: cfg.unitId, flows: restored, logger: cfg.loggerAddress }, 'took over a dead unit: flows restored from its output logger');
    }
    // Before the unit has an id no peer knows it: anything sent is refused (counted as rejected).
    this.peerServer = createPeerServer(cfg.token, {
      push: (req) => (this.service !== undefined ? this.service.onPush(req) : { applied: 0, stale: 0, rejected: req.flows?.length ?? 0 }),
      pull: (req) => (this.service !== undefined ? this.service.onPull(req) : Promise.reject(new Error('this unit has no id yet'))),
    }, this.unitCounters, log);
    this.peerPort = await bindServer(this.peerServer, cfg.host, cfg.peerListen);
    this.dataServer = createDataPlaneServer({ unitId: Math.max(0, cfg.unitId), token: cfg.token, maxFrameBody: cfg.maxFrameBody, admit: (h) => this.admit(h) }, {
      onFrame: (conn, type, count, body) => this.onFrame(conn, type, count, body),
      onClose: (conn) => {
        if (this.egressConn === conn) this.egressConn = null;
      },
    }, this.unitCounters, log);
    await new Promise<void>((resolve, reject) => {
      this.dataServer!.once('error', reject);
      this.dataServer!.listen(cfg.listen, cfg.host, () => resolve());
    });
    this.dataPort = (this.dataServer.address() as AddressInfo).port;
    this.timer = setInterval(() => this.tick(), cfg.sweepMs);
    this.timer.unref();
    // Warm-up before the gateway hears of this unit (also a unit started by scale-up): connections to
    // the known peers, then the packet path on scratch state. A unit waiting for its id from the
    // gateway (SNF_UNIT_ID=gateway) has no NF yet, so it has nothing to warm.
    if (cfg.unitId !== UNIT_ID_FROM_GATEWAY) {
      const known = Object.keys(cfg.peers);
      if (cfg.warmUpPackets > 0 && known.length <= MAX_WARM_PEERS) for (const u of known) this.peers.warm(Number(u));
      this.warmUp = warmUp(this.nf, this.nfConfig, this.proc.handler, this.createMs, { unitId: cfg.unitId, maxUnits: cfg.maxUnits, packets: cfg.warmUpPackets, nowNs });
    }
    log.info({ unit: cfg.unitId, data: this.dataPort, peer: this.peerPort, idlePushUs: cfg.idlePushUs, createMs: Math.round(this.createMs), warmUp: this.warmUp }, 'compute unit listening');
    // Ready record unit 0: the id is not known yet (SNF_UNIT_ID=gateway).
    announceReady(cfg.readyFd, { kind: 'compute', unit: Math.max(0, cfg.unitId), host: cfg.host, data: this.dataPort, peer: this.peerPort, http: 0 });
  }

  /** Push every flow that changed since its last push (drain on SIGTERM), then close. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.meter?.stop();
    this.flushEgress();
    const built = this.service !== undefined;
    // Wait for the answers: closing the peer clients below would cancel pushes still in flight.
    if (built) await this.backend.handOff();
    this.service?.close();
    if (built) await this.backend.close();
    await new Promise<void>((r) => (this.dataServer ? this.dataServer.close(() => r()) : r()));
    this.peers?.close();
    this.logger?.close();
    // Peers' PushStreams into this unit stay open until they end them: let calls in progress finish
    // briefly, then cut the rest.
    const srv = this.peerServer;
    if (srv) {
      await new Promise<void>((r) => {
        const t = setTimeout(() => (srv.forceShutdown(), r()), 300);
        srv.tryShutdown(() => (clearTimeout(t), r()));
      });
    }
  }

  /** A flow from the logger's mirror (this unit took over a dead unit's id): its state as last released. */
  private restoreFlow(r: LogRecord): void {
    const k = this.restoreKey;
    k.proto = r.proto;
    k.srcIp = r.srcIp;
    k.srcPort = r.srcPort;
    k.dstIp = r.dstIp;
    k.dstPort = r.dstPort;
    if (this.proc.applyRemote(k, r.clock, r.kind === LogKind.PUT, r.value, nowNs(), false) !== 0) return;
    const e = this.proc.store.get(k);
    if (e !== undefined) e.loggedClock = e.clock;
  }

  private onFrame(conn: DataPlaneConnection, type: number, count: number, body: Buffer): void {
    if (type === FrameType.LOGGER) {
      const p = decodePeers(body, 1)[0]!;
      this.log.info({ unit: this.cfg.unitId, logger: `${ipToString(p.ip)}:${p.port}` }, 'output logger moved');
      this.logger?.setAddress(`${ipToString(p.ip)}:${p.port}`);
      return;
    }
    if (type === FrameType.PEERS) {
      // Connect to the peers ahead of the first push/pull (warm-up), unless that would be many idle connections.
      const warm = count <= MAX_WARM_PEERS;
      for (const p of decodePeers(body, count)) {
        this.peers.setAddress(p.unitId, `${ipToString(p.ip)}:${p.port}`);
        if (warm) this.peers.warm(p.unitId);
      }
      return;
    }
    if (type === FrameType.STATS_REQUEST) {
      // After pending egress, so the counters cover every packet the gateway has seen back.
      this.flushEgress();
      const c = { ...(this.proc.counters as unknown as Record<string, number>), ...this.pushTiming.statsFields() };
      const withTiming = this.meter?.running ? { ...c, ...processStatsFields(this.meter.read()) } : c;
      conn.socket.write(encodeStats(this.logger === null ? withTiming : { ...withTiming, logRestoredFlows: this.logger.counters.restoredFlows }));
      return;
    }
    if (this.egressConn !== conn) this.names.reset();
    this.egressConn = conn;
    const now = nowNs();
    this.billing.begin(now);
    const r = this.reader.reset(body, count);
    const timed = this.timing !== null;
    if (timed) {
      if (!this.meter!.running) this.meter!.start();
      this.frameNs = now;
      this.turnNs = now;
    }
    let bytes = 0;
    while (r.next()) {
      const k = r.targetCount;
      for (let i = 0; i < k; i++) this.targets[i] = r.target(i);
      bytes += r.packetLength;
      this.proc.processOne(r.flowletId, r.clock, r.prevUnit, this.targets, k, r.tsNs, body, r.packetOffset, r.packetLength, now);
    }
    this.billing.end(nowNs(), count, bytes);
    this.afterWork(now);
  }

  private tick(): void {
    if (this.service !== undefined) this.afterWork(nowNs()); // nothing to sweep before the unit has an id
  }

  private afterWork(now: number): void {
    sweep(this.proc, now, this.sweepOpts, this.backend.placeIdle);
    this.backend.flush();
    this.service.checkWaiters();
    this.flushEgress();
  }

  private emit(flowletId: number, clock: number, verdict: number, reason: number, buf: Buffer, off: number, len: number, wireBytes: number): void {
    if (this.timing !== null) this.timeEmit(flowletId, clock);
    this.drained++;
    this.drainedBytes += wireBytes;
    const n = this.saidCount;
    const tuple = n > 0 ? this.proc.key : null;
    if (!this.egress.add(flowletId, clock, verdict, reason, buf, off, len, this.saidDrop, this.saidSids, n, tuple)) {
      this.flushEgress();
      this.egress.add(flowletId, clock, verdict, reason, buf, off, len, this.saidDrop, this.saidSids, n, tuple);
    }
    this.saidDrop = 0;
    this.saidCount = 0;
  }

  /**
   * The TIMING record of a packet being emitted (before its EGRESS record, so it never travels
   * after it). A held packet: read when held, waited until now (its NF call folded in); else read
   * with the frame, its turn at `turnNs` (the previous emit, or the frame's read: one clock read
   * per packet), NF until now.
   */
  private timeEmit(flowletId: number, clock: number): void {
    const t = nowNs();
    const heldAt = this.proc.runningHeldAtNs;
    const tw = this.timing!;
    const fits = heldAt >= 0
      ? tw.add(flowletId, clock, heldAt + PERF_TO_HOST_NS, 0, t - heldAt, 0)
      : tw.add(flowletId, clock, this.frameNs + PERF_TO_HOST_NS, this.turnNs - this.frameNs, 0, t - this.turnNs);
    if (fits) {
      this.turnNs = t;
      return;
    }
    this.flushEgress();
    this.timeEmit(flowletId, clock);
  }

  /** Write pending egress and a CREDIT frame to the gateway connection (one write). */
  flushEgress(): void {
    if (this.logger !== null) return this.flushToLogger();
    if (this.egress.count === 0 && this.drained === 0 && this.proc.heldPackets === this.creditedHeld) return;
    const conn = this.egressConn;
    if (conn === null || conn.socket.destroyed) {
      this.egress.reset(); // no gateway to return to: the packets are lost like on a dead link
      this.timing?.reset();
      this.names.reset();
      return;
    }
    const frame = this.egress.count > 0 ? this.egress.finish() : null;
    const credit = this.credit();
    // NAMES before the EGRESS that uses them. Copy: the writer's buffer is reused before the socket has flushed.
    const names = this.names.take();
    const timing = this.timing !== null && this.timing.count > 0 ? this.timing.finishAt(monotonicNs()) : null;
    conn.socket.write(frame ? Buffer.concat([names, timing, frame, credit].filter((b): b is Buffer => b !== null)) : credit);
    this.timing?.reset();
    this.egress.reset();
    this.drained = 0;
    this.drainedBytes = 0;
  }

  /** With a logger: records + NAMES + EGRESS in one LOG frame to the logger; CREDIT straight to the gateway. */
  private flushToLogger(): void {
    const lg = this.logger!;
    if (this.egress.count === 0 && this.drained === 0 && lg.pending === 0) return;
    if (this.egress.count > 0 || lg.pending > 0) {
      const names = this.names.take();
      const frame = this.egress.count > 0 ? this.egress.finish() : null;
      const parts: Buffer[] = [];
      if (names) parts.push(names);
      if (frame) parts.push(frame);
      lg.send(parts); // copies
      this.egress.reset();
      this.timing?.reset(); // not carried through a logger
    }
    if (this.drained === 0 && this.proc.heldPackets === this.creditedHeld) return;
    const conn = this.egressConn;
    const credit = this.credit();
    this.drained = 0;
    this.drainedBytes = 0;
    if (conn !== null && !conn.socket.destroyed) conn.socket.write(credit);
  }

  /**
   * The CREDIT for what was drained since the last one, with the packets held now. Also sent when
   * only `held` changed (a frame whose packets all wait for state): the gateway's window would
   * otherwise count them as queued and, at its bound, keep back the frames the unit can run.
   */
  private credit(): Buffer {
    const held = this.proc.heldPackets;
    this.creditedHeld = held;
    return encodeCredit({ drained: this.drained, held, drainedBytes: this.drainedBytes, cpuMicros: this.billing.takeCpuDelta() });
  }
}
