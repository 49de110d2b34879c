/**
 * A `snf gateway` as its own process (from dist/ when built and fresh, else the transpiling dev
 * entry: the same choice the local provider makes for units), for the chaos test that kills the
 * gateway itself. Ready = its start line on stderr naming the stream port; its final stats are
 * the JSON line it writes after a SIGTERM.
 */
import { spawn, type ChildProcess } from 'child_process';
import { snfCommand } from '../../gateway/units/process/local-process-provider';

export interface GatewayProcess {
  child: ChildProcess;
  streamPort: number;
  /** The last stderr text (diagnostics). */
  tail(): string;
  /** SIGTERM, then the stats JSON it printed (null if none) once it exited. */
  stop(timeoutMs?: number): Promise<Record<string, any> | null>;
}

export async function startGatewayProcess(args: readonly string[], env: Record<string, string>, timeoutMs = 90_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...snfCommand(), 'gateway', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let stats: Record<string, any> | null = null;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    err = (err + s).slice(-200_000);
    for (const line of s.split('\n')) if (line.startsWith('{"gateway"')) stats = JSON.parse(line) as Record<string, any>;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const streamPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(`no start line within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`snf gateway: ${why}: ${err.slice(-3000)}`));
    };
    const onData = (): void => {
      const m = /snf gateway: .*stream :(\d+)/.exec(err);
      if (m === null) return;
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      resolve(Number(m[1]));
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code, sig) => fail(`exited (${code ?? sig}) before it listened`));
  });
  return {
    child, streamPort,
    tail: () => err.slice(-4000),
    stop: async (stopMs = 30_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        const t = setTimeout(() => child.kill('SIGKILL'), stopMs);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(t);
      }
      return stats;
    },
  };
}

/** SIGKILL, ignoring processes that are gone. */
export function killHard(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}
