/**
 * `snf bench recovery`: what fault tolerance costs and how fast it recovers (issue 8).
 *  - fromLogger: a unit taking over a dead unit's id restores N flows from the dead unit's output
 *    logger (connect, handshake, RESTORE frames applied to a real NF store) — the paper's 140 µs
 *    figure is this step; the process start of the successor is not in it;
 *  - fromKafka: a logger rebuilt from the function's Kafka topic holding N flows (replay of the
 *    whole topic into a mirror), against the real broker;
 *  - loggerCostUs: one LOG frame (a record and its EGRESS) from a unit connection through a logger
 *    to the gateway connection, per policy (`fast`, `strict`), in-process over loopback;
 *  - throughput: live pkt/s of a gateway with real unit processes, no logger vs each policy, same trace;
 *  - checkpoint: the gateway checkpoint's cost (gateway/checkpoint/), paired runs with a `memory`
 *    logger, checkpoint off and on alternately (off, on, off, on, …): pkt/s, residence p50/p99,
 *    and the checkpointer's own figures (flushes, flows written, mean flush and scan time).
 */
import { randomBytes } from 'crypto';
import * as net from 'net';
import { performance } from 'perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { getFunction } from '../../functions';
import { Gateway } from '../../gateway/gateway';
import { defaultGatewayOptions, type LoggerMode } from '../../gateway/options';
import { FrameType, Role } from '../../proto/frames/constants';
import { FrameParser } from '../../proto/frames/frame-parser';
import { decodeHandshakeReply, encodeHandshake, HANDSHAKE_REPLY_BYTES } from '../../proto/frames/handshake-v1';
import { EgressBatchV2Writer } from '../../proto/frames/egress-batch-v2';
import { LogFrameWriter } from '../../proto/frames/log-frame-v1';
import { encodeLogRecord, LogKind, logKey } from '../../proto/frames/log-record-v1';
import type { NetworkFunction } from '../../sdk/types';
import type { LoadedTrace } from '../../trace/types';
import { watchdogConfig } from '../../watchdog/config';
import { KafkaLog, logTopic } from '../../watchdog/logger/kafka-log';
import { Mirror } from '../../watchdog/logger/mirror';
import { OutputLogger } from '../../watchdog/logger/output-logger';
import { UnitLoggerLink } from '../../watchdog/logger/unit-logger-link';
import { PacketProcessor } from '../../watchdog/runtime/packet-processor';
import { replay } from '../replay/replayer';

export interface RecoveryBenchOptions {
  loggerFlows: number;
  kafkaFlows: number;
  runs: number;
  costFrames: number;
  brokers: string;
  trace: LoadedTrace;
  rate: number;
  units: number;
  /** Paired checkpoint off/on runs (0 = skip that part). */
  checkpointPairs?: number;
}

const TOKEN = 'bench-recovery';
const quiet = pino({ level: 'silent' });
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function loggerCfg(fn: string, mode: LoggerMode, brokers: string) {
  return watchdogConfig({ SNF_LOGGER_MODE: mode === 'off' ? 'memory' : mode, SNF_KAFKA_BROKERS: brokers || '127.0.0.1:9092' }, { function: fn, token: TOKEN, unitId: '1', role: 'logger' });
}

/** A flow's NAT-like value: what the restore carries per flow. */
function flowValue(i: number): Buffer {
  const nf = getFunction('nat') as NetworkFunction<unknown, unknown>;
  return nf.stateCodec.encode({ internalIp: 0xc0a80001 + (i >>> 16), internalPort: i & 0xffff, publicPort: 1024 + (i % 60000), lastSeenNs: i * 1000, flags: 3 });
}

async function fromLogger(flows: number, runs: number): Promise<{ p50Ms: number; p99Ms: number; flows: number }> {
  const lg = new OutputLogger(loggerCfg('nat', 'memory', ''), quiet);
  const rec = { kind: LogKind.PUT, unit: 1, clock: 5, flowletId: 1, proto: 6, srcIp: 0x0a000001, srcPort: 0, dstIp: 0x0a000002, dstPort: 80, value: Buffer.alloc(0) };
  for (let i = 0; i < flows; i++) lg.mirror.apply({ ...rec, srcPort: i & 0xffff, srcIp: 0x0a000001 + (i >>> 16), value: flowValue(i) });
  await lg.start();
  const nf = getFunction('nat') as NetworkFunction<unknown, unknown>;
  const times: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const proc = new PacketProcessor(nf, nf.defaultConfig, { emit: () => undefined, canPull: () => false, requestPull: () => undefined }, { unitId: 1, pullDelayNs: 0, pullRetryNs: 0, holdTimeoutNs: 1e9 });
      const k = { proto: 0, srcIp: 0, srcPort: 0, dstIp: 0, dstPort: 0 };
      const link = new UnitLoggerLink(1, TOKEN, `127.0.0.1:${lg.dataPort}`, proc.codec, proc.store, quiet, 1 << 20, (x) => {
        k.proto = x.proto; k.srcIp = x.srcIp; k.srcPort = x.srcPort; k.dstIp = x.dstIp; k.dstPort = x.dstPort;
        proc.applyRemote(k, x.clock, x.kind === LogKind.PUT, x.value, 0, false);
      });
      const t0 = performance.now();
      await link.connect();
      times.push(performance.now() - t0);
      if (proc.store.size !== flows) throw new Error(`restored ${proc.store.size} of ${flows} flows`);
      link.close();
      await new Promise((res) => setTimeout(res, 20)); // the logger sees the close before the next unit connects
    }
  } finally {
    await lg.stop();
  }
  return { p50Ms: r3(pct(times, 0.5)), p99Ms: r3(pct(times, 0.99)), flows };
}

async function fromKafka(flows: number, runs: number, brokers: string): Promise<{ p50Ms: number; p99Ms: number; flows: number; records: number }> {
  const fn = `bench-${process.pid}-${Date.now()}`;
  const list = brokers.split(',');
  const log = new KafkaLog(list, logTopic(fn), 'snf-bench-recovery', () => undefined);
  await log.start();
  const times: number[] = [];
  let records = 0;
  try {
    let batch: Array<{ key: Buffer; value: Buffer }> = [];
    const sent: Array<Promise<void>> = [];
    for (let i = 0; i < flows; i++) {
      const r = { kind: LogKind.PUT, unit: 1, clock: 3, flowletId: 1, proto: 6, srcIp: 0x0a000001 + (i >>> 16), srcPort: i & 0xffff, dstIp: 0x0a000002, dstPort: 80, value: flowValue(i) };
      batch.push({ key: logKey(r.proto, r.srcIp, r.srcPort, r.dstIp, r.dstPort), value: encodeLogRecord(r) });
      if (batch.length === 1000) (sent.push(log.append(batch)), (batch = []));
    }
    if (batch.length > 0) sent.push(log.append(batch));
    await Promise.all(sent);
    for (let r = 0; r < runs; r++) {
      const m = new Mirror();
      const t0 = performance.now();
      records = await log.replayInto(m, `${fn}-${r}`);
      times.push(performance.now() - t0);
      if (m.size !== flows) throw new Error(`rebuilt ${m.size} of ${flows} flows`);
    }
  } finally {
    await log.close();
    const admin = new Kafka({ clientId: 'snf-bench-recovery', brokers: list, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [logTopic(fn)] }).catch(() => undefined);
    await admin.disconnect();
  }
  return { p50Ms: r3(pct(times, 0.5)), p99Ms: r3(pct(times, 0.99)), flows, records };
}

/** A raw data-plane client of the logger (role unit or gateway); resolves after the handshake (and the RESTORE end for a unit). */
function connectRaw(port: number, role: number, onFrame: (type: number, body: Buffer) => void): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setNoDelay(true);
    let hs = Buffer.alloc(0);
    let shook = false;
    const parser = new FrameParser({ accept: [FrameType.EGRESS_V2, FrameType.RESTORE, FrameType.UNIT_GONE], onFrame: (t, _f, c, b) => {
      if (t === FrameType.RESTORE && c === 0) resolve(s);
      else onFrame(t, b);
    } });
    s.on('connect', () => s.write(encodeHandshake({ role, unitId: role === Role.UNIT ? 1 : 0xffff, token: TOKEN })));
    s.on('data', (chunk: Buffer) => {
      if (shook) return void parser.push(chunk);
      hs = Buffer.concat([hs, chunk]);
      if (decodeHandshakeReply(hs) === null) return;
      shook = true;
      if (role === Role.GATEWAY) resolve(s);
      if (hs.length > HANDSHAKE_REPLY_BYTES) parser.push(hs.subarray(HANDSHAKE_REPLY_BYTES));
    });
    s.on('error', reject);
  });
}

async function loggerCost(mode: LoggerMode, frames: number, brokers: string): Promise<{ p50: number; p99: number }> {
  const fn = `bench-cost-${process.pid}-${Date.now()}`;
  const lg = new OutputLogger(loggerCfg(fn, mode, brokers), quiet);
  await lg.start();
  let waiting: (() => void) | null = null;
  const gw = await connectRaw(lg.dataPort, Role.GATEWAY, (t) => {
    if (t === FrameType.EGRESS_V2) waiting?.();
  });
  const unit = await connectRaw(lg.dataPort, Role.UNIT, () => undefined);
  const w = new LogFrameWriter(4096);
  const eg = new EgressBatchV2Writer(4096);
  const pkt = Buffer.alloc(64);
  const times: number[] = [];
  try {
    for (let i = 0; i < frames; i++) {
      w.reset();
      eg.reset();
      w.add(LogKind.PUT, 1, i + 1, 1, 6, 0x0a000001, 1000, 0x0a000002, 80, flowValue(i));
      eg.add(1, i + 1, 0, 0, pkt, 0, pkt.length, 0, new Uint32Array(0), 0, null);
      const frame = w.finish([Buffer.from(eg.finish())]);
      const t0 = performance.now();
      await new Promise<void>((res) => {
        waiting = res;
        unit.write(frame);
      });
      times.push((performance.now() - t0) * 1000);
    }
  } finally {
    unit.destroy();
    gw.destroy();
    await lg.stop();
    if (mode !== 'memory') {
      const admin = new Kafka({ clientId: 'snf-bench-recovery', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [logTopic(fn)] }).catch(() => undefined);
      await admin.disconnect();
    }
  }
  const warm = times.slice(Math.min(20, times.length >> 2));
  return { p50: Math.round(pct(warm, 0.5)), p99: Math.round(pct(warm, 0.99)) };
}

async function throughput(logger: LoggerMode, o: RecoveryBenchOptions): Promise<number> {
  return (await liveRun(logger, null, o)).pps;
}

interface LiveFigures { pps: number; p50Us: number; p99Us: number; checkpoint: Record<string, any> | null }

async function liveRun(logger: LoggerMode, checkpoint: string | null, o: RecoveryBenchOptions): Promise<LiveFigures> {
  const g = defaultGatewayOptions('nat', TOKEN);
  g.minUnits = o.units;
  g.maxUnits = o.units;
  g.logger = logger;
  g.checkpoint = checkpoint;
  const gw = new Gateway(g);
  await gw.start();
  try {
    const r = await replay({ port: gw.streamPort, token: TOKEN, trace: o.trace, rate: o.rate, drainTimeoutMs: 10000 });
    const ck = gw.checkpoint?.counters ?? null;
    return { pps: r.pps, p50Us: Math.round(r.latencyUs.p50), p99Us: Math.round(r.latencyUs.p99), checkpoint: ck === null ? null : { ...ck } };
  } finally {
    await gw.stop();
  }
}

/** Checkpoint off vs on, paired and alternated so drift on a shared box hits both alike. */
export async function checkpointCost(o: RecoveryBenchOptions, pairs: number): Promise<Record<string, unknown>> {
  const off: LiveFigures[] = [];
  const on: LiveFigures[] = [];
  for (let i = 0; i < pairs; i++) {
    off.push(await liveRun('memory', null, o));
    on.push(await liveRun('memory', `snf:bench:ckpt:${randomBytes(4).toString('hex')}`, o));
  }
  const med = (xs: number[]): number => pct(xs, 0.5);
  const flushes = on.reduce((a, r) => a + (r.checkpoint?.flushes ?? 0), 0);
  const sum = (k: string): number => on.reduce((a, r) => a + (r.checkpoint?.[k] ?? 0), 0);
  return {
    off: { pps: med(off.map((r) => r.pps)), p50Us: med(off.map((r) => r.p50Us)), p99Us: med(off.map((r) => r.p99Us)) },
    on: { pps: med(on.map((r) => r.pps)), p50Us: med(on.map((r) => r.p50Us)), p99Us: med(on.map((r) => r.p99Us)) },
    ppsRatio: r3(med(on.map((r) => r.pps)) / med(off.map((r) => r.pps))),
    flushes, flowsWritten: sum('flowsWritten'), meanScanUs: flushes > 0 ? r3(sum('scanUs') / flushes) : 0,
    maxFlushMs: r3(Math.max(...on.map((r) => r.checkpoint?.maxFlushMs ?? 0))), intervalMs: 20, pairs,
    runs: { off: off.map((r) => r.pps), on: on.map((r) => r.pps) },
  };
}

export async function runRecoveryBench(o: RecoveryBenchOptions): Promise<Record<string, unknown>> {
  const fl = await fromLogger(o.loggerFlows, o.runs);
  const fk = await fromKafka(o.kafkaFlows, Math.max(1, Math.min(o.runs, 5)), o.brokers);
  const fast = await loggerCost('kafka:fast', o.costFrames, o.brokers);
  const strict = await loggerCost('kafka:strict', o.costFrames, o.brokers);
  const none = await throughput('off', o);
  const tFast = await throughput('kafka:fast', o);
  const tStrict = await throughput('kafka:strict', o);
  const ck = (o.checkpointPairs ?? 0) > 0 ? await checkpointCost(o, o.checkpointPairs!) : null;
  return {
    fromLogger: fl,
    fromKafka: { p50Ms: fk.p50Ms, p99Ms: fk.p99Ms, flows: fk.flows },
    loggerCostUs: { fast, strict },
    throughput: { none, fast: tFast, strict: tStrict, fastRatio: r3(tFast / none), strictRatio: r3(tStrict / none) },
    ...(ck !== null ? { checkpoint: ck } : {}),
    settings: { runs: o.runs, costFrames: o.costFrames, packets: o.trace.count, offeredPps: o.rate, units: o.units, kafkaRecords: fk.records },
  };
}
