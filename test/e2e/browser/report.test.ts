/**
 * The comparison report in a real browser: a short REAL comparison run (bench/compare's
 * runCompare: fresh `snf gateway` processes and units, the first 3,000 packets of tcpreplay's
 * smallFlows at 1,000 pkt/s, SNF flowlet/proactive against per-packet `packet`), written by
 * writeHtmlReport into test-artifacts/report/, opened from disk in Debian's chromium. The page
 * loads with no console error and no failed request, every figure is drawn with data, and the
 * table has a row per mode with the run's own numbers. Screenshot: test-artifacts/report.png.
 */
import { rmSync } from 'fs';
import { join } from 'path';
import { pathToFileURL } from 'url';
import type { Browser } from 'playwright-core';
import { runCompare, type CompareResult } from '../../../bench/compare';
import { writeHtmlReport } from '../../../bench/report/html';
import { requireData } from '../../../trace/data';
import { loadTrace } from '../../../trace/load';
import { ARTIFACTS, keepScreenshot, launchChromium, watchedPage } from '../../helpers/browser';

jest.setTimeout(180_000);

const TRACE = requireData('traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap');
const MODES = ['flowlet/proactive', 'packet'];

(TRACE === null ? describe.skip : describe)('the comparison report in chromium', () => {
  let browser: Browser | undefined;
  let result: CompareResult;
  let index: string;
  afterAll(async () => {
    await browser?.close();
  });

  test('a real two-mode run written as a report', async () => {
    result = await runCompare({ trace: loadTrace(TRACE!, { limit: 3000 }), function: 'nat', modes: MODES, rate: 1000 });
    expect(Object.keys(result.modes)).toEqual(MODES);
    for (const m of MODES) expect(result.modes[m]!.pps).toBeGreaterThan(0);
    const dir = join(ARTIFACTS, 'report');
    rmSync(dir, { recursive: true, force: true });
    index = await writeHtmlReport(result, dir);
    expect(index).toBe(join(dir, 'index.html'));
  });

  test('loads with no console error or failed request; every figure has data', async () => {
    browser = await launchChromium();
    const { page, problems } = await watchedPage(browser);
    await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
    expect(await page.locator('figure.chart.empty').count()).toBe(0);
    const figures = page.locator('figure.chart');
    // one provisioning panel per mode, then utilization and the two latency CDFs
    expect(await figures.count()).toBe(MODES.length + 3);
    for (let i = 0; i < (await figures.count()); i++) {
      const fig = figures.nth(i);
      const id = await fig.getAttribute('id');
      // A data line is a path of ≥ 3 segments (axes and grid lines are single segments).
      const lines = await fig.locator('svg path').evaluateAll((ps) => ps.filter((p) => ((p.getAttribute('d') ?? '').match(/L/g) ?? []).length >= 3).length);
      expect({ id, lines: lines >= 1 }).toEqual({ id, lines: true });
      expect(await fig.locator('figcaption').textContent()).toContain(`trace ${result.trace}`);
    }
    const lat = await page.locator('#fig3-latency-by-allocation svg path').evaluateAll((ps) => ps.filter((p) => ((p.getAttribute('d') ?? '').match(/L/g) ?? []).length >= 3).length);
    expect(lat).toBeGreaterThanOrEqual(MODES.length);
    const rows = page.locator('#comparison tbody tr');
    expect(await rows.count()).toBe(MODES.length);
    for (const [i, m] of MODES.entries()) {
      expect(await rows.nth(i).locator('th').textContent()).toBe(m);
      const pps = Number((await rows.nth(i).locator('td').nth(1).textContent())!.replace(/,/g, ''));
      expect(Math.abs(pps - result.modes[m]!.pps)).toBeLessThanOrEqual(0.01 * result.modes[m]!.pps);
    }
    await keepScreenshot(page, 'report');
    expect(problems).toEqual([]);
  });
});
