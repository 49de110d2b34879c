/**
 * LocalProcessProvider: compute units as local `snf watchdog` child processes (ARCHITECTURE §2,
 * "provider: local processes"), the first UnitProvider (../provider.ts). A unit is ready when it
 * writes its ready record (proto/ready-record.ts) on fd 3, a pipe named to it by SNF_READY_FD:
 * the record carries the address and ports it bound (we pass port 0 so parallel runs never
 * collide). The log stream (stdout/stderr) only goes to `onLog`.
 * Stop = SIGTERM (the unit pushes its dirty state and drains), SIGKILL after a grace period.
 * Every child is also killed when this process exits, so a failed test leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseReadyRecord, READY_FD_ENV, type UnitKind } from '../../../proto/ready-record';
import { SnfError } from '../../../sdk/errors';
import { unitBaseEnv } from '../../unit-env';
import { dataPlaneNodeFlags } from '../node-flags';
import { ofWatchdogLaunch, waitOfWatchdogReady } from './of-watchdog';
import type { UnitEndpoint, UnitEvent, UnitProvider, UnitSpec } from '../provider';

export interface ProviderOptions extends UnitSpec {
  /** Address the units bind (SNF_HOST). */
  host?: string;
  /**
   * Extra node flags for the units, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (NODE_OPTIONS refuses
   * those); added after ../node-flags.ts LATENCY_NODE_FLAGS, and a flag set here replaces ours.
   */
  nodeFlags?: readonly string[];
  /**
   * A command that runs node, e.g. `['ip', 'netns', 'exec', 'ns1']` (units in a network namespace,
   * binding `host` there). It must exec node in place, keeping its pid and fds (the ready pipe).
   */
  launcher?: readonly string[];
  /** How long a unit may take to come up. */
  startTimeoutMs?: number;
  /** Forward the units' stderr/stdout log lines here (default: dropped). */
  onLog?: (unit: number, line: string) => void;
  /** An output logger process per compute unit (started first; the unit gets `--logger`). Default off. */
  logger?: 'off' | 'memory' | 'kafka:fast' | 'kafka:strict';
  /**
   * `gateway`: compute units start without an id (`--unit-id gateway`) and take the one the
   * gateway's handshake assigns, like a Deployment's pods (tests of Kubernetes discovery; `unit`
   * is then only this provider's handle). Default `fixed`: `--unit-id <unit>`.
   */
  unitIds?: 'fixed' | 'gateway';
  /** HTTP units run behind this of-watchdog binary (http mode; ./of-watchdog.ts). Default: `snf watchdog --http` alone. */
  ofWatchdog?: string;
}

/** The package root (the nearest package.json above this file), from the sources or from dist/. */
const ROOT = ((): string => {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return path.join(__dirname, '..', '..', '..');
  }
})();

/** Newest mtime of the .ts sources a unit runs (walked once per process). */
let newestSrcMs = -1;
function newestSourceMs(): number {
  if (newestSrcMs >= 0) return newestSrcMs;
  const walk = (dir: string): void => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const d of names) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith('.ts')) newestSrcMs = Math.max(newestSrcMs, fs.statSync(p).mtimeMs);
    }
  };
  newestSrcMs = 0;
  for (const d of ['cli', 'sdk', 'functions', 'watchdog', 'proto', 'gateway', 'trace', 'bench']) walk(path.join(ROOT, d));
  return newestSrcMs;
}

/**
 * `node bin/snf.js` over dist/ when built and newer than every source file, else the
 * transpiling dev entry (so units never run stale compiled code during development).
 */
export function snfCommand(): string[] {
  const dist = path.join(ROOT, 'dist', 'cli', 'main.js');
  try {
    if (fs.statSync(dist).mtimeMs >= newestSourceMs()) return [path.join(ROOT, 'bin', 'snf.js')];
  } catch {
    /* no dist: fall through */
  }
  // From ROOT, not __dirname: dist/ has no copy of this .js file.
  return [path.join(ROOT, 'gateway', 'units', 'process', 'dev-entry.js')];
}

const live = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/** The ready record's fd in the child (stdio index 3). */
const READY_FD = 3;

export class LocalProcessProvider implements UnitProvider {
  readonly name = 'local-process';
  private readonly children = new Map<number, ChildProcess>();
  /** Output logger processes by the unit they serve. */
  private readonly loggers = new Map<number, ChildProcess>();
  private readonly ready = new Map<number, UnitEndpoint>();
  /** Processes started by an earlier gateway (adopt): pids by unit. */
  private readonly adopted = new Map<number, { unit?: number; logger?: number }>();
  private readonly listeners = new Set<(e: UnitEvent) => void>();
  readonly host: string;

  constructor(private readonly opts: ProviderOptions) {
    this.host = opts.host ?? '127.0.0.1';
  }

  /** A data-plane compute unit, or an of-watchdog-style HTTP unit (state in Redis: the packet baseline). */
  async start(unit: number, kind: UnitKind): Promise<UnitEndpoint> {
    if (kind === 'http' && this.opts.ofWatchdog !== undefined) return this.launchOfWatchdog(unit, this.opts.ofWatchdog);
    const id = this.opts.unitIds === 'gateway' ? 'gateway' : String(unit);
    const extra = kind === 'compute' ? ['--unit-id', id, '--listen', '0', '--peer-listen', '0'] : ['--http', '0'];
    const mode = this.opts.logger ?? 'off';
    if (kind !== 'compute' || mode === 'off') return this.launch(unit, kind, extra);
    const lg = await this.startLogger(unit, 'none');
    const ep = await this.launch(unit, kind, [...extra, '--logger', `${lg.data.host}:${lg.data.port}`]);
    ep.logger = { data: lg.data, peer: lg.peer!, instance: lg.instance };
    return ep;
  }

  /**
   * The output logger of unit `unit` (also a replacement for a dead one; `rebuild: kafka` = its
   * unit died too, so it loads the mirror from the function's Kafka topic before it is ready).
   */
  startLogger(unit: number, rebuild: 'none' | 'kafka'): Promise<UnitEndpoint> {
    const mode = this.opts.logger === undefined || this.opts.logger === 'off' ? 'memory' : this.opts.logger;
    return this.launch(unit, 'logger', ['--role', 'logger', '--unit-id', String(unit), '--listen', '0', '--peer-listen', '0'], {
      SNF_LOGGER_MODE: mode, SNF_LOGGER_REBUILD: rebuild,
    });
  }

  /** Recovery: a compute unit under a dead unit's id, attached to its (living or rebuilt) logger. */
  startUnitWithLogger(unit: number, logger: { host: string; port: number }): Promise<UnitEndpoint> {
    return this.launch(unit, 'compute', ['--unit-id', String(unit), '--listen', '0', '--peer-listen', '0', '--logger', `${logger.host}:${logger.port}`]);
  }

  /** Pid of unit `unit`'s process (or its logger's), for tests that kill one. */
  pidOf(unit: number, role: 'unit' | 'logger' = 'unit'): number | undefined {
    return (role === 'logger' ? this.loggers : this.children).get(unit)?.pid ?? this.adopted.get(unit)?.[role];
  }

  /** Gateway restart: unit and logger processes an earlier gateway started (instance `pid:N`); stopped by pid. */
  adopt(ep: UnitEndpoint): void {
    const pid = (instance: string | undefined): number | undefined => (instance?.startsWith('pid:') ? Number(instance.slice(4)) : undefined);
    this.adopted.set(ep.unit, { unit: pid(ep.instance), logger: pid(ep.logger?.instance) });
    this.ready.set(ep.unit, ep);
  }

  list(): UnitEndpoint[] {
    return [...this.ready.values()];
  }

  on(listener: (e: UnitEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(e: UnitEvent): void {
    for (const l of this.listeners) l(e);
  }

  private unitEnv(): Record<string, string> {
    return { ...unitBaseEnv(process.env), SNF_HOST: this.host, SNF_LOCK_FILE: 'off', ...this.opts.env };
  }

  /** An HTTP unit as the stock OpenFaaS path: the real of-watchdog forking `snf watchdog --http` (no ready record: polled). */
  private async launchOfWatchdog(unit: number, binary: string): Promise<UnitEndpoint> {
    const unitArgv = [process.execPath, ...dataPlaneNodeFlags(this.opts.nodeFlags), ...snfCommand(), 'watchdog', '--function', this.opts.function];
    if (this.opts.configFile) unitArgv.push('--config', this.opts.configFile);
    const l = await ofWatchdogLaunch(binary, this.host, unitArgv, this.unitEnv());
    const child = spawn(l.argv[0]!, l.argv.slice(1), { env: l.env, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    this.children.set(unit, child);
    const instance = `pid:${child.pid ?? -1}`;
    let errText = '';
    for (const s of [child.stdout!, child.stderr!]) {
      s.setEncoding('utf8');
      s.on('data', (t: string) => {
        errText = (errText + t).slice(-4000);
        this.opts.onLog?.(unit, t);
      });
    }
    let exited = false;
    child.once('error', () => (exited = true));
    child.once('exit', (code, sig) => {
      exited = true;
      fs.rmSync(l.tmpDir, { recursive: true, force: true });
      if (this.children.get(unit) === child) this.children.delete(unit);
      const was = this.ready.get(unit);
      if (was !== undefined && was.instance === instance) {
        this.ready.delete(unit);
        this.emit({ type: 'unit-gone', unit, instance, why: `of-watchdog exited (${code ?? sig})` });
      }
    });
    const timeoutMs = this.opts.startTimeoutMs ?? 20000;
    const deadline = Date.now() + timeoutMs;
    const ok = await waitOfWatchdogReady(l, this.host, () => !exited && Date.now() < deadline);
    if (!ok) {
      child.kill('SIGKILL');
      throw new SnfError('SNF_ERR_UNIT_START', `unit ${unit}: of-watchdog ${exited ? 'exited' : `not healthy within ${timeoutMs} ms`}${errText ? `: ${errText.slice(-500)}` : ''}`);
    }
    const ep: UnitEndpoint = { unit, kind: 'http', data: { host: this.host, port: l.port }, peer: null, instance };
    this.ready.set(unit, ep);
    this.emit({ type: 'unit-ready', endpoint: ep });
    return ep;
  }

  private launch(unit: number, kind: UnitKind, extra: string[], env2: Record<string, string> = {}): Promise<UnitEndpoint> {
    const children = kind === 'logger' ? this.loggers : this.children;
    const args = [...snfCommand(), 'watchdog', '--function', this.opts.function, '--token', this.opts.token, ...extra];
    if (this.opts.configFile) args.push('--config', this.opts.configFile);
    // A defined environment (unitBaseEnv), not the gateway's whole one; the ready record comes on fd 3.
    const env: Record<string, string> = { ...this.unitEnv(), ...env2, [READY_FD_ENV]: String(READY_FD) };
    if (kind === 'logger' && process.env.KAFKA_BROKERS) env.SNF_KAFKA_BROKERS = process.env.KAFKA_BROKERS;
    const argv = [process.execPath, ...dataPlaneNodeFlags(this.opts.nodeFlags), ...args];
    const [exe, ...rest] = this.opts.launcher !== undefined && this.opts.launcher.length > 0 ? [...this.opts.launcher, ...argv] : argv;
    const child = spawn(exe!, rest, { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    track(child);
    children.set(unit, child);
    const instance = `pid:${child.pid ?? -1}`;
    const forward = (s: string): void => this.opts.onLog?.(unit, s);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', forward);
    let errText = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      errText = (errText + s).slice(-4000);
      forward(s);
    });
    return new Promise<UnitEndpoint>((resolve, reject) => {
      let settled = false;
      let record = '';
      const timeoutMs = this.opts.startTimeoutMs ?? 20000;
      const timer = setTimeout(() => fail(`did not report ready within ${timeoutMs} ms`), timeoutMs);
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new SnfError('SNF_ERR_UNIT_START', `unit ${unit}: ${why}${errText ? `: ${errText.slice(-500)}` : ''}`));
      };
      const readyPipe = child.stdio[READY_FD] as NodeJS.ReadableStream;
      readyPipe.setEncoding('utf8');
      readyPipe.on('data', (chunk: string) => {
        record += chunk;
        const nl = record.indexOf('\n');
        if (nl < 0 || settled) return;
        const r = parseReadyRecord(record.slice(0, nl));
        if (typeof r === 'string') return fail(`bad ready record (${r}): ${record.slice(0, 200)}`);
        if (r.kind !== kind) return fail(`ready record says ${r.kind}, expected ${kind}`);
        settled = true;
        clearTimeout(timer);
        const ep: UnitEndpoint = kind !== 'http'
          ? { unit, kind, data: { host: r.host, port: r.data }, peer: { host: r.host, port: r.peer }, instance }
          : { unit, kind, data: { host: r.host, port: r.http }, peer: null, instance };
        if (kind === 'logger') return resolve(ep);
        this.ready.set(unit, ep);
        this.emit({ type: 'unit-ready', endpoint: ep });
        resolve(ep);
      });
      readyPipe.on('error', () => undefined);
      readyPipe.on('end', () => fail('closed its ready fd without a ready record'));
      child.once('error', (err) => fail(String(err)));
      child.once('exit', (code, sig) => {
        if (children.get(unit) === child) children.delete(unit);
        const was = kind === 'logger' ? undefined : this.ready.get(unit);
        if (was !== undefined && was.instance === instance) {
          this.ready.delete(unit);
          this.emit({ type: 'unit-gone', unit, instance, why: `exited (${code ?? sig})` });
        }
        fail(`exited (${code ?? sig}) before it was ready`);
      });
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs` (the unit, then its logger). Resolves when both are gone. */
  async stop(unit: number, graceMs = 3000): Promise<void> {
    const old = this.adopted.get(unit);
    this.adopted.delete(unit);
    await (this.children.has(unit) ? this.stopChild(this.children.get(unit), graceMs) : stopPid(old?.unit, graceMs));
    await (this.loggers.has(unit) ? this.stopChild(this.loggers.get(unit), graceMs) : stopPid(old?.logger, graceMs));
  }

  private stopChild(child: ChildProcess | undefined, graceMs: number): Promise<void> {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  async close(graceMs = 3000): Promise<void> {
    await Promise.all([...new Set([...this.children.keys(), ...this.loggers.keys(), ...this.adopted.keys()])].map((u) => this.stop(u, graceMs)));
  }

  /** Immediate SIGKILL of everything (failure paths). */
  killAll(): void {
    for (const c of this.children.values()) c.kill('SIGKILL');
    for (const c of this.loggers.values()) c.kill('SIGKILL');
    for (const a of this.adopted.values()) for (const pid of [a.unit, a.logger]) if (pid !== undefined) signal(pid, 'SIGKILL');
  }

  /** Pids of every child not yet exited (starting, ready or stopping). */
  get unitPids(): number[] {
    return [...this.children.values(), ...this.loggers.values()].map((c) => c.pid ?? -1);
  }
}

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // gone already
  }
}

/** A process that is not our child (adopted): SIGTERM, poll until it is gone, SIGKILL after `graceMs`. */
async function stopPid(pid: number | undefined, graceMs: number): Promise<void> {
  if (pid === undefined || !signal(pid, 'SIGTERM')) return;
  const until = Date.now() + graceMs;
  while (signal(pid, 0)) {
    if (Date.now() > until) {
      signal(pid, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
