/**
 * The HTML report writer: figures present and non-empty, text escaped, no script or external
 * reference, empty series turned into a note. The input is built by shape (a ramp), to test the
 * writer; the browser test (test/e2e/browser/) draws a report from a real run.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompareModeResult, CompareModeSeries, CompareResult } from '../../../../../bench/compare/types';
import { writeHtmlReport } from '../../../../../bench/report/html';
import { allocationModes, classifyMode, stateModes } from '../../../../../bench/report/html/modes';

function figures(pps: number, runtime: string): CompareModeResult {
  return {
    pps, latencyUs: { p50: 10, p99: 100 }, unitsMean: 2, provisionedOverDemand: { p50: 1.1, p90: 1.3 },
    billedPackets: pps * 5, billedUnitSeconds: 10, cpuSeconds: 2, lost: 0, reordered: 0, runtime,
  };
}

function ramp(n: number): CompareModeSeries {
  const idx = Array.from({ length: n }, (_, i) => i);
  return {
    epochMs: 100, tMs: idx.map((i) => i * 100), demandUnits: idx.map((i) => i / 10),
    provisionedUnits: idx.map((i) => Math.ceil(i / 10)), utilization: idx.map((i) => (i === 0 ? 0 : (i / 10) / Math.ceil(i / 10))),
    latencyCdfUs: idx.map((i) => [i + 1, (i + 1) / n]),
  };
}

function result(): CompareResult {
  return {
    trace: 'trace/<x>&"y".pcap', offeredPps: 1000, function: 'nat', date: '2025-01-01T00:00:00Z',
    params: { compress: 10, 'T<us>': 500 },
    modes: { flowlet: figures(1000, 'snf'), 'flowlet/reactive': figures(900, 'snf'), flow: figures(800, 'snf'), packet: figures(100, 'of-watchdog <0.11.6>') },
    series: { flowlet: ramp(50), 'flowlet/reactive': ramp(40), flow: ramp(30), packet: { ...ramp(0) } },
  };
}

describe('writeHtmlReport', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'snf-html-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes a self-contained page with every figure drawn and text escaped', async () => {
    const path = await writeHtmlReport(result(), join(dir, 'report'));
    expect(path).toBe(join(dir, 'report', 'index.html'));
    const html = readFileSync(path, 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/i);
    expect(html).toContain('trace/&lt;x&gt;&amp;&quot;y&quot;.pcap');
    expect(html).toContain('of-watchdog &lt;0.11.6&gt;');
    expect(html).toContain('T&lt;us&gt; 500');
    for (const id of ['fig1-provisioning-flowlet', 'fig1-provisioning-flowlet_reactive', 'fig2-utilization-cdf', 'fig3-latency-by-allocation', 'fig4-latency-by-state']) {
      const fig = html.slice(html.indexOf(`<figure id="${id}"`));
      expect(fig.slice(0, fig.indexOf('</figure>'))).toMatch(/<svg[\s\S]*<path d="M[\d.]+ [\d.]+L/);
      expect(existsSync(join(dir, 'report', `${id}.svg`))).toBe(true);
    }
    expect(html).toMatch(/<figure id="fig1-provisioning-packet" class="chart empty"><p class="note">No data: no time series/);
    expect(JSON.parse(readFileSync(join(dir, 'report', 'result.json'), 'utf8')).modes.flow.pps).toBe(800);
    expect(html).toContain('<table id="comparison">');
  });
});

describe('mode classes', () => {
  test('allocation figure takes default-state modes once; state figure the flowlet ones', () => {
    const keys = ['flowlet', 'flowlet/reactive', 'flowlet/external', 'flow', 'smartflow:50', 'packet', 'proactive', 'odd'];
    expect(allocationModes(keys)).toEqual(['flowlet', 'flow', 'smartflow:50', 'packet', 'odd']);
    expect(stateModes(keys)).toEqual(['flowlet', 'flowlet/reactive', 'flowlet/external', 'proactive']);
    expect(classifyMode('reactive')).toMatchObject({ allocation: 'flowlet', state: 'reactive', defaultState: false });
  });
});
