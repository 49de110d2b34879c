/**
 * The live SNF gateway, as wiring: ingress (replayer stream, UDP) → the dispatch core (the pure
 * controller on the real clock, pending table, egress order) → per-unit batched data-plane links
 * (or the HTTP path for the packet baseline) → egress back to where each packet came from.
 * Units come from a provider (units/provider.ts; local processes unless told otherwise).
 */
import type { AddressInfo, Server, Socket } from 'net';
import { randomBytes } from 'crypto';
import { addStats, type UnitStats } from '../proto/frames/stats-v1';
import type { FlowKey } from '../sdk/flow-key';
import { monoNs, MONO_TO_HOST_NS } from './clock';
import { Controller } from './controller';
import { DispatchCore, type DispatchOptions, type GatewayCounters } from './dispatch/dispatch-core';
import { warmUpDispatch, type WarmUpReport } from './dispatch/warm-up';
import type { PendingTable } from './dispatch/pending-table';
import { createEgressSink, parseEgressSpec } from './egress/sink-spec';
import { UdpEgress } from './egress/udp-egress';
import { createStreamServer, type StreamServerCounters } from './ingress/stream-server';
import { UdpIngress } from './ingress/udp-ingress';
import { DEFAULT_GATEWAY_WARMUP_PACKETS, resolveRouting, unitEnvFor, type GatewayOptions, type ResolvedRouting } from './options';
import { pullStates, type DumpedState } from './state-dump';
import { HttpDispatcher } from './units/http-dispatcher';
import { LocalProcessProvider } from './units/process/local-process-provider';
import type { UnitProviderFactory, UnitSpec } from './units/provider';
import { Retirement } from './units/retirement';
import { UnitPool } from './units/unit-pool';
import { createAlertHub, type AlertHub } from './alerts';
import { InvokeSink, type InvokeResult } from './egress/invoke-sink';
import { UnitRecovery } from './recovery/unit-recovery';
import { encodeLoggerMove } from '../proto/frames/peers-v1';
import { parseIpv4 } from '../sdk/flow-key';
import { GatewayCheckpoint } from './checkpoint/gateway-checkpoint';

export type { GatewayCounters, InvokeResult };

export interface GatewayDeps {
  /** Where units run. Default: local `snf watchdog` processes. */
  provider?: UnitProviderFactory;
}

/** The convenience default: units as local child processes. */
export function localProcesses(o: GatewayOptions): UnitProviderFactory {
  return (spec: UnitSpec) => new LocalProcessProvider({ ...spec, host: o.host, nodeFlags: o.unitNodeFlags, onLog: o.onUnitLog, logger: o.logger, ofWatchdog: o.ofWatchdog });
}

export class Gateway {
  readonly routing: ResolvedRouting;
  /** This run's id: the external-state key namespace (a resumed gateway keeps the checkpoint's). */
  runId = randomBytes(6).toString('hex');
  /** `--checkpoint <prefix>`: the checkpoint to Redis and the restart from it (checkpoint/); null when off. */
  readonly checkpoint: GatewayCheckpoint | null;
  /** Resuming: the controller's unit starts are adoptions, not process starts. */
  private resuming = false;
  readonly stream: StreamServerCounters = { connections: 0, refused: 0, framesRejected: 0 };
  controller!: Controller;
  core!: DispatchCore;
  readonly pool: UnitPool;
  private readonly retirement: Retirement;
  /** Output loggers on (`--logger` ≠ off): dead units and loggers are recovered; null otherwise. */
  readonly recovery: UnitRecovery | null;
  private http: HttpDispatcher | null = null;
  /** Drop reasons and alerts of the NF (gateway/alerts/): counters, EVE lines to the alerts sink. */
  readonly alerts: AlertHub;
  private streamServer: Server | null = null;
  /** What the start-up warm-up did (dispatch/warm-up.ts); null before start or in `packet` mode. */
  warmUp: WarmUpReport | null = null;
  private readonly streamSockets = new Set<Socket>();
  private udp: UdpIngress | null = null;
  private udpEgress: UdpEgress | null = null;
  private timer: NodeJS.Timeout | null = null;
  private invoker: { sink: InvokeSink; source: number } | null = null;
  private readonly errors: string[] = [];
  private alertErrorsLogged = 0;
  streamPort = 0;
  udpPort = 0;

  constructor(readonly opts: GatewayOptions, deps: GatewayDeps = {}) {
    this.routing = resolveRouting(opts);
    this.alerts = createAlertHub(opts.function, opts.alerts ?? 'off', process.env, (err) => {
      if (this.alertErrorsLogged++ < 5) process.stderr.write(`snf gateway: alerts sink: ${String(err)}\n`);
    });
    const unitEnv = unitEnvFor(opts, this.routing, this.runId);
    this.unitEnv = unitEnv;
    const provider = (deps.provider ?? localProcesses(opts))({
      function: opts.function, token: opts.token, configFile: opts.configFile, env: unitEnv,
    });
    const loggerOn = (opts.logger ?? 'off') !== 'off' && !this.routing.http;
    this.pool = new UnitPool(provider, opts.token, this.routing.http, {
      frame: (link, type, count, body) => this.core.onUnitFrame(link.unit, type, count, body, monoNs()),
      lost: (unit) => (this.recovery !== null ? this.recovery.unitDown(unit) : this.core.onUnitLost(unit, monoNs())),
      unitGone: (unit) => this.recovery?.unitGone(unit),
      loggerLost: (unit) => this.recovery?.loggerLost(unit),
      httpReady: (unit, ep) => this.http!.addUnit(unit, ep.data.host, ep.data.port),
      up: (unit) => this.controller.unitUp(unit, monoNs()),
      behind: (unit, behind) => this.controller?.unitBehind(unit, behind),
      error: (unit, err) => {
        this.core.counters.unitErrors++;
        this.errors.push(`unit ${unit}: ${String(err)}`);
        // Packets queued for a unit that never came up are lost: release them (counted). The
        // controller must forget the unit too, or it keeps routing flowlets (and pushing state)
        // to an id with no process behind it (noLink drops, parked egress, forever).
        const now = monoNs();
        this.core.onUnitLost(unit, now);
        // Once running (a failure while starting stops the whole gateway): its id is free again.
        if (this.timer !== null) {
          this.controller.unitFailed(unit, now);
          this.controller.unitGone(unit);
        }
      },
    });
    this.pool.timing = opts.timing !== undefined && !this.routing.http;
    if (opts.linkMaxQueued !== undefined) this.pool.linkMaxQueued = opts.linkMaxQueued;
    this.recovery = !loggerOn ? null : new UnitRecovery({
      core: () => this.core, controller: () => this.controller, pool: this.pool, token: opts.token,
      durable: opts.logger === 'kafka:fast' || opts.logger === 'kafka:strict', nowNs: monoNs,
      startLogger: provider.startLogger?.bind(provider),
      moveLogger: (unit, at) => this.pool.links.get(unit)?.writeControl(encodeLoggerMove({ unitId: unit, ip: parseIpv4(at.host), port: at.port })),
      log: (msg, fields) => process.stderr.write(`${JSON.stringify({ msg: `snf gateway: ${msg}`, ...fields })}\n`),
    });
    const log = (msg: string, fields: Record<string, unknown>): void => void process.stderr.write(`${JSON.stringify({ msg: `snf gateway: ${msg}`, ...fields })}\n`);
    this.checkpoint = opts.checkpoint === undefined || opts.checkpoint === null ? null : new GatewayCheckpoint({
      prefix: opts.checkpoint, intervalMs: opts.checkpointMs ?? 20, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', function: opts.function, token: opts.token,
    }, log);
    this.retirement = new Retirement(this.pool, opts.retireDrainMs, {
      inFlightAt: (unit) => this.core.inFlightAt(unit),
      lost: (unit) => this.core.onUnitLost(unit, monoNs()),
      running: () => this.timer !== null,
      gone: (unit) => this.controller.unitGone(unit),
      nowNs: monoNs,
    });
    if (this.routing.http) this.http = new HttpDispatcher((_unit, token, verdict, reason, body) => this.core.onHttpDone(token, verdict, reason, body, monoNs()));
  }

  /** The units' environment (shared with the provider: a resumed run id reaches units started later). */
  private readonly unitEnv: Record<string, string>;

  get counters(): GatewayCounters {
    return this.core.counters;
  }

  get pending(): PendingTable {
    return this.core.pending;
  }

  /** One packet in (tests feed packets here directly). */
  ingest(source: number, buf: Buffer, off: number, len: number, seq: number, srcTsNs: number, nowNs: number): void {
    this.core.ingest(source, buf, off, len, seq, srcTsNs, nowNs);
  }

  /** Starts the minimum units, waits for them, then opens ingress. */
  async start(): Promise<void> {
    const o = this.opts;
    this.resuming = this.checkpoint !== null;
    this.controller = new Controller(this.routing.params, {
      onUnitStart: (unit) => (this.resuming ? undefined : this.pool.start(unit)),
      onUnitStop: (unit) => void this.retirement.retire(unit),
    });
    // --min-units is a floor, as OpenFaaS's com.openfaas.scale.min: the scaler never retires below it.
    this.controller.setFloor(o.minUnits);
    const dispatch: DispatchOptions = {
      maxInFlight: o.maxInFlight, replicate: this.routing.replicate, sourceTime: o.nfTime === 'source', sampleClockNs: monoNs, retain: this.recovery !== null,
      timing: o.timing && !this.routing.http ? { fromSeq: o.timing.fromSeq, clockOffsetNs: MONO_TO_HOST_NS } : undefined,
    };
    this.core = new DispatchCore(this.controller, this.pool.links, this.http, dispatch, this.alerts);
    if (this.checkpoint !== null) await this.resume(this.checkpoint);
    await this.pool.settled();
    if (this.errors.length > 0) {
      await this.stop();
      throw new Error(`gateway: units failed to start: ${this.errors.join('; ')}`);
    }
    // Compile the per-packet path before the first real packet (scratch instances; nothing stays).
    if (!this.routing.http) this.warmUp = warmUpDispatch(this.routing.params, dispatch, o.warmupPackets ?? DEFAULT_GATEWAY_WARMUP_PACKETS, monoNs);
    if (o.streamPort !== null) await this.openStream(o.streamPort);
    if (o.udpPort !== null) await this.openUdp(o.udpPort);
    this.checkpoint?.start(() => this.controller, this.pool, this.runId);
    this.core.startTicks(monoNs());
    this.timer = setInterval(() => this.core.tick(monoNs()), o.tickMs);
  }

  /** A checkpoint of this function under the prefix: adopt its units, restore its flows, keep its run id. */
  private async resume(cp: GatewayCheckpoint): Promise<void> {
    try {
      const r = await cp.resume(this.controller, this.pool, monoNs);
      if (r === null) {
        for (const u of this.controller.unitIds()) this.pool.start(u);
        return;
      }
      this.runId = r.runId;
      const f = this.controller.flows;
      for (let s = 0; s < f.slots; s++) if (f.used[s] === 1) this.core.order.resumeAt(s, f.clock[s]! + 1);
      if (this.unitEnv.SNF_STATE_NS !== undefined) this.unitEnv.SNF_STATE_NS = r.runId;
    } finally {
      this.resuming = false;
    }
  }

  /**
   * A floor on running units (OpenFaaS scale-function): the controller starts units up to it, one
   * per tick, and its scaler never retires below it (it may still run more, up to maxUnits).
   */
  setMinUnits(n: number): void {
    this.controller.setFloor(n);
  }

  /**
   * Units asked for (starting or running) and units that came up (an endpoint is known), warm
   * standbys left out of both; `standby` counts those (running processes given no work).
   */
  unitCounts(): { replicas: number; available: number; standby: number } {
    const c = this.controller;
    if (c === undefined) return { replicas: 0, available: this.pool.endpoints.size, standby: 0 };
    let available = 0;
    for (const u of this.pool.endpoints.keys()) if (c.units.standby[u] !== 1) available++;
    return { replicas: c.unitCount, available, standby: c.standbyUnitCount };
  }

  private async openStream(port: number): Promise<void> {
    const core = this.core;
    const server = createStreamServer(this.opts.token, {
      open: (egress) => core.addSink(egress),
      batch: (source, body, count) => core.ingestBatch(source, body, count, monoNs()),
      close: (source) => core.removeSink(source),
    }, this.stream);
    this.streamServer = server;
    server.on('connection', (sock) => {
      this.streamSockets.add(sock);
      sock.once('close', () => this.streamSockets.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.opts.host, () => resolve());
    });
    this.streamPort = (server.address() as AddressInfo).port;
  }

  private async openUdp(port: number): Promise<void> {
    const core = this.core;
    let source = -1;
    const udp = new UdpIngress((msg, seq) => {
      const now = monoNs();
      core.ingest(source, msg, 0, msg.length, seq, now, now);
      core.maybeTick(now);
    });
    this.udp = udp;
    const sink = createEgressSink(parseEgressSpec(this.opts.udpEgress), udp.socket);
    if (sink instanceof UdpEgress) this.udpEgress = sink;
    source = core.addSink(sink);
    this.udpPort = await udp.bind(port, this.opts.host);
  }

  /**
   * One packet through the NF, answered with what leaves the gateway for it (the OpenFaaS
   * `/function/{name}` path: one raw IPv4 packet per request). Only after start().
   */
  invoke(buf: Buffer): Promise<InvokeResult> {
    if (this.invoker === null) {
      const sink = new InvokeSink();
      this.invoker = { sink, source: this.core.addSink(sink) };
    }
    const { sink, source } = this.invoker;
    const { seq, done } = sink.expect();
    const now = monoNs();
    this.core.ingest(source, buf, 0, buf.length, seq, now, now);
    this.core.maybeTick(now);
    return done;
  }

  /** Final per-flow state from the compute units (newest clock wins). */
  collectState(keys: readonly FlowKey[]): Promise<Array<DumpedState | null>> {
    return pullStates(this.pool.peerList(), this.opts.token, keys);
  }

  /** Every running unit's counters (STATS frame) by unit id, and under 0 the sum over retired units. */
  async unitStats(): Promise<Record<number, UnitStats>> {
    const out: Record<number, UnitStats> = {};
    const retired = this.retirement.retiredStats;
    if (Object.keys(retired).length > 0) out[0] = { ...retired };
    await Promise.all([...this.pool.links].map(async ([u, l]) => {
      const s = await l.requestStats();
      if (s !== null) out[u] = s;
    }));
    // Output loggers answer STATS too (their log* fields): summed into their unit's.
    await Promise.all([...this.pool.loggerLinks].map(async ([u, l]) => {
      const s = await l.requestStats();
      if (s !== null) addStats((out[u] ??= {}), s);
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
    const core = this.core as DispatchCore | undefined;
    return {
      gateway: core ? { ...core.counters, inFlight: core.pending.size, egressParked: core.order.parkedTotal } : null,
      controller: this.controller ? { ...this.controller.counters, units: this.controller.unitCount, standbyUnits: this.controller.standbyUnitCount } : null,
      pool: this.pool.counters,
      stream: this.stream,
      udpEgress: this.udpEgress ? { ...this.udpEgress.counters } : null,
      http: this.http?.counters ?? null,
      links,
      alerts: this.alerts.stats(),
      recovery: this.recovery?.counters ?? null,
      checkpoint: this.checkpoint?.counters ?? null,
      unitStartErrors: this.errors.slice(-5),
    };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checkpoint?.stop().catch(() => undefined);
    for (const s of this.streamSockets) s.destroy();
    if (this.streamServer) await new Promise<void>((r) => this.streamServer!.close(() => r()));
    this.streamServer = null;
    this.udp?.close();
    this.udp = null;
    this.core?.closeSinks();
    this.http?.close();
    await this.pool.close();
    await this.alerts.close();
  }
}
