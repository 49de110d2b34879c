import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barChart, cdfChart, lineChart } from '../../../../bench/report/charts';
import { Scale, esc } from '../../../../bench/report/svg';
import { resultsTable } from '../../../../bench/report/table';
import { writeSimReport } from '../../../../bench/report/sim-report';
import { inputFromArrays } from '../../../../bench/sim/input';
import { runModes } from '../../../../bench/sim/compare';
import { simParams } from '../../../../bench/sim/params';

const text = { title: 'T <1>', subtitle: 'trace.pcap · compress ×10', xLabel: 'x', yLabel: 'y' };

function balanced(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trim().endsWith('</svg>')).toBe(true);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
}

describe('report charts', () => {
  it('line, CDF and bar charts are self-contained SVG naming title and subtitle', () => {
    const line = lineChart(text, [{ name: 'a', xs: [0, 1, 2], ys: [1, 3, 2] }, { name: 'b', xs: [0, 2], ys: [0, 5], dashed: true }]);
    balanced(line);
    expect(line).toContain('T &lt;1&gt;');
    expect(line).toContain('trace.pcap · compress ×10');
    expect((line.match(/<polyline/g) ?? []).length).toBe(2);
    const cdf = cdfChart(text, [{ name: 'u', values: [0.5, 0.1, 0.9] }]);
    balanced(cdf);
    const bars = barChart(text, ['p50', 'p99'], [{ name: 'm1', values: [2, 2000] }, { name: 'm2', values: [0, 10] }], { logY: true });
    balanced(bars);
    expect((bars.match(/<rect x=/g) ?? []).length).toBe(1 + 3); // background + three positive bars (0 skipped on log)
  });

  it('scales map the domain onto pixels, log scales by decades', () => {
    const s = new Scale(0, 10, 100, 200);
    expect(s.map(0)).toBe(100);
    expect(s.map(10)).toBe(200);
    const l = new Scale(1, 1000, 0, 300, true);
    expect(l.map(10)).toBeCloseTo(100);
    expect(l.ticks()).toEqual([1, 10, 100, 1000]);
    expect(esc('a&"b')).toBe('a&amp;&quot;b');
  });

  it('writes report.md with the command, params, table and figures of a run', () => {
    const t = Array.from({ length: 200 }, (_, i) => i * 20_000);
    const input = inputFromArrays('tiny', t, t.map(() => 800), t.map((_, i) => i % 7));
    const runs = runModes(input, ['flowlet', 'flow'], {}, simParams({ epochNs: 1e6 }));
    const dir = mkdtempSync(join(tmpdir(), 'snf-report-'));
    const files = writeSimReport(dir, { command: 'snf sim --trace tiny', trace: 'tiny', params: { compress: 1, unitBwBps: 1e9, timeoutUs: 500, sizeKb: 15, alpha: 0.25, k: 3, seed: 1 }, runs });
    expect(readdirSync(dir).sort()).toEqual([...files].sort());
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('snf sim --trace tiny');
    expect(md).toContain('| flowlet | 200 |');
    expect(md).toContain('![');
    for (const f of files.filter((x) => x.endsWith('.svg'))) balanced(readFileSync(join(dir, f), 'utf8'));
    expect(resultsTable([{ label: 'x', result: runs[0].result }]).split('\n')[0]).toContain('p75 µs');
  });
});
