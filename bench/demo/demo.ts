/**
 * `snf demo` as a library: SNF on embedded defaults (`snf up`'s startUp, in this process, on a
 * free port, state in a temporary directory), every function of stack.yml deployed through
 * the OpenFaaS API as faas-cli would, with its vanilla twin (`<fn>-vanilla`, `packet` mode: units
 * are `snf watchdog --http` HTTP handlers with state in the external store), then the same
 * traffic at the same offered load through both:
 *  - `flowlet` (SNF, proactive state): the replayer's packet stream into the function's stream
 *    ingress (gateway/ingress), flowlets bin-packed onto units;
 *  - `packet` (vanilla): one HTTP POST per packet to the gateway's `/function/<fn>-vanilla`, which
 *    POSTs it on to a unit's HTTP handler (gateway/units/http-dispatcher.ts).
 * The external store is REDIS_URL when set, else an embedded RESP store (embedded-kv.ts); IDS
 * alerts go to Kafka when KAFKA_BROKERS is set (as `snf up --alerts kafka`), else nowhere.
 * Figures per mode come out as a CompareResult (bench/compare/types.ts) using bench/compare's
 * epoch and CPU measurement.
 */
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { startUp, type Up } from '../../gateway/api/up';
import { FUNCTION_NAMES } from '../../functions';
import { SnfError } from '../../sdk/errors';
import { loadTrace } from '../../trace/load';
import type { LoadedTrace } from '../../trace/types';
import { replay, type ReplayResult } from '../replay/replayer';
import type { CompareModeResult, CompareModeSeries, CompareResult } from '../compare/types';
import { demandBps, EPOCH_MS, latencyCdfUs, provisionedOverDemand, samplesToEpochs, unitSeconds, unitsMean } from '../compare/epochs';
import { CpuMeter } from '../compare/proc-cpu';
import { generateCalibratedTraffic } from '../traffic/calibrated-generator';
import { SMALLFLOWS_CALIBRATION } from '../traffic/calibration';
import { startEmbeddedKv, type EmbeddedKv } from './embedded-kv';
import { deploy, stackDeployment, stackFunctionNames, vanillaTwin, withUnitCapacity, type ApiClient } from './deploy';
import { replayHttp, type HttpReplayResult } from './http-replay';

export interface DemoOptions {
  /** Function of the stack file (default nat). */
  function: string;
  stackFile: string;
  /** Offered packets/s, both modes. */
  pps: number;
  /** Length of the built-in traffic (s); with --pcap, at most pps × seconds packets are replayed. */
  seconds: number;
  seed: number;
  pcap?: string;
  /** Requests in flight at most on the vanilla path. */
  httpInFlight: number;
  /** Per-unit capacity (bits/s) of the demo's function and its twin; default DEMO_UNIT_CAPACITY_BPS. */
  unitCapacityBps?: number;
  env: Readonly<Record<string, string | undefined>>;
  version: string;
}

export type DemoStage = 'traffic' | 'up' | 'deploy' | 'flowlet' | 'packet' | 'report';

export interface DemoProgress {
  stage(s: DemoStage, detail: string): void;
  replay(mode: 'flowlet' | 'packet', sent: number, received: number, total: number): void;
}

const TOKEN_BYTES = 16;

/**
 * The demo's per-unit capacity: 4 Mbit/s, not stack.yml's 1 Gbit/s. The built-in traffic at the
 * default 2,000 pkt/s offers ~8.4 Mbit/s (per 100 ms epoch: p10 7.6, p90 9.4, max 10.3), which is
 * ~1 % of a 1 Gbit/s unit — SNF would never leave its one unit. At 4 Mbit/s the demand is 2–2.6
 * units' worth, so the controller visibly scales from the minimum of 1 to 3 units and packs
 * flowlets onto them; vanilla gets the same setting.
 */
export const DEMO_UNIT_CAPACITY_BPS = 4e6;

export function demoTraffic(o: Pick<DemoOptions, 'pcap' | 'pps' | 'seconds' | 'seed'>): LoadedTrace {
  if (o.pcap !== undefined) return loadTrace(o.pcap, { limit: Math.max(1, Math.round(o.pps * o.seconds)) });
  return generateCalibratedTraffic({ seed: o.seed, pps: o.pps, windowMs: o.seconds * 1e3 });
}

interface Sampled {
  tMs: number[];
  units: number[];
}

/** Units available to `name`, sampled every epoch while `run` goes on; CPU of this process's children too. */
async function measured<T>(up: Up, name: string, run: () => Promise<T>): Promise<{ out: T; s: Sampled; cpuSeconds: number }> {
  const meter = new CpuMeter(process.pid);
  const self0 = process.cpuUsage();
  meter.sample();
  const s: Sampled = { tMs: [], units: [] };
  const t0 = performance.now();
  const take = (): void => {
    s.tMs.push(performance.now() - t0);
    // Warm standbys are paid for like any unit: provisioned includes them.
    const c = up.provider.gateway(name)?.unitCounts();
    s.units.push(c === undefined ? 0 : c.available + c.standby);
    meter.sample();
  };
  take();
  const timer = setInterval(take, EPOCH_MS);
  try {
    const out = await run();
    take();
    const self = process.cpuUsage(self0);
    // The tree's CPU less this process's own: the functions' unit processes.
    const cpuSeconds = Math.max(0, meter.seconds() - (self.user + self.system) / 1e6);
    return { out, s, cpuSeconds };
  } finally {
    clearInterval(timer);
  }
}

function figures(
  r: { pps: number; latencyUs: { p50: number; p99: number }; lost: number; reordered: number; durationS: number; residenceNs: Float64Array },
  s: Sampled, cpuSeconds: number, billedPackets: number, demandUnits: number[], runtime: string,
): { result: CompareModeResult; series: CompareModeSeries } {
  const epochs = demandUnits.length;
  const provisioned = samplesToEpochs(s.tMs, s.units, epochs);
  const runEpochs = samplesToEpochs(s.tMs, s.units, Math.max(1, Math.ceil((r.durationS * 1e3) / EPOCH_MS)));
  const pod = provisionedOverDemand(demandUnits, provisioned);
  return {
    result: {
      runtime, pps: Math.round(r.pps), latencyUs: { p50: r.latencyUs.p50, p99: r.latencyUs.p99 },
      unitsMean: unitsMean(runEpochs), provisionedOverDemand: { p50: pod.p50, p90: pod.p90 },
      billedPackets, billedUnitSeconds: unitSeconds(runEpochs), cpuSeconds: Math.round(cpuSeconds * 100) / 100,
      lost: r.lost, reordered: r.reordered,
    },
    series: {
      epochMs: EPOCH_MS, tMs: demandUnits.map((_, e) => e * EPOCH_MS), demandUnits: demandUnits.map(round4), provisionedUnits: provisioned,
      utilization: demandUnits.map((d, e) => (provisioned[e]! > 0 ? round4(Math.min(1, d / provisioned[e]!)) : 0)),
      latencyCdfUs: latencyCdfUs(r.residenceNs),
    },
  };
}

/** Runs the demo; resolves with the comparison (flowlet, packet). Cleans up everything it started. */
export async function runDemo(o: DemoOptions, progress: DemoProgress): Promise<CompareResult> {
  progress.stage('traffic', o.pcap ?? `built-in, calibrated on ${SMALLFLOWS_CALIBRATION.source.split('/').pop()}`);
  const trace = demoTraffic(o);
  if (trace.count === 0) throw new SnfError('SNF_ERR_USAGE', `${trace.path}: no IPv4 packets to replay`);
  const redisUrl = o.env.REDIS_URL || undefined;
  const kafka = o.env.KAFKA_BROKERS || undefined;
  const stateDir = await mkdtemp(join(tmpdir(), 'snf-demo-'));
  let kv: EmbeddedKv | null = null;
  let up: Up | null = null;
  try {
    progress.stage('up', redisUrl ? `state store ${redisUrl}` : 'embedded state store');
    if (redisUrl === undefined) kv = await startEmbeddedKv();
    const token = [...crypto.getRandomValues(new Uint8Array(TOKEN_BYTES))].map((b) => b.toString(16).padStart(2, '0')).join('');
    up = await startUp({
      port: 0, host: '127.0.0.1', stateDir, knownNfs: FUNCTION_NAMES, version: o.version, token,
      alerts: kafka ? 'kafka' : 'off', // the deployments stay in stateDir (never in a shared Redis key)
    });
    const api: ApiClient = { base: `http://127.0.0.1:${up.port}`, user: up.creds.user, password: up.creds.password };
    const capacityBps = o.unitCapacityBps ?? DEMO_UNIT_CAPACITY_BPS;
    const snf = withUnitCapacity(stackDeployment(o.stackFile, o.function), capacityBps);
    const vanilla = vanillaTwin(snf, kv ? { SNF_REDIS_URL: kv.url } : {});
    // Every function of the stack is deployed (as `faas-cli deploy` would); traffic goes to one.
    const others = stackFunctionNames(o.stackFile).filter((n) => n !== o.function).map((n) => stackDeployment(o.stackFile, n));
    progress.stage('deploy', [snf, vanilla, ...others].map((d) => d.service).join(', '));
    // One at a time: seven functions' units starting at once (each loads Node and its NF; the IDS
    // builds its automaton) starve each other past the unit ready timeout on a 2-core machine.
    for (const d of [snf, vanilla, ...others]) await deploy(api, d, 60_000);
    const dueNs = (i: number): number => (i / o.pps) * 1e9;
    const demandUnits = demandBps(trace.wireLengths, dueNs).map((b) => b / capacityBps);
    const total = trace.count;

    progress.stage('flowlet', `${total} packets at ${o.pps} pkt/s into ${snf.service}'s stream ingress`);
    const streamPort = up.provider.get(snf.service)!.streamPort;
    const a = await measured(up, snf.service, () => replay({
      port: streamPort, token, trace, rate: o.pps, drainTimeoutMs: 5000,
      onProgress: (sent, received) => progress.replay('flowlet', sent, received, total),
    }));
    const snfRun: ReplayResult = a.out;
    const totals = await up.provider.gateway(snf.service)!.unitTotals();
    const snfFig = figures(snfRun, a.s, a.cpuSeconds, Number(totals.packets ?? snfRun.received), demandUnits, 'snf gateway (flowlet/proactive) + snf watchdog units');

    progress.stage('packet', `${total} packets at ${o.pps} pkt/s as HTTP requests to /function/${vanilla.service}`);
    const b = await measured(up, vanilla.service, () => replayHttp({
      host: '127.0.0.1', port: up!.port, function: vanilla.service, trace, rate: o.pps, maxInFlight: o.httpInFlight,
      onProgress: (sent, received) => progress.replay('packet', sent, received, total),
    }));
    const httpRun: HttpReplayResult = b.out;
    const vanFig = figures(httpRun, b.s, b.cpuSeconds, httpRun.billed, demandUnits, '/function/{name} → snf watchdog --http, per-packet HTTP');

    return {
      trace: o.pcap ?? `generated:${trace.path.slice('generated:'.length)}`, offeredPps: o.pps, function: snf.service, date: new Date().toISOString(),
      params: {
        packets: total, rate: o.pps, epochMs: EPOCH_MS, capacityBps, timeoutUs: Number(snf.annotations['com.snf.timeout-us'] ?? 20000),
        minUnits: Number(snf.labels['com.openfaas.scale.min'] ?? 1), maxUnits: Number(snf.labels['com.openfaas.scale.max'] ?? 8),
        stateStore: redisUrl ? 'redis' : 'embedded', alerts: kafka ? 'kafka' : 'off', httpInFlight: o.httpInFlight,
        cpuScope: 'unit processes only: the gateway (every function\'s), the embedded store and both replayers share the demo\'s process and cannot be told apart',
        deployed: [snf, vanilla, ...others].map((d) => d.service).join(','),
        httpStatuses: JSON.stringify(httpRun.statusCounts),
      },
      modes: { flowlet: snfFig.result, packet: vanFig.result },
      series: { flowlet: snfFig.series, packet: vanFig.series },
    };
  } finally {
    await up?.close().catch(() => undefined);
    await kv?.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
