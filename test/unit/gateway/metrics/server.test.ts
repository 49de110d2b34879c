/**
 * The metrics listener on a free loopback port: /metrics in the text format, /healthz as the
 * stock gateway's (GET 200 `OK`, other methods 405), 404 elsewhere, and a failing render answered
 * 500 while the server keeps serving.
 */
import { SnfMetrics, startMetricsServer, type MetricsServer } from '../../../../gateway/metrics';

let server: MetricsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

test('/metrics, /healthz and 404', async () => {
  const m = new SnfMetrics({ processMetrics: false });
  m.done('env.openfaas-fn', 200, 0.01);
  server = await startMetricsServer({ metrics: m, host: '127.0.0.1', port: 0 });
  const r = await fetch(`${server.url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(await r.text()).toContain('gateway_function_invocation_total{function_name="env.openfaas-fn",code="200"} 1');
  const h = await fetch(`${server.url}/healthz`);
  expect([h.status, await h.text()]).toEqual([200, 'OK']);
  expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
  expect((await fetch(`${server.url}/nope`)).status).toBe(404);
});

test('unhealthy probe → 503; a render that throws → 500, and the next scrape works', async () => {
  let fail = true;
  const metrics = {
    contentType: 'text/plain',
    render: () => (fail ? Promise.reject(new Error('boom')) : Promise.resolve('x 1\n')),
  };
  server = await startMetricsServer({ metrics, host: '127.0.0.1', port: 0, health: () => false });
  expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
  const bad = await fetch(`${server.url}/metrics`);
  expect([bad.status, await bad.text()]).toEqual([500, 'metrics: Error: boom\n']);
  fail = false;
  expect(await (await fetch(`${server.url}/metrics`)).text()).toBe('x 1\n');
  expect(server.counters).toEqual({ scrapes: 2, renderErrors: 1 });
});
