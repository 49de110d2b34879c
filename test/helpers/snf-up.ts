/**
 * `snf up` as a child process for e2e tests (bin/snf.js, so dist/ must be built): API and
 * metrics on free ports, state in the test's own directory, REDIS_URL unset so the state stays
 * in the test's own file (with REDIS_URL, snf up keeps it in the shared key snf:up:state and a
 * later run would find this run's functions). Resolves once `snf up: ready` and the faas-cli
 * login line are printed.
 */
import { spawn, type ChildProcess } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'snf.js');

export interface SnfUp { proc: ChildProcess; port: number; metricsPort: number; err: () => string; out: () => string }

export function startSnfUp(stateDir: string): Promise<SnfUp> {
  const env = { ...process.env };
  delete env.REDIS_URL;
  const proc = spawn(process.execPath, [BIN, 'up', '--port', '0', '--metrics-port', '0', '--state-dir', stateDir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`snf up did not start in 60 s:\n${err}`)), 60_000);
    const check = (): void => {
      const m = /API on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      const mm = /Prometheus metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err);
      if (m && mm && /snf up: ready/.test(err) && /faas-cli login/.test(out)) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), metricsPort: Number(mm[1]), err: () => err, out: () => out });
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
    proc.once('exit', (code) => reject(new Error(`snf up exited (${code}) before starting:\n${err}`)));
  });
}

/** SIGTERM and wait for the exit code (at once when it already exited). */
export async function stopSnfUp(up: SnfUp): Promise<number | null> {
  if (up.proc.exitCode !== null) return up.proc.exitCode;
  const exited = new Promise<number | null>((r) => up.proc.once('exit', (code) => r(code)));
  up.proc.kill('SIGTERM');
  return exited;
}
