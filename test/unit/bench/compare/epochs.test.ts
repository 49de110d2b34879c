import {
  demandBps, latencyCdfUs, provisionedOverDemand, quantile, samplesToEpochs, unitSeconds, unitsMean,
} from '../../../../bench/compare/epochs';
import { parseProcStat } from '../../../../bench/compare/proc-cpu';
import { parseSnfSample } from '../../../../bench/compare/gateway-process';

describe('bench/compare epoch maths', () => {
  test('demand: IP bytes of the packets due in each 100 ms epoch, as bits/s', () => {
    // 4 packets at 10 pkt/s: due at 0, 100, 200, 300 ms → one per epoch.
    expect(demandBps([100, 200, 300, 400], (i) => i * 1e8)).toEqual([8000, 16000, 24000, 32000]);
    // All due in the first epoch.
    expect(demandBps([100, 100], () => 0)).toEqual([16000]);
    expect(demandBps([], () => 0)).toEqual([]);
  });

  test('quantile: nearest rank', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(quantile([], 0.5)).toBe(0);
  });

  test('provisioned over demand skips epochs without demand and counts those within ±20 %', () => {
    const r = provisionedOverDemand([0, 1, 2, 4, 1], [1, 1, 2, 2, 3]);
    // ratios 1, 1, 0.5, 3 over 4 epochs with demand.
    expect(r.epochs).toBe(4);
    expect(r.p50).toBe(1);
    expect(r.p90).toBe(3);
    expect(r.within).toBe(0.5);
  });

  test('units: time mean and unit-seconds over 100 ms epochs', () => {
    expect(unitsMean([1, 2, 3, 2])).toBe(2);
    expect(unitSeconds([1, 2, 3, 2])).toBe(0.8);
    expect(unitsMean([])).toBe(0);
  });

  test('samples land on the epoch they end (half an epoch of jitter) and carry forward', () => {
    expect(samplesToEpochs([101, 203, 420], [1, 2, 4], 5)).toEqual([1, 2, 2, 4, 4]);
    expect(samplesToEpochs([], [], 2)).toEqual([0, 0]);
  });

  test('latency CDF: ascending, ≤ maxPoints, ends at 1, NaN left out', () => {
    const ns = new Float64Array(1000);
    for (let i = 0; i < 1000; i++) ns[i] = (1000 - i) * 1000; // 1..1000 µs
    ns[7] = NaN;
    const cdf = latencyCdfUs(ns, 200);
    expect(cdf.length).toBe(200);
    expect(cdf[cdf.length - 1]).toEqual([1000, 1]);
    for (let i = 1; i < cdf.length; i++) {
      expect(cdf[i]![0]).toBeGreaterThanOrEqual(cdf[i - 1]![0]);
      expect(cdf[i]![1]).toBeGreaterThan(cdf[i - 1]![1]);
    }
    expect(latencyCdfUs(new Float64Array([NaN]))).toEqual([]);
  });
});

describe('bench/compare readers', () => {
  test('/proc/<pid>/stat: utime + stime and start time, a command with spaces and parentheses', () => {
    const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 25 3 4 20 0 11 0 98765 1000000 5000';
    expect(parseProcStat(line)).toEqual({ ticks: 175, start: 98765 });
    expect(parseProcStat('garbage')).toBeNull();
  });

  test('/proc/self/stat parses', () => {
    const fs = require('fs') as typeof import('fs');
    const t = parseProcStat(fs.readFileSync('/proc/self/stat', 'utf8'));
    expect(t).not.toBeNull();
    expect(t!.ticks).toBeGreaterThan(0);
  });

  test('snf_* scrape: active units (warm standbys added), mean utilization, billed packets', () => {
    const text = [
      '# HELP snf_active_units x', '# TYPE snf_active_units gauge',
      'snf_active_units{function_name="lb.openfaas-fn"} 2',
      'snf_units{function_name="lb.openfaas-fn",state="active"} 2',
      'snf_units{function_name="lb.openfaas-fn",state="standby"} 1',
      'snf_units_started_total{function_name="lb.openfaas-fn"} 7',
      'snf_unit_utilization{function_name="lb.openfaas-fn",unit="1"} 0.5',
      'snf_unit_utilization{function_name="lb.openfaas-fn",unit="2"} 0.25',
      'snf_billed_packets_total{function_name="lb.openfaas-fn"} 1234',
      'snf_billed_cpu_seconds_total{function_name="lb.openfaas-fn"} 9',
    ].join('\n');
    expect(parseSnfSample(text)).toEqual({ activeUnits: 3, utilization: 0.375, billedPackets: 1234 });
  });
});
