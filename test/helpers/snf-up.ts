/**
 * `snf up` as a child process for e2e tests (dist/ through bin/snf.js): started with the given
 * extra arguments on free ports (API and metrics: port 0), resolved once it printed `ready` and
 * the faas-cli login line; `stop()` sends SIGTERM and waits for the exit. State in `stateDir`
 * (REDIS_URL dropped unless kept: snf up would otherwise keep local state in the shared Redis key).
 */
import { spawn, type ChildProcess } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'snf.js');

export interface SnfUp {
  proc: ChildProcess;
  port: number;
  metricsPort: number;
  url: string;
  /** Basic auth header of the generated admin credentials. */
  auth: string;
  password: string;
  err(): string;
  out(): string;
  stop(): Promise<number | null>;
}

/** Runs `snf up` to the end (a start that must fail): exit code and output. */
export function runSnfUp(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [BIN, 'up', '--port', '0', '--metrics-port', '0', ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

export function startSnfUp(stateDir: string, args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}, keepRedis = false): Promise<SnfUp> {
  const env = { ...process.env, ...extraEnv };
  if (!keepRedis) delete env.REDIS_URL;
  const proc = spawn(process.execPath, [BIN, 'up', '--port', '0', '--metrics-port', '0', '--state-dir', stateDir, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  const stop = (): Promise<number | null> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`snf up did not start in 60 s:\n${err}`));
    }, 60_000);
    const check = (): void => {
      const m = /API on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      const mm = /Prometheus metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err);
      const pw = /credentials \(user admin\) in (\S+)/.exec(err);
      if (m && mm && /snf up: ready/.test(err) && /faas-cli login/.test(out)) {
        clearTimeout(timer);
        const given = args.indexOf('--secrets');
        const secrets = pw !== null ? pw[1]! : given >= 0 ? args[given + 1]! : join(stateDir, 'secrets');
        const password = readFileSync(join(secrets, 'basic-auth-password'), 'utf8').trim();
        const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
        resolve({ proc, port: Number(m[1]), metricsPort: Number(mm[1]), url: `http://127.0.0.1:${m[1]}`, auth, password, err: () => err, out: () => out, stop });
      }
    };
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      check();
    });
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      check();
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`snf up exited (${code}) before starting:\n${err}`));
    });
  });
}
