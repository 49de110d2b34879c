/**
 * Metrics as an operator sees them: a real `snf gateway --metrics-port 0` with real unit
 * processes and `snf replay` traffic, a real Prometheus (Debian's, started on a free port,
 * scraping every second), and queries through its HTTP API that must match the gateway's own
 * stats; `promtool check metrics` over a scrape (no parse error, no lint finding on snf_*; the
 * stock names gateway_service_count and gateway_function_invocation_started are flagged, as expected); and the stock gateway_* series the
 * API reports (started/done/setReplicas), seen through Prometheus with their stock labels.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import { SnfMetrics, startMetricsServer, type MetricsServer } from '../../../gateway/metrics';
import { promtoolCheckMetrics, startPrometheus, type RunningPrometheus } from '../../helpers/prometheus';
import { waitFor } from '../../helpers/services';
import { runSnf, startSnfGateway, stopSnfGateway, type RunningGateway } from '../../helpers/snf-gateway';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..', '..');
const TOKEN = 'e2e-metrics-token';
const FN = 'lb.openfaas-fn';
/** What promtool says about the stock OpenFaaS names (kept on purpose, REFERENCE.md §3). */
const PROM_CLIENT_FINDING = /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;
const STOCK_FINDING = /^(gateway_service_count non-histogram and non-summary metrics should not have "_count" suffix|gateway_function_invocation_started counter metrics should have "_total" suffix)$/;





let gw: RunningGateway | null = null;
let api: MetricsServer | null = null;
let prom: RunningPrometheus | null = null;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
});

afterAll(async () => {
  await prom?.stop();
  await api?.close();
  if (gw) await stopSnfGateway(gw);
});

test('Prometheus scrapes snf gateway: snf_* match the gateway stats, stock series keep their labels, promtool flags only the stock names', async () => {
  gw = await startSnfGateway(TOKEN, ['--metrics-port', '0', '--function', 'lb', '--min-units', '2', '--max-units', '2', '--alerts', 'off']);
  // The API side (gateway/api/ calls these): the stock series through an in-process listener.
  const apiMetrics = new SnfMetrics();
  api = await startMetricsServer({ metrics: apiMetrics, host: '127.0.0.1', port: 0 });
  apiMetrics.started('env.openfaas-fn');
  apiMetrics.done('env.openfaas-fn', 200, 0.012);
  apiMetrics.setReplicas('env.openfaas-fn', 3);

  prom = await startPrometheus({ targets: [`127.0.0.1:${gw.metricsPort}`, `127.0.0.1:${api.port}`] });
  await prom.waitForScrape();

  const health = await fetch(`http://127.0.0.1:${gw.metricsPort}/healthz`);
  expect([health.status, await health.text()]).toEqual([200, 'OK']);

  const r = await runSnf(['replay', '--port', String(gw.port), '--token', TOKEN, '--flows', '40', '--rate', '4000']);
  expect({ code: r.code, err: r.code === 0 ? '' : r.err }).toEqual({ code: 0, err: '' });
  const sent = JSON.parse(r.out).sent as number;
  expect(sent).toBeGreaterThan(200);

  // A scrape can fail on a loaded machine (1 s timeout): the newest sample within a minute.
  const one = async (expr: string): Promise<number | undefined> => (await prom!.query(`last_over_time(${expr}[1m])`))[0]?.value;
  const sel = `{function_name="${FN}"}`;
  // Every packet in and released, seen by Prometheus (scraped every second).
  await waitFor(async () => (await one(`snf_packets_received_total${sel}`)) === sent && (await one(`snf_packets_released_total${sel}`)) === sent, {
    timeoutMs: 30_000, intervalMs: 250, what: `snf_packets_received_total == ${sent} in Prometheus`,
  });
  expect(await one(`snf_active_units${sel}`)).toBe(2);
  await waitFor(async () => (await one(`snf_billed_packets_total${sel}`)) === sent, { timeoutMs: 15_000, intervalMs: 250, what: 'billed packets' });
  await waitFor(async () => (await one(`snf_packets_forwarded_total${sel}`)) !== undefined && (await one(`snf_packets_forwarded_total${sel}`))! > 0, { timeoutMs: 15_000, intervalMs: 250, what: 'forwarded' });
  expect((await prom.query(`last_over_time(snf_unit_utilization${sel}[1m])`)).map((s) => s.metric.unit).sort()).toEqual(['1', '2']);

  // The stock series, with their stock labels, through Prometheus.
  const inv = await prom.query('last_over_time(gateway_function_invocation_total[1m])');
  expect(inv.map((s) => ({ fn: s.metric.function_name, code: s.metric.code, v: s.value }))).toEqual([{ fn: 'env.openfaas-fn', code: '200', v: 1 }]);
  expect(await one('gateway_function_invocation_started{function_name="env.openfaas-fn"}')).toBe(1);
  expect(await one('gateway_service_count{function_name="env.openfaas-fn"}')).toBe(3);
  expect((await prom.query('histogram_quantile(0.5, last_over_time(gateway_functions_seconds_bucket{function_name="env.openfaas-fn",code="200"}[1m]))'))[0]?.value).toBeGreaterThan(0);

  // promtool over each scrape: parse errors fail (exit 1); lint findings only on the stock name.
  for (const url of [`http://127.0.0.1:${gw.metricsPort}/metrics`, `${api.url}/metrics`]) {
    const check = promtoolCheckMetrics(await (await fetch(url)).text());
    expect({ url, code: check.code === 1 ? check.output : 'parsed' }).toEqual({ url, code: 'parsed' });
    expect(check.findings.filter((f) => f.startsWith('snf_'))).toEqual([]);
    // Only the stock names may be flagged (`_count` on a gauge, a counter without `_total`), and
    // prom-client's own nodejs_active_*_total gauges.
    expect(check.findings.filter((f) => !STOCK_FINDING.test(f) && !PROM_CLIENT_FINDING.test(f))).toEqual([]);
  }

  // The gateway's own numbers, printed on SIGTERM, match what Prometheus holds.
  const promIngress = await one(`snf_packets_received_total${sel}`);
  const { stats } = await stopSnfGateway(gw);
  gw = null;
  expect(stats.gateway.ingress).toBe(promIngress);
  expect(stats.gateway.billedPackets).toBe(sent);
  expect(stats.controller.units).toBe(2);
});
