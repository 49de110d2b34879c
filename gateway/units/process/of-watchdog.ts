/**
 * The stock OpenFaaS function path for the `packet` baseline: the real of-watchdog (0.11.6, http
 * mode; REFERENCE.md §4) forks `snf watchdog --function <nf> --http <upstream>` once and reverse-
 * proxies every request to it. of-watchdog writes no ready record, so readiness is its
 * `/_/health` answering 200 (listener up, lock file written) and the upstream accepting TCP.
 * Settings it needs: `mode=http`, `port`, `upstream_url`, `fprocess` (split on spaces: the paths
 * must hold none), a TMPDIR of its own (the lock file `$TMPDIR/.lock`), a short
 * `healthcheck_interval`/`write_timeout` so SIGTERM drains in ~1 s rather than 10 s. Its metrics
 * listener is fixed on :8081, so one of-watchdog per host (gateway/config.ts enforces one unit).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** A port the OS calls free now (bound to 0 and released; a race is possible but rare). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export interface OfWatchdogLaunch {
  /** argv of the of-watchdog itself (no arguments: it reads its environment). */
  argv: string[];
  env: Record<string, string>;
  /** Where the gateway sends requests. */
  port: number;
  upstream: number;
  tmpDir: string;
}

/** The of-watchdog's command and environment in front of `snf watchdog --http <upstream>`. */
export async function ofWatchdogLaunch(binary: string, host: string, unitArgv: readonly string[], baseEnv: Record<string, string>): Promise<OfWatchdogLaunch> {
  const spaced = unitArgv.find((a) => /\s/.test(a));
  if (spaced !== undefined) throw new Error(`of-watchdog splits fprocess on spaces; "${spaced}" holds one`);
  const port = await freePort(host);
  const upstream = await freePort(host);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-ofwd-'));
  const env: Record<string, string> = {
    ...baseEnv,
    mode: 'http', port: String(port), upstream_url: `http://${host}:${upstream}`,
    fprocess: [...unitArgv, '--http', String(upstream)].join(' '),
    TMPDIR: tmpDir, healthcheck_interval: '100ms', write_timeout: '1s', read_timeout: '10s', exec_timeout: '10s', prefix_logs: 'false',
  };
  return { argv: [binary], env, port, upstream, tmpDir };
}

function healthy(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/_/health', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Polls (every 50 ms) until the watchdog is healthy and its upstream listens; false if `alive()` turns false first. */
export async function waitOfWatchdogReady(l: OfWatchdogLaunch, host: string, alive: () => boolean): Promise<boolean> {
  while (alive()) {
    if ((await healthy(host, l.port)) && (await accepts(host, l.upstream))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
