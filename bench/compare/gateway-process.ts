/**
 * One `snf gateway` as a child process of the bench (the built CLI, or the transpiling dev entry
 * when dist/ is stale: gateway/units/process `snfCommand`), so that its CPU and its units' can be
 * read apart from the replayer's. Learns its stream and metrics ports from its start line on
 * stderr, scrapes its `/metrics` (the snf_* series) and, on stop (SIGTERM), reads the stats JSON
 * it prints as its last stderr line.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as http from 'http';
import { SnfError } from '../../sdk/errors';
import { snfCommand } from '../../gateway/units/process/local-process-provider';

export interface GatewayProcessOptions {
  function: string;
  token: string;
  mode: string;
  minUnits: number;
  maxUnits: number;
  /** Per-unit capacity the controller packs against (SNF_GATEWAY_CAPACITY_BPS). */
  capacityBps?: number;
  timeoutUs?: number;
  /** `packet` mode: run each unit as this of-watchdog binary in front of `snf watchdog --http`. */
  ofWatchdog?: string;
  startTimeoutMs?: number;
}

/** What one /metrics scrape says about the function. */
export interface GatewaySample {
  activeUnits: number;
  /** Mean of snf_unit_utilization over the units (0 with none). */
  utilization: number;
  billedPackets: number;
}

export class GatewayProcess {
  private child: ChildProcess | null = null;
  private errText = '';
  streamPort = 0;
  metricsPort = 0;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly o: GatewayProcessOptions) {}

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  async start(): Promise<void> {
    const o = this.o;
    const args = [...snfCommand(), 'gateway', '--function', o.function, '--mode', o.mode, '--listen', '0', '--metrics-port', '0',
      '--min-units', String(o.minUnits), '--max-units', String(o.maxUnits), '--alerts', 'off'];
    if (o.timeoutUs !== undefined) args.push('--timeout-us', String(o.timeoutUs));
    if (o.capacityBps !== undefined) args.push('--capacity-bps', String(o.capacityBps));
    if (o.ofWatchdog !== undefined) args.push('--of-watchdog', o.ofWatchdog);
    const env: Record<string, string | undefined> = { ...process.env, SNF_GATEWAY_TOKEN: o.token };
    for (const k of Object.keys(env)) if (k.startsWith('SNF_GATEWAY_') && k !== 'SNF_GATEWAY_TOKEN') delete env[k];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      this.errText = (this.errText + s).slice(-64_000);
    });
    const timeoutMs = o.startTimeoutMs ?? 30_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(`not up within ${timeoutMs} ms`), timeoutMs);
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new SnfError('SNF_ERR_UNIT_START', `snf gateway (${o.mode}): ${why}: ${this.errText.slice(-800)}`));
      };
      const onData = (): void => {
        const m = /stream :(\d+).*metrics :(\d+)/.exec(this.errText);
        if (m === null) return;
        this.streamPort = Number(m[1]);
        this.metricsPort = Number(m[2]);
        clearTimeout(timer);
        child.stderr!.removeListener('data', onData);
        child.removeListener('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null, sig: string | null): void => fail(`exited (${code ?? sig}) before it was up`);
      child.stderr!.on('data', onData);
      child.once('exit', onExit);
    });
  }

  /** One scrape of the gateway's /metrics. */
  async sample(): Promise<GatewaySample> {
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: this.metricsPort, path: '/metrics', agent: this.agent, timeout: 2000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('timeout', () => req.destroy(new Error('scrape timed out')));
      req.on('error', reject);
    });
    return parseSnfSample(text);
  }

  /** SIGTERM; resolves with the stats JSON the gateway prints when it has stopped its units. */
  async stop(graceMs = 20_000): Promise<Record<string, any>> {
    const child = this.child;
    this.agent.destroy();
    if (child === null) return {};
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    this.child = null;
    const lines = this.errText.trim().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      if (!lines[i]!.startsWith('{"gateway"')) continue;
      try {
        return JSON.parse(lines[i]!) as Record<string, any>;
      } catch {
        break;
      }
    }
    throw new Error(`snf gateway (${this.o.mode}) printed no stats on stop: ${this.errText.slice(-800)}`);
  }
}

/** The snf_* figures the bench samples, from Prometheus text (one function per gateway). */
export function parseSnfSample(text: string): GatewaySample {
  let activeUnits = 0, standbyUnits = 0, billedPackets = 0, utilSum = 0, utilN = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('snf_')) continue;
    const sp = line.lastIndexOf(' ');
    const v = Number(line.slice(sp + 1));
    if (line.startsWith('snf_active_units')) activeUnits = v;
    else if (line.startsWith('snf_units{') && line.includes('state="standby"')) standbyUnits = v;
    else if (line.startsWith('snf_billed_packets_total')) billedPackets = v;
    else if (line.startsWith('snf_unit_utilization{')) {
      utilSum += v;
      utilN++;
    }
  }
  // Warm standbys are paid for: provisioned counts them.
  return { activeUnits: activeUnits + standbyUnits, utilization: utilN > 0 ? utilSum / utilN : 0, billedPackets };
}
