/** The demo's side-by-side table: rows, alignment, number formatting, the units sparkline and range, the CPU footnote. */
import { demoTable, DEMO_ROWS, fmtNumber, sparkline } from '../../../../bench/demo/table';
import type { CompareModeResult, CompareModeSeries, CompareResult } from '../../../../bench/compare/types';

const mode = (over: Partial<CompareModeResult>): CompareModeResult => ({
  runtime: 'x', pps: 1993.4, latencyUs: { p50: 224.2, p99: 94_443 }, unitsMean: 1.25, provisionedOverDemand: { p50: 1, p90: 2 },
  billedPackets: 10_020, billedUnitSeconds: 5.1, cpuSeconds: 0.55, lost: 0, reordered: 0, ...over,
});
const series = (units: number[]): CompareModeSeries => ({
  epochMs: 100, tMs: units.map((_, i) => i * 100), demandUnits: units.map(() => 0.1), provisionedUnits: units, utilization: units.map(() => 0.1), latencyCdfUs: [],
});
const result: CompareResult = {
  trace: 'generated:calibrated:smallFlows', offeredPps: 2000, function: 'nat', date: '2026-12-03T00:00:00Z', params: { packets: 10_020 },
  modes: { flowlet: mode({}), packet: mode({ pps: 724, latencyUs: { p50: 43_425, p99: 490_331 }, reordered: 25, billedUnitSeconds: 13.9, lost: 3 }) },
  series: { flowlet: series([...Array(10).fill(1), ...Array(10).fill(2)]), packet: series(Array(30).fill(1)) },
};

describe('demo table', () => {
  test('numbers: thousands separators, 3 significant digits below 100, a dash for non-finite', () => {
    expect(fmtNumber(0)).toBe('0');
    expect(fmtNumber(10_020)).toBe('10,020');
    expect(fmtNumber(1993.4)).toBe('1,993');
    expect(fmtNumber(5.1234)).toBe('5.12');
    expect(fmtNumber(0.55)).toBe('0.55');
    expect(fmtNumber(NaN)).toBe('–');
  });

  test('sparkline: one bar per second (10 epochs), scaled to the max', () => {
    expect(sparkline([...Array(10).fill(1), ...Array(10).fill(2)], 2)).toBe('▅█');
    expect(sparkline([0, 0], 0)).toBe('▁');
    expect(sparkline(Array(1000).fill(1), 1, 10, 24)).toHaveLength(24);
  });

  test('one row per figure, one right-aligned column per mode, headline first', () => {
    const lines = demoTable(result).trimEnd().split('\n');
    expect(lines[0]).toBe('generated:calibrated:smallFlows · 2,000 pkt/s offered · nat · 10,020 packets');
    expect(lines[1]).toMatch(/^\s+SNF \(flowlets\)\s+vanilla \(per-packet HTTP\)$/);
    expect(lines.slice(2).map((l) => l.split(/\s{3,}/)[0])).toEqual([...DEMO_ROWS]);
    const row = (name: string): string[] => lines.find((l) => l.startsWith(name))!.slice(name.length).trim().split(/\s{3,}/);
    expect(row('packets/s')).toEqual(['1,993', '724']);
    expect(row('latency p99 (µs)')).toEqual(['94,443', '490,331']);
    expect(row('reordered')).toEqual(['0', '25']);
    expect(row('lost')).toEqual(['0', '3']);
    expect(row('units over time')).toEqual(['▅█ 1–2, mean 1.5', '▅▅▅ 1–1, mean 1']);
    const width = lines[1]!.length;
    for (const l of lines.slice(2)) expect([...l].length).toBe(width);
  });

  test('the CPU row\'s scope is said under the table when the producer gives it', () => {
    expect(demoTable(result)).not.toContain('CPU seconds:');
    const scoped = { ...result, params: { ...result.params, cpuScope: 'unit processes only' } };
    expect(demoTable(scoped).trimEnd().split('\n').pop()).toBe('CPU seconds: unit processes only.');
  });

  test('a mode that did not run leaves its column out', () => {
    const only = { ...result, modes: { flowlet: result.modes.flowlet! }, series: { flowlet: result.series.flowlet! } };
    expect(demoTable(only)).not.toContain('vanilla');
  });
});
