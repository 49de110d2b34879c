/**
 * A real Prometheus (Debian's `prometheus`, installed by scripts/lib/prometheus.sh through
 * `bash scripts/services.sh up`) for metrics tests: started on a free port with a generated
 * config that scrapes one target every second, waited for (/-/ready, then the first scrape),
 * queried through the HTTP API, and stopped (its data dir removed) — also when start-up fails.
 * `promtoolCheckMetrics` runs `promtool check metrics` over a scrape.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor } from './services';

export interface PromSample { metric: Record<string, string>; value: number }

export interface RunningPrometheus {
  readonly url: string;
  readonly pid: number;
  /** Instant query → samples (throws on an API error). */
  query(expr: string): Promise<PromSample[]>;
  /** Waits until every target has been scraped successfully (`up == 1`). */
  waitForScrape(timeoutMs?: number): Promise<void>;
  /** Log lines so far (stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** `host:port` of each /metrics endpoint. */
  targets: string[];
  job?: string;
  scrapeIntervalS?: number;
  readyTimeoutMs?: number;
}

function need(cmd: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  if (r.status !== 0 || p === '') throw new Error(`${cmd} not found: run \`bash scripts/services.sh up\` (installs Debian's prometheus package)`);
  return p;
}

/** A TCP port free on 127.0.0.1 right now (also the chaos tests' own Kafka broker). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(o: StartPrometheusOptions): Promise<RunningPrometheus> {
  const bin = need('prometheus');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-prom-'));
  const job = o.job ?? 'snf';
  const interval = o.scrapeIntervalS ?? 1;
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
    'global:',
    `  scrape_interval: ${interval}s`,
    `  scrape_timeout: ${interval}s`,
    'scrape_configs:',
    `  - job_name: ${job}`,
    '    static_configs:',
    `      - targets: [${o.targets.map((t) => `'${t}'`).join(', ')}]`,
    '',
  ].join('\n'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let stderr = '';
  const child: ChildProcess = spawn(bin, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 64_000) stderr += d;
  });
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitedP;
      clearTimeout(killer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const query = async (expr: string): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`prometheus query ${expr}: ${body.error ?? res.status}`);
    return body.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`prometheus exited during start-up: ${stderr}`);
      return (await fetch(`${url}/-/ready`)).ok;
    }, { timeoutMs: o.readyTimeoutMs ?? 30_000, intervalMs: 100, what: `prometheus ready at ${url}` });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url, pid: child.pid!, query, stop, log: () => stderr,
    waitForScrape: async (timeoutMs = 30_000) => {
      await waitFor(async () => (await query(`up{job="${job}"} == 1`)).length === o.targets.length, {
        timeoutMs, intervalMs: 250, what: `a successful scrape of ${o.targets.join(', ')} (prometheus log: ${stderr.slice(-500)})`,
      });
    },
  };
}

export interface PromtoolResult {
  /** 0 clean, 3 lint findings, 1 parse error (or other failure). */
  code: number;
  output: string;
  /** Lint findings as `<metric> <problem>` lines. */
  findings: string[];
}

/** `promtool check metrics` over a scrape's text. */
export function promtoolCheckMetrics(text: string): PromtoolResult {
  const bin = need('promtool');
  const r = spawnSync(bin, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  const output = `${r.stdout}${r.stderr}`;
  const findings = output.split('\n').map((l) => l.trim()).filter((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]* /.test(l));
  return { code: r.status ?? 1, output, findings };
}
