/**
 * LocalProcessProvider: compute units as local `snf watchdog` child processes (ARCHITECTURE §2,
 * "provider: local processes"). A unit is ready when it logs its listening line (pino JSON on
 * stdout, carrying the ports it bound: we pass port 0 so parallel runs never collide).
 * Stop = SIGTERM (the unit pushes its dirty state and drains), SIGKILL after a grace period.
 * Every child is also killed when this process exits, so a failed test leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SnfError } from '../../sdk/errors';
import { unitBaseEnv } from '../unit-env';

export interface UnitEndpoint {
  unit: number;
  host: string;
  /** data-plane TCP port (compute units) or HTTP port (--http units). */
  port: number;
  /** StatePeer gRPC port (compute units), 0 for HTTP units. */
  peerPort: number;
  pid: number;
}

export interface ProviderOptions {
  function: string;
  token: string;
  configFile?: string;
  host?: string;
  /** Extra environment for the units (SNF_IDLE_PUSH_US, SNF_SWEEP_MS, …), on top of unitBaseEnv(process.env). */
  env?: Record<string, string>;
  /** Extra node flags for the units, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (NODE_OPTIONS refuses those). */
  nodeFlags?: readonly string[];
  /** How long a unit may take to come up. */
  startTimeoutMs?: number;
  /** Forward the units' stderr/stdout log lines here (default: dropped after the ready line). */
  onLog?: (unit: number, line: string) => void;
}

/** The package root (the nearest package.json above this file), from the sources or from dist/. */
const ROOT = ((): string => {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return path.join(__dirname, '..', '..');
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
  return [path.join(ROOT, 'gateway', 'process', 'dev-entry.js')];
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

export class LocalProcessProvider {
  private readonly children = new Map<number, ChildProcess>();
  readonly host: string;

  constructor(private readonly opts: ProviderOptions) {
    this.host = opts.host ?? '127.0.0.1';
  }

  /** Starts a data-plane compute unit and resolves with its ports once it listens. */
  startUnit(unit: number): Promise<UnitEndpoint> {
    return this.launch(unit, ['--unit-id', String(unit), '--listen', '0', '--peer-listen', '0'], 'compute unit listening');
  }

  /** Starts an of-watchdog-style HTTP unit (state in Redis): the packet/external baselines. */
  startHttpUnit(unit: number): Promise<UnitEndpoint> {
    return this.launch(unit, ['--http', '0'], 'http mode listening');
  }

  private launch(unit: number, extra: string[], readyMsg: string): Promise<UnitEndpoint> {
    const args = [...snfCommand(), 'watchdog', '--function', this.opts.function, '--token', this.opts.token, ...extra];
    if (this.opts.configFile) args.push('--config', this.opts.configFile);
    const env: Record<string, string> = { ...unitBaseEnv(process.env), SNF_HOST: this.host, SNF_LOCK_FILE: 'off', ...this.opts.env };
    // The ready line is logged at info: a quieter level would hide it.
    if (env.SNF_LOG_LEVEL === 'warn' || env.SNF_LOG_LEVEL === 'error' || env.SNF_LOG_LEVEL === 'silent') env.SNF_LOG_LEVEL = 'info';
    const child = spawn(process.execPath, [...(this.opts.nodeFlags ?? []), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    this.children.set(unit, child);
    return new Promise<UnitEndpoint>((resolve, reject) => {
      let buf = '';
      let ready = false;
      let errText = '';
      const timer = setTimeout(() => fail(`did not report ready within ${this.opts.startTimeoutMs ?? 20000} ms`), this.opts.startTimeoutMs ?? 20000);
      const fail = (why: string) => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new SnfError('SNF_ERR_UNIT_START', `unit ${unit}: ${why}${errText ? `: ${errText.slice(-500)}` : ''}`));
      };
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          this.opts.onLog?.(unit, line);
          if (ready || !line.includes(readyMsg)) continue;
          try {
            const j = JSON.parse(line) as { data?: number; peer?: number; port?: number; pid: number };
            ready = true;
            clearTimeout(timer);
            resolve({ unit, host: this.host, port: j.data ?? j.port ?? 0, peerPort: j.peer ?? 0, pid: child.pid ?? j.pid });
          } catch {
            /* not JSON: keep waiting */
          }
        }
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (s: string) => {
        errText = (errText + s).slice(-4000);
        this.opts.onLog?.(unit, s);
      });
      child.once('error', (err) => fail(String(err)));
      child.once('exit', (code, sig) => {
        this.children.delete(unit);
        fail(`exited (${code ?? sig}) before it was ready`);
      });
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
  stopUnit(unit: number, graceMs = 3000): Promise<void> {
    const child = this.children.get(unit);
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

  async stopAll(graceMs = 3000): Promise<void> {
    await Promise.all([...this.children.keys()].map((u) => this.stopUnit(u, graceMs)));
  }

  /** Immediate SIGKILL of everything (failure paths). */
  killAll(): void {
    for (const c of this.children.values()) c.kill('SIGKILL');
  }

  get unitPids(): number[] {
    return [...this.children.values()].map((c) => c.pid ?? -1);
  }
}
