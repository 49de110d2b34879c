/**
 * charts/snf/dashboards/snf.json (the Grafana dashboard the chart ships): every PromQL expression
 * in it parses (promtool check rules over them as recording rules, Grafana's $function and
 * $__rate_interval filled in) and returns data from a real Prometheus (test/helpers/prometheus.ts)
 * scraping a live `snf up` whose function was deployed and invoked.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { udp } from '../../helpers/packets';
import { startPrometheus, type RunningPrometheus } from '../../helpers/prometheus';
import { waitFor } from '../../helpers/services';
import { startSnfUp, type SnfUp } from '../../helpers/snf-up';
import { CHART } from '../../helpers/kube';

jest.setTimeout(300_000);

const dash = JSON.parse(readFileSync(join(CHART, 'dashboards', 'snf.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
const exprs = dash.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr.replaceAll('$function', '.+').replaceAll('$__rate_interval', '1m') })));

describe('the Grafana dashboard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-dash-'));
  let up: SnfUp | undefined;
  let prom: RunningPrometheus | undefined;
  afterAll(async () => {
    await prom?.stop();
    await up?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every expression parses (promtool)', () => {
    expect(exprs.length).toBeGreaterThanOrEqual(14);
    const rules = `groups:\n  - name: snf-dashboard\n    rules:\n${exprs.map((e, i) => `      - record: snf:dashboard:${i}\n        expr: ${JSON.stringify(e.expr)}\n`).join('')}`;
    const file = join(dir, 'rules.yml');
    writeFileSync(file, rules);
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect({ code: r.status, out: r.status === 0 ? '' : `${r.stdout}${r.stderr}` }).toEqual({ code: 0, out: '' });
  });

  it('every expression returns data from Prometheus scraping a live snf up', async () => {
    up = await startSnfUp(join(dir, 'state'));
    const h = { authorization: up.auth };
    const d = await fetch(`${up.url}/system/functions`, { method: 'POST', headers: h, body: JSON.stringify({ service: 'nat', image: 'snf/nat:1' }) });
    expect(d.status).toBe(202);
    prom = await startPrometheus({ targets: [`127.0.0.1:${up.metricsPort}`] });
    await prom.waitForScrape();
    const send = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) expect((await fetch(`${up!.url}/function/nat`, { method: 'POST', body: udp('10.0.0.5', 40000 + i, '198.51.100.7', 53, 'q') })).status).toBe(200);
    };
    await send();
    // rate() needs two scrapes after the traffic: keep traffic going until every panel has data.
    const empty = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const e of exprs) if ((await prom!.query(e.expr)).length === 0) out.push(`${e.panel}: ${e.expr}`);
      return out;
    };
    let missing: string[] = [];
    await waitFor(async () => {
      missing = await empty();
      if (missing.length > 0) await send();
      return missing.length === 0;
    }, { timeoutMs: 90_000, intervalMs: 1000, what: 'data for every dashboard query' }).catch(() => undefined);
    expect(missing).toEqual([]);
  });
});
