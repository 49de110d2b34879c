/**
 * One compute unit (`snf watchdog` without --http): the NF in-process over the ephemeral store,
 * the data-plane listener, the StatePeer server and clients, the idle sweep and the meters.
 *
 * Per PACKETS frame: read the clock once, run every record through the processor (no gRPC, no
 * strings on that path), then once per batch: sweep idle flows (push plan), send the batched
 * pulls, answer waiting pulls, write one EGRESS frame and one CREDIT frame.
 */
import type { AddressInfo, Server } from 'net';
import { performance } from 'perf_hooks';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { FrameType } from '../proto/frames/constants';
import { EgressBatchV2Writer } from '../proto/frames/egress-batch-v2';
import { encodeCredit } from '../proto/frames/credit-v1';
import { PacketBatchReader } from '../proto/frames/packet-batch-v1';
import { decodePeers } from '../proto/frames/peers-v1';
import { encodeStats } from '../proto/frames/stats-v1';
import { ipToString } from '../sdk/flow-key';
import type { NetworkFunction } from '../sdk/types';
import { BillingMeter } from './billing';
import { EgressNames } from './egress-names';
import { createDataPlaneServer, type DataPlaneConnection } from './data-plane-server';
import { PacketProcessor } from './packet-processor';
import { PeerClients } from './peer-clients';
import { bindServer, createPeerServer } from './peer-server';
import { StateTransfer, type StatePeers } from './state-transfer';
import { ExternalStateStore } from './external-state';
import { handOffPlan, sweep, type SweepOptions } from './state-sweeper';
import type { WatchdogConfig } from './config';

const nowNs = (): number => performance.now() * 1e6;
const EGRESS_BYTES = 1 << 20;

export class ComputeUnit<C, S> {
  readonly proc: PacketProcessor<C, S>;
  readonly billing: BillingMeter;
  readonly peers: PeerClients;
  /** External state mode only: Redis instead of peer push/pull. */
  readonly external: ExternalStateStore | null;
  private readonly transfer: StateTransfer<C, S>;
  private readonly reader = new PacketBatchReader();
  private readonly targets = new Uint16Array(255);
  private readonly egress = new EgressBatchV2Writer(EGRESS_BYTES);
  /** Texts of drop-reason ids and sids the gateway connection has not seen yet. */
  private readonly names: EgressNames<S>;
  /** What the NF said about the packet being emitted (ports.said, just before its emit). */
  private saidDrop = 0;
  private saidSids: Uint32Array = new Uint32Array(0);
  private saidCount = 0;
  private egressConn: DataPlaneConnection | null = null;
  private drained = 0;
  private drainedBytes = 0;
  private dataServer: Server | null = null;
  private peerServer: GrpcServer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private readonly sweepOpts: SweepOptions;
  dataPort = 0;
  peerPort = 0;

  constructor(nf: NetworkFunction<C, S>, nfConfig: C, readonly cfg: WatchdogConfig, readonly log: Logger) {
    this.billing = new BillingMeter(nf.name);
    this.peers = new PeerClients(cfg.unitId, cfg.token, cfg.peerDeadlineMs, (unit, err) => {
      this.proc.counters.pushErrors++;
      log.warn({ unit, err: String(err) }, 'push stream failed');
    });
    for (const [unit, addr] of Object.entries(cfg.peers)) this.peers.setAddress(Number(unit), addr);
    this.proc = new PacketProcessor(nf, nfConfig, {
      emit: (f, clock, verdict, reason, buf, off, len, wire) => this.emit(f, clock, verdict, reason, buf, off, len, wire),
      said: (dropId, sids, n) => {
        this.saidDrop = dropId;
        this.saidSids = sids;
        this.saidCount = n;
        this.names.note(dropId, sids, n);
      },
      requestPull: (unit, e, minClock) => this.transfer.requestPull(unit, e, minClock),
      stateLost: (e, clocks, prevUnits) => log.warn({
        unit: cfg.unitId, flow: [e.proto, e.srcIp, e.srcPort, e.dstIp, e.dstPort], clock: e.clock, held: clocks.slice(0, 8),
        prevUnits: prevUnits.slice(0, 8), pullUnit: e.pullUnit, pullAttempts: e.pullAttempts, pullState: e.pullState, pullDueUs: (e.pullAtNs - nowNs()) / 1e3, waiters: this.transfer.waiting, stateLost: this.proc.counters.stateLost,
      }, 'STATE LOST: held packets gave up waiting for their state (hold timeout)'),
    }, {
      unitId: cfg.unitId, pullDelayNs: cfg.pullDelayUs * 1e3, pullRetryNs: cfg.pullRetryUs * 1e3,
      holdTimeoutNs: cfg.holdTimeoutMs * 1e6, externalStore: cfg.stateStore === 'external', maxUnits: cfg.maxUnits,
    });
    this.names = new EgressNames<S>(this.proc.invoker);
    this.external = cfg.stateStore === 'external'
      ? new ExternalStateStore(cfg.redisUrl, cfg.stateNamespace, nf.name, cfg.evictMs, this.proc.counters)
      : null;
    this.sweepOpts = { idlePushNs: cfg.idlePushUs * 1e3, evictNs: cfg.evictMs * 1e6, external: this.external !== null };
    // Proactive pushes and reactive pulls go on long-lived streams per peer (snf.proto says why),
    // except the hand-off on stop, which waits for each answer (unary Push) before this process exits.
    const peers = this.peers;
    const streamed: StatePeers = {
      address: (u) => peers.address(u),
      push: (u, flows) => (this.stopping ? peers.push(u, flows) : peers.pushStreamed(u, flows)),
      pull: (u, items) => peers.pullStreamed(u, items),
    };
    const statePeers: StatePeers = this.external ?? streamed;
    // After state arrives asynchronously: release, re-pull what is still missing, answer waiters, flush.
    this.transfer = new StateTransfer(this.proc, statePeers, log, nowNs, cfg.pullWaitMs, () => this.afterWork(nowNs()), this.external !== null);
  }

  get counters() {
    return this.proc.counters;
  }

  async start(): Promise<void> {
    const { cfg, log } = this;
    if (this.external) await this.external.connect();
    this.peerServer = createPeerServer(cfg.token, {
      push: (req) => this.transfer.onPush(req),
      pull: (req) => this.transfer.onPull(req),
    }, this.proc.counters, log);
    this.peerPort = await bindServer(this.peerServer, cfg.host, cfg.peerListen);
    this.dataServer = createDataPlaneServer({ unitId: cfg.unitId, token: cfg.token, maxFrameBody: cfg.maxFrameBody }, {
      onFrame: (conn, type, count, body) => this.onFrame(conn, type, count, body),
      onClose: (conn) => {
        if (this.egressConn === conn) this.egressConn = null;
      },
    }, this.proc.counters, log);
    await new Promise<void>((resolve, reject) => {
      this.dataServer!.once('error', reject);
      this.dataServer!.listen(cfg.listen, cfg.host, () => resolve());
    });
    this.dataPort = (this.dataServer.address() as AddressInfo).port;
    this.timer = setInterval(() => this.tick(), cfg.sweepMs);
    this.timer.unref();
    log.info({ unit: cfg.unitId, data: this.dataPort, peer: this.peerPort, idlePushUs: cfg.idlePushUs }, 'compute unit listening');
  }

  /** Push every flow that changed since its last push (drain on SIGTERM), then close. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping = true;
    // Wait for the answers: closing the peer clients below would cancel pushes still in flight.
    await this.transfer.sendPushes(this.external !== null
      ? sweep(this.proc, Number.MAX_SAFE_INTEGER, { idlePushNs: 0, evictNs: Number.MAX_SAFE_INTEGER, external: true })
      : handOffPlan(this.proc, this.peers.units()));
    this.transfer.close();
    if (this.external) {
      await this.external.settle();
      this.external.close();
    }
    await new Promise<void>((r) => (this.dataServer ? this.dataServer.close(() => r()) : r()));
    this.peers.close();
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

  private onFrame(conn: DataPlaneConnection, type: number, count: number, body: Buffer): void {
    if (type === FrameType.PEERS) {
      for (const p of decodePeers(body, count)) this.peers.setAddress(p.unitId, `${ipToString(p.ip)}:${p.port}`);
      return;
    }
    if (type === FrameType.STATS_REQUEST) {
      // After pending egress, so the counters cover every packet the gateway has seen back.
      this.flushEgress();
      conn.socket.write(encodeStats(this.proc.counters as unknown as Record<string, number>));
      return;
    }
    if (this.egressConn !== conn) this.names.reset();
    this.egressConn = conn;
    const now = nowNs();
    this.billing.begin(now);
    const r = this.reader.reset(body, count);
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
    this.afterWork(nowNs());
  }

  private afterWork(now: number): void {
    this.transfer.sendPushes(sweep(this.proc, now, this.sweepOpts));
    this.transfer.flushPulls();
    this.transfer.checkWaiters();
    this.flushEgress();
  }

  private emit(flowletId: number, clock: number, verdict: number, reason: number, buf: Buffer, off: number, len: number, wireBytes: number): void {
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

  /** Write pending egress and a CREDIT frame to the gateway connection (one write). */
  flushEgress(): void {
    if (this.egress.count === 0 && this.drained === 0) return;
    const conn = this.egressConn;
    if (conn === null || conn.socket.destroyed) {
      this.egress.reset(); // no gateway to return to: the packets are lost like on a dead link
      this.names.reset();
      return;
    }
    const frame = this.egress.count > 0 ? this.egress.finish() : null;
    const credit = encodeCredit({ drained: this.drained, held: this.proc.heldPackets, drainedBytes: this.drainedBytes, cpuMicros: this.billing.takeCpuDelta() });
    // NAMES before the EGRESS that uses them. Copy: the writer's buffer is reused before the socket has flushed.
    const names = this.names.take();
    conn.socket.write(frame ? Buffer.concat(names ? [names, frame, credit] : [frame, credit]) : credit);
    this.egress.reset();
    this.drained = 0;
    this.drainedBytes = 0;
  }
}
