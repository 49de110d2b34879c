/**
 * `/ui/` in a real browser (Debian's chromium through playwright-core) on a real `snf up`, while a
 * real trace (tcpreplay smallFlows, time-compressed ×20) is replayed into a deployed NAT's UDP
 * packet ingress and a few packets go through `/function/nat`: the page loads with no console
 * error and no failed request, lists the function as the portal does, and its live SNF numbers
 * move. The JSON endpoint behind it is checked too (auth, 404, shape). Screenshot:
 * test-artifacts/ui.png.
 */
import { createSocket, type Socket } from 'dgram';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Browser } from 'playwright-core';
import { loadTrace, type LoadedTrace } from '../../../trace/load';
import { requireData } from '../../../trace/data';
import { keepScreenshot, launchChromium, watchedPage } from '../../helpers/browser';
import { udp } from '../../helpers/packets';
import { waitFor } from '../../helpers/services';
import { startSnfUp, type SnfUp } from '../../helpers/snf-up';

jest.setTimeout(120_000);

const TRACE = requireData('traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap');
const SPEED = 20;

/** Sends the trace's packets to host:port as UDP datagrams on the trace's timing ÷ speed, looping. */
function replayUdp(trace: LoadedTrace, port: number, speed: number): { stop: () => void; sent: () => number } {
  const sock: Socket = createSocket('udp4');
  const t0 = process.hrtime.bigint();
  const spanNs = trace.timesNs[trace.count - 1]! + 1e6;
  let i = 0;
  let lap = 0;
  let sent = 0;
  const timer = setInterval(() => {
    const nowNs = Number(process.hrtime.bigint() - t0) * speed;
    while (lap * spanNs + trace.timesNs[i]! <= nowNs) {
      sock.send(trace.bytes.subarray(trace.offsets[i]!, trace.offsets[i]! + trace.lengths[i]!), port, '127.0.0.1');
      sent++;
      if (++i === trace.count) {
        i = 0;
        lap++;
      }
    }
  }, 5);
  return { stop: () => { clearInterval(timer); sock.close(); }, sent: () => sent };
}

(TRACE === null ? describe.skip : describe)('/ui/ in chromium during a live replay through snf up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-ui-e2e-'));
  let up: SnfUp;
  let auth: string;
  let password: string;
  let browser: Browser | undefined;
  let replay: ReturnType<typeof replayUdp> | undefined;
  const url = (p: string): string => `http://127.0.0.1:${up.port}${p}`;
  const api = (p: string, init: RequestInit = {}): Promise<Response> => fetch(url(p), { ...init, headers: { authorization: auth, ...(init.headers ?? {}) } });

  beforeAll(async () => {
    up = await startSnfUp(join(dir, 'state'));
    password = readFileSync(join(dir, 'state', 'secrets', 'basic-auth-password'), 'utf8').trim();
    auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    const deploy = await api('/system/functions', {
      method: 'POST',
      body: JSON.stringify({
        service: 'nat', image: 'snf/nat:0.1.0',
        labels: { 'com.openfaas.scale.min': '1', 'com.openfaas.scale.max': '3' },
        annotations: { 'com.snf.mode': 'flowlet' },
      }),
    });
    expect(deploy.status).toBe(202);
  });
  afterAll(async () => {
    replay?.stop();
    await browser?.close();
    if (up) await up.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the SNF JSON endpoint: behind auth, 404 for an unknown function, the live numbers', async () => {
    expect((await fetch(url('/system/snf/functions/nat'))).status).toBe(401);
    expect((await fetch(url('/ui/'))).status).toBe(401);
    expect((await api('/system/snf/functions/nope')).status).toBe(404);
    const v = (await (await api('/system/snf/functions/nat')).json()) as { units: unknown[] };
    expect(v).toMatchObject({ name: 'nat', namespace: 'openfaas-fn', running: true, packets: { received: 0 } });
    expect(v.units.length).toBeGreaterThanOrEqual(1);
  });

  test('loads with no console error or failed request; the live numbers move while packets flow', async () => {
    const status = (await (await api('/system/function/nat')).json()) as { annotations: Record<string, string> };
    const udpPort = Number(status.annotations['com.snf.udp-port']);
    expect(udpPort).toBeGreaterThan(0);
    replay = replayUdp(loadTrace(TRACE!), udpPort, SPEED);
    for (let k = 0; k < 5; k++) {
      const r = await api('/function/nat', { method: 'POST', body: new Uint8Array(udp('10.0.0.5', 40000 + k, '198.51.100.7', 53, 'ui')) });
      expect(r.status).toBe(200);
    }

    browser = await launchChromium();
    const { page, problems } = await watchedPage(browser, { httpCredentials: { username: 'admin', password, send: 'always' } });
    await page.goto(url('/ui/'), { waitUntil: 'load' });
    const row = page.locator('#functions tbody tr[data-fn="nat"]');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('snf/nat:0.1.0');
    await waitFor(async () => Number(await row.locator('[data-col="invocations"]').textContent()) >= 5, { what: 'invocations ≥ 5 in the functions table', timeoutMs: 15_000 });
    expect(Number(await row.locator('[data-col="replicas"]').textContent())).toBeGreaterThanOrEqual(1);

    const panel = page.locator('#live .fn[data-fn="nat"]');
    const stat = async (key: string): Promise<number> => Number(((await panel.locator(`[data-stat="${key}"]`).textContent()) ?? '').replace(/[,%\s]|\(.*\)/g, ''));
    const first = await waitFor(async () => { const n = await stat('received'); return n > 0 ? n : false; }, { what: 'packets received on the live view', timeoutMs: 20_000 });
    const firstFlowlets = await stat('flowlets');
    await waitFor(async () => (await stat('received')) > first && (await stat('flowlets')) > firstFlowlets, { what: 'received and flowlets to grow on the page', timeoutMs: 20_000 });
    await waitFor(async () => (await stat('packetsPerSec')) > 0 && (await stat('flowletsPerSec')) > 0, { what: 'non-zero packets/s and flowlets/s', timeoutMs: 20_000 });
    expect(await stat('units')).toBeGreaterThanOrEqual(1);
    expect(await panel.locator('.unit').count()).toBeGreaterThanOrEqual(1);
    await waitFor(async () => ((await panel.locator('polyline.pps').getAttribute('points')) ?? '').split(' ').length >= 3, { what: 'a sparkline of ≥ 3 points', timeoutMs: 20_000 });
    expect(replay.sent()).toBeGreaterThan(0);
    await keepScreenshot(page, 'ui');
    expect(problems).toEqual([]);
  });
});
