/**
 * The built `snf` CLI as child processes for e2e tests (dist/ through bin/snf.js): one command run
 * to its end, and `snf gateway` started on free ports and stopped with its final stats line.
 */
import { spawn, type ChildProcess } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'snf.js');

/** Runs `snf <args>` to its end (SIGKILL after `timeoutMs`): exit code (-1 when killed), stdout, stderr. */
export function runSnf(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 110_000): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

export interface RunningGateway {
  proc: ChildProcess;
  err: () => string;
  port: number;
  /** 0 unless started with --udp. */
  udpPort: number;
  /** 0 unless started with --metrics-port. */
  metricsPort: number;
}

/** `snf gateway --token <token> --listen 0 <args>`, resolved once its start line names its ports. */
export function startSnfGateway(token: string, args: string[]): Promise<RunningGateway> {
  const proc = spawn(process.execPath, [BIN, 'gateway', '--token', token, '--listen', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in 30 s:\n${err}`)), 30_000);
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const line = /^.*stream :(\d+).*$/m.exec(err);
      if (line === null || !err.slice(line.index).includes('\n')) return; // the whole start line
      clearTimeout(timer);
      const port = (re: RegExp): number => Number(re.exec(line[0])?.[1] ?? 0);
      resolve({ proc, err: () => err, port: Number(line[1]), udpPort: port(/udp :(\d+)/), metricsPort: port(/metrics :(\d+)/) });
    });
    proc.once('exit', (code) => reject(new Error(`gateway exited (${code}) before starting:\n${err}`)));
  });
}

/** SIGTERM, then the exit code and the stats line the gateway prints last ({} when it had exited). */
export function stopSnfGateway(g: RunningGateway): Promise<{ code: number | null; stats: Record<string, any> }> {
  return new Promise((resolve) => {
    if (g.proc.exitCode !== null) return resolve({ code: g.proc.exitCode, stats: {} });
    g.proc.once('exit', (code) => resolve({ code, stats: JSON.parse(g.err().trim().split('\n').pop() ?? '{}') }));
    g.proc.kill('SIGTERM');
  });
}
