/**
 * The internal metrics listener (the stock gateway's :8082): GET /metrics → the Prometheus text
 * format of `metrics.render()`, /healthz → 200 `OK` on GET (405 on any other method, as stock;
 * 503 when the `health` probe says not healthy). Anything else: 404. Read/write timeouts 5 s,
 * as stock. A failing render answers 500 and the server keeps serving.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export const DEFAULT_METRICS_PORT = 8082;

export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}

export interface MetricsServerOptions {
  metrics: MetricsSource;
  host?: string;
  /** 0 = any free port. Default 8082. */
  port?: number;
  /** Healthy? Default: always. */
  health?: () => boolean | Promise<boolean>;
}

export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  /** Scrapes that failed to render (answered 500). */
  readonly counters: { scrapes: number; renderErrors: number };
  close(): Promise<void>;
}

const TIMEOUT_MS = 5000;

export async function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const counters = { scrapes: 0, renderErrors: 0 };
  const server = http.createServer((req, res) => void handle(o, counters, req, res));
  server.requestTimeout = TIMEOUT_MS;
  server.headersTimeout = TIMEOUT_MS;
  server.setTimeout(TIMEOUT_MS);
  const host = o.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? DEFAULT_METRICS_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    host, port, url: `http://${urlHost}:${port}`, counters,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function handle(o: MetricsServerOptions, counters: { scrapes: number; renderErrors: number }, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  try {
    if (path === '/healthz') {
      if (req.method !== 'GET') return reply(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
      const ok = o.health ? await o.health() : true;
      return reply(res, ok ? 200 : 503, 'text/plain; charset=utf-8', ok ? 'OK' : 'unhealthy');
    }
    if (path === '/metrics') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
      counters.scrapes++;
      const body = await o.metrics.render();
      return reply(res, 200, o.metrics.contentType, req.method === 'HEAD' ? '' : body);
    }
    reply(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
  } catch (err) {
    counters.renderErrors++;
    reply(res, 500, 'text/plain; charset=utf-8', `metrics: ${String(err)}\n`);
  }
}

function reply(res: http.ServerResponse, code: number, type: string, body: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
