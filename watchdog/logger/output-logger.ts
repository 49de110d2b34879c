/**
 * The output logger (`snf watchdog --role logger`, paper §6): one per compute unit. Its unit
 * sends every processed packet's state record and the packet's EGRESS in one LOG frame
 * (proto/frames/log-frame-v1.ts); the logger applies the records to its mirror of the unit's
 * flows, appends them to Kafka (`kafka:*` modes), and releases the frame's EGRESS/NAMES frames,
 * unchanged, on the gateway's connection to it:
 *  - `memory`: release after the apply (no durable log);
 *  - `kafka:fast`: release after the apply, Kafka written behind it (the paper's policy);
 *  - `kafka:strict`: release only after Kafka acknowledged the frame's records.
 * Frames are released strictly in arrival order (a frame waiting for its ack holds the later ones
 * back), so a flow's packets reach the gateway in the order the unit emitted them.
 *
 * When the unit's connection closes (the unit died or retired), the logger releases what it still
 * holds, then writes UNIT_GONE on the gateway connection: every packet it will ever release for
 * that unit is before it, which is the gateway's signal to re-send the rest to a recovery unit.
 * From then on the mirror is final and Pulls (mirror-peer-service.ts) are answered at once.
 *
 * Listeners: the data plane (unit and gateway connections, same handshake and token as a unit's)
 * and a StatePeer gRPC server (Pull from the mirror). Announces `kind: logger` on SNF_READY_FD.
 */
import type { AddressInfo, Server } from 'net';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { FrameType, Role } from '../../proto/frames/constants';
import { encodeRestore, encodeUnitGone, splitLogBody } from '../../proto/frames/log-frame-v1';
import { encodeStats } from '../../proto/frames/stats-v1';
import { encodeLogRecord, LogKind, logKey, newLogRecord, readLogRecord } from '../../proto/frames/log-record-v1';
import { createDataPlaneServer, type DataPlaneConnection } from '../data-plane-server';
import { bindServer, createPeerServer } from '../peer-server';
import { announceReady } from '../ready';
import { newUnitCounters } from '../runtime/counters';
import type { WatchdogConfig } from '../config';
import { KafkaLog, logTopic } from './kafka-log';
import { ApplyResult, Mirror } from './mirror';
import { MirrorPeerService } from './mirror-peer-service';

interface Held { data: Buffer; ready: boolean }

export interface LoggerCounters {
  logFrames: number;
  releasedFrames: number;
  releasedBytes: number;
  wrongUnit: number;
  unitConnections: number;
  unitGone: number;
  gatewayConnections: number;
  /** Released while no gateway was connected: kept and written when one connects. */
  bufferedForGateway: number;
  kafkaRetries: number;
  /** Flows sent to a connecting unit (RESTORE). */
  restoredFlows: number;
  /** strict: times the unit's connection was paused because MAX_HELD frames waited for Kafka. */
  pausedForKafka: number;
}

const KAFKA_RETRY_MS = 200;
/**
 * strict: frames held for Kafka's ack before the logger stops reading its unit (the broker is
 * away). The unit's output then backs up, and the gateway's in-flight cap refuses new packets at
 * ingress (counted `pendingFull`): releases stop, nothing unlogged leaves, memory stays bounded.
 */
const MAX_HELD = 2048;
const RESTORE_FRAME_BYTES = 512 * 1024;

export class OutputLogger {
  readonly mirror = new Mirror();
  readonly service: MirrorPeerService;
  readonly counters: LoggerCounters = {
    logFrames: 0, releasedFrames: 0, releasedBytes: 0, wrongUnit: 0, unitConnections: 0, unitGone: 0,
    gatewayConnections: 0, bufferedForGateway: 0, kafkaRetries: 0, restoredFlows: 0, pausedForKafka: 0,
  };
  /** Handshake, frame and gRPC rejections (the transport's counters: framesRejected = corrupt LOG frames). */
  readonly transport = newUnitCounters();
  readonly kafka: KafkaLog | null;
  private readonly held: Held[] = [];
  private readonly noGateway: Buffer[] = [];
  private unitConn: DataPlaneConnection | null = null;
  private gatewayConn: DataPlaneConnection | null = null;
  private dataServer: Server | null = null;
  private peerServer: GrpcServer | null = null;
  private readonly rec = newLogRecord();
  private readonly strict: boolean;
  private pausedUnit: DataPlaneConnection | null = null;
  dataPort = 0;
  peerPort = 0;

  constructor(readonly cfg: WatchdogConfig, readonly log: Logger) {
    this.service = new MirrorPeerService(this.mirror, cfg.pullWaitMs);
    this.strict = cfg.loggerMode === 'kafka:strict';
    this.kafka = cfg.loggerMode === 'memory' ? null : new KafkaLog(
      cfg.kafkaBrokers.split(',').map((b) => b.trim()).filter((b) => b !== ''),
      // One topic per function and gateway run (SNF_STATE_NS = the run id): a rebuild never replays another run's records.
      cfg.stateNamespace === 'default' ? logTopic(cfg.function) : `${logTopic(cfg.function)}.${cfg.stateNamespace}`,
      `snf-logger-${cfg.function}-${cfg.unitId}`, (err) => log.warn({ unit: cfg.unitId, err: String(err) }, 'kafka append failed'),
    );
  }

  async start(): Promise<void> {
    const { cfg, log } = this;
    if (this.kafka !== null) await this.kafka.start();
    if (cfg.loggerRebuild === 'kafka') await this.rebuildFromKafka();
    this.peerServer = createPeerServer(cfg.token, {
      push: (req) => this.service.onPush(req),
      pull: (req) => this.service.onPull(req),
    }, this.transport, log);
    this.peerPort = await bindServer(this.peerServer, cfg.host, cfg.peerListen);
    this.dataServer = createDataPlaneServer({
      unitId: cfg.unitId, token: cfg.token, maxFrameBody: cfg.maxFrameBody, accept: [FrameType.LOG, FrameType.STATS_REQUEST],
    }, {
      onFrame: (conn, type, count, body) => this.onFrame(conn, type, count, body),
      onConnect: (conn) => this.onConnect(conn),
      onClose: (conn) => this.onClose(conn),
    }, this.transport, log);
    await new Promise<void>((resolve, reject) => {
      this.dataServer!.once('error', reject);
      this.dataServer!.listen(cfg.listen, cfg.host, () => resolve());
    });
    this.dataPort = (this.dataServer.address() as AddressInfo).port;
    log.info({ unit: cfg.unitId, data: this.dataPort, peer: this.peerPort, mode: cfg.loggerMode, flows: this.mirror.size }, 'output logger listening');
    announceReady(cfg.readyFd, { kind: 'logger', unit: cfg.unitId, host: cfg.host, data: this.dataPort, peer: this.peerPort, http: 0 });
  }

  /** A replacement for a unit and logger that both died: the mirror from the topic (newest clock per flow). */
  private async rebuildFromKafka(): Promise<void> {
    const t0 = performance.now();
    const n = await this.kafka!.replayInto(this.mirror, `${this.cfg.function}-${this.cfg.unitId}-${process.pid}-${Date.now()}`);
    this.service.final = true;
    this.log.info({
      unit: this.cfg.unitId, records: n, flows: this.mirror.size, ms: Math.round((performance.now() - t0) * 100) / 100,
      topic: this.kafka!.topic,
    }, 'logger rebuilt from Kafka: serving the dead unit\'s flows');
  }

  private onConnect(conn: DataPlaneConnection): void {
    if (conn.peer.role === Role.UNIT) {
      if (conn.peer.unitId !== this.cfg.unitId) {
        this.counters.wrongUnit++;
        this.log.warn({ unit: this.cfg.unitId, from: conn.peer.unitId }, 'a unit other than this logger\'s connected: closed');
        conn.socket.destroy();
        return;
      }
      this.counters.unitConnections++;
      this.unitConn = conn;
      this.service.final = false;
      this.restore(conn);
      return;
    }
    this.counters.gatewayConnections++;
    this.gatewayConn = conn;
    for (const b of this.noGateway.splice(0)) conn.socket.write(b);
    if (this.service.final && this.unitConn === null && this.held.length === 0) conn.socket.write(encodeUnitGone());
  }

  private onClose(conn: DataPlaneConnection): void {
    if (conn === this.gatewayConn) this.gatewayConn = null;
    if (conn === this.pausedUnit) this.pausedUnit = null;
    if (conn !== this.unitConn) return;
    this.unitConn = null;
    this.counters.unitGone++;
    this.log.warn({ unit: this.cfg.unitId, flows: this.mirror.size, holding: this.held.length }, 'unit connection closed: releasing what is held, then UNIT_GONE');
    this.finishUnit();
  }

  /**
   * A unit connected: the mirror goes to it first (RESTORE frames, then an empty one). A unit
   * started under a dead unit's id so resumes with every flow as last released; a fresh unit gets
   * only the end marker.
   */
  private restore(conn: DataPlaneConnection): void {
    let batch: Buffer[] = [];
    let bytes = 0;
    let flows = 0;
    this.mirror.forEach((e) => {
      const rec = encodeLogRecord({
        kind: e.present ? LogKind.PUT : LogKind.DELETE, unit: e.unit, clock: e.clock, flowletId: 0,
        proto: e.proto, srcIp: e.srcIp, srcPort: e.srcPort, dstIp: e.dstIp, dstPort: e.dstPort, value: e.value,
      });
      batch.push(rec);
      bytes += rec.length;
      flows++;
      if (bytes > RESTORE_FRAME_BYTES || batch.length === 0xffff) {
        conn.socket.write(encodeRestore(batch));
        batch = [];
        bytes = 0;
      }
    });
    if (batch.length > 0) conn.socket.write(encodeRestore(batch));
    conn.socket.write(encodeRestore([]));
    this.counters.restoredFlows += flows;
    if (flows > 0) this.log.info({ unit: this.cfg.unitId, flows }, 'unit connected: mirror restored to it');
  }

  /** After the last held frame went out: UNIT_GONE, and the mirror is final. */
  private finishUnit(): void {
    if (this.unitConn !== null) return;
    if (this.held.length > 0) return; // pump() calls again when the queue empties
    this.service.final = true;
    this.service.checkWaiters();
    this.write(encodeUnitGone());
  }

  private onFrame(conn: DataPlaneConnection, type: number, count: number, body: Buffer): void {
    if (type === FrameType.STATS_REQUEST && conn === this.gatewayConn) return void conn.socket.write(encodeStats(this.stats()));
    if (type !== FrameType.LOG || conn !== this.unitConn) {
      this.transport.framesRejected++;
      return;
    }
    this.counters.logFrames++;
    const s = splitLogBody(body);
    if (typeof s === 'string') return void this.transport.framesRejected++; // the parser validated it already
    const r = this.rec;
    const kafka = this.kafka;
    const msgs: Array<{ key: Buffer; value: Buffer }> | null = kafka !== null ? [] : null;
    const unit = this.cfg.unitId;
    let p = 4;
    for (let i = 0; i < count; i++) {
      const end = readLogRecord(body, p, s.recordsEnd, r);
      if (typeof end === 'string') break;
      p = end;
      if (r.unit !== unit) {
        this.counters.wrongUnit++;
        continue;
      }
      if (this.mirror.apply(r) !== ApplyResult.APPLIED || msgs === null) continue;
      // In Kafka every record carries the whole current value, so the compacted topic is complete.
      const e = this.mirror.lookup(r.proto, r.srcIp, r.srcPort, r.dstIp, r.dstPort)!;
      msgs.push({
        key: logKey(r.proto, r.srcIp, r.srcPort, r.dstIp, r.dstPort),
        value: encodeLogRecord({ ...r, kind: e.present ? LogKind.PUT : LogKind.DELETE, value: e.value }),
      });
    }
    const release = body.length > s.recordsEnd ? Buffer.from(body.subarray(s.recordsEnd)) : null;
    if (msgs !== null && msgs.length > 0) {
      const sent = kafka!.append(msgs);
      if (this.strict) {
        const h: Held = { data: release ?? EMPTY, ready: false };
        this.held.push(h);
        this.awaitAck(sent, msgs, h);
        if (this.held.length >= MAX_HELD && this.pausedUnit === null && this.unitConn !== null) {
          this.pausedUnit = this.unitConn;
          this.unitConn.socket.pause();
          this.counters.pausedForKafka++;
          this.log.warn({ unit: this.cfg.unitId, held: this.held.length }, 'strict: Kafka is not acknowledging; stopped reading the unit until it does');
        }
      } else if (release !== null) this.held.push({ data: release, ready: true });
    } else if (release !== null) this.held.push({ data: release, ready: true });
    this.service.checkWaiters();
    this.pump();
  }

  /**
   * strict: the frame leaves once its records are acknowledged (KafkaLog retries a failed batch
   * itself); a rejection means they were never buffered (its buffer was full): append again.
   */
  private awaitAck(sent: Promise<void>, msgs: Array<{ key: Buffer; value: Buffer }>, h: Held): void {
    sent.then(() => {
      h.ready = true;
      this.pump();
    }, () => {
      this.counters.kafkaRetries++;
      setTimeout(() => this.awaitAck(this.kafka!.append(msgs), msgs, h), KAFKA_RETRY_MS).unref();
    });
  }

  /** Release ready frames in order. */
  private pump(): void {
    const q = this.held;
    let i = 0;
    while (i < q.length && q[i]!.ready) {
      const d = q[i++]!.data;
      if (d.length > 0) this.write(d);
    }
    if (i > 0) q.splice(0, i);
    if (this.pausedUnit !== null && q.length < MAX_HELD / 2) {
      this.pausedUnit.socket.resume();
      this.pausedUnit = null;
      this.log.info({ unit: this.cfg.unitId }, 'strict: Kafka acknowledges again; reading the unit');
    }
    if (q.length === 0 && this.unitConn === null && !this.service.final && this.counters.unitGone > 0) this.finishUnit();
  }

  private write(b: Buffer): void {
    this.counters.releasedFrames++;
    this.counters.releasedBytes += b.length;
    const g = this.gatewayConn;
    if (g === null || g.socket.destroyed) {
      this.counters.bufferedForGateway++;
      this.noGateway.push(b);
      return;
    }
    g.socket.write(b);
  }

  /** The STATS frame's logger fields (proto/frames/stats-v1.ts), summed with its unit's by the gateway. */
  private stats(): Record<string, number> {
    const m = this.mirror.counters;
    return {
      logRecords: m.records, logApplied: m.applied, logStale: m.stale, logUnknownFlow: m.unknownFlow, logWrongUnit: this.counters.wrongUnit,
      logCorruptFrames: this.transport.framesRejected, logKafkaErrors: this.kafka?.counters.kafkaErrors ?? 0,
      logKafkaRetries: this.counters.kafkaRetries, logHeld: this.held.length, logKafkaDropped: this.kafka?.counters.kafkaDropped ?? 0,
      logKafkaBuffered: this.kafka?.counters.kafkaBuffered ?? 0,
    };
  }

  /** Every counter, flat (logs, STATS, tests). */
  snapshot(): Record<string, number> {
    const t = this.transport;
    return {
      ...this.counters, ...this.mirror.counters, ...this.service.counters, ...(this.kafka?.counters ?? {}),
      flows: this.mirror.size, held: this.held.length, corruptFrames: t.framesRejected, authRefused: t.authRefused,
    };
  }

  async stop(): Promise<void> {
    this.service.close();
    this.unitConn?.socket.destroy();
    this.gatewayConn?.socket.destroy();
    await this.kafka?.close();
    await new Promise<void>((r) => (this.dataServer ? this.dataServer.close(() => r()) : r()));
    const srv = this.peerServer;
    if (srv) await new Promise<void>((r) => srv.tryShutdown(() => r()));
    this.log.info({ unit: this.cfg.unitId, ...this.snapshot() }, 'output logger stopped');
  }
}

const EMPTY = Buffer.alloc(0);
