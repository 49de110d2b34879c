/**
 * `snf bench live` reports where the time goes (issue 12): per-process event-loop delay, GC and CPU
 * per packet, the per-packet breakdown from the units' TIMING frames, the slowest packets, and
 * `knee.<mode>` with `--rates`. Real gateway and unit processes, a small generated trace.
 */
import { runLiveBench } from '../../../bench/live/live-bench';
import { knee } from '../../../bench/live/process-stats';
import { STAGES } from '../../../gateway/dispatch/breakdown';
import { generateTraffic } from '../../../trace/generator';

jest.setTimeout(120_000);

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('modes.<m> carries processes, breakdownUs, movedStateWaitUs and the slowest packets under the documented keys', async () => {
  const trace = generateTraffic({ seed: 3, flows: 60 });
  const out = (await runLiveBench(trace, { function: 'lb', units: 2, rate: 4000, modes: ['flowlet/proactive'], warmupPackets: 0 })) as Obj;
  const m = out.modes['flowlet/proactive'] as Obj;
  expect(m.lost).toBe(0);
  const procs = m.processes as Obj;
  expect(Object.keys(procs)).toContain('gateway');
  const units = Object.keys(procs).filter((k) => k.startsWith('unit'));
  expect(units.length).toBeGreaterThan(0);
  for (const name of ['gateway', ...units]) {
    const p = procs[name];
    for (const q of ['p50', 'p99', 'max']) expect(typeof p.eventLoopDelayUs[q]).toBe('number');
    expect(p.eventLoopDelayUs.max).toBeGreaterThanOrEqual(p.eventLoopDelayUs.p50);
    expect(typeof p.gcPauseMs.total).toBe('number');
    expect(typeof p.gcPauseMs.max).toBe('number');
    expect(p.cpuUsPerPacket).toBeGreaterThan(0);
  }
  const unitPackets = units.reduce((s, u) => s + (procs[u].packets as number), 0);
  expect(unitPackets).toBe(trace.count);
  expect(Object.keys(m.breakdownUs).sort()).toEqual([...STAGES].sort());
  for (const s of STAGES) {
    expect(m.breakdownUs[s].p99).toBeGreaterThanOrEqual(m.breakdownUs[s].p50);
    expect(m.breakdownUs[s].p50).toBeGreaterThanOrEqual(0);
  }
  // Every released packet had its unit-side times (TIMING before EGRESS on the same write).
  expect(m.breakdownPackets).toEqual({ timed: trace.count, untimed: 0 });
  expect(m.breakdownUs.nf.p50).toBeLessThan(m.steadyLatencyUs.p50);
  expect(typeof m.movedStateWaitUs.p50).toBe('number');
  expect(typeof m.movedStateWaitUs.p99).toBe('number');
  expect(m.slowest).toHaveLength(20);
  expect(STAGES).toContain(m.slowest[0].waitedOn);
  expect(m.slowest[0].residenceUs).toBeGreaterThanOrEqual(m.slowest[19].residenceUs);
});

test('knee: the highest rate with steady p99 ≤ 5 ms and nothing lost, stopping at the first rate that fails', () => {
  expect(knee([{ rate: 20000, p99Us: 900, lost: 0 }, { rate: 10000, p99Us: 300, lost: 0 }, { rate: 50000, p99Us: 6000, lost: 0 }])).toBe(20000);
  expect(knee([{ rate: 10000, p99Us: 300, lost: 1 }, { rate: 20000, p99Us: 300, lost: 0 }])).toBe(0);
  expect(knee([])).toBe(0);
});
