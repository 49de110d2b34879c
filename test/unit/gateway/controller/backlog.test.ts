/** Backlog-aware fit (countBacklog): hand-computed loads, fit, scale-up, drops, and the score that ignores the backlog. */
import { Controller, resolveParams } from '../../../../gateway/controller';
import { leastLoaded, pickUnit } from '../../../../gateway/controller/work-assigner';
import { ConfigError } from '../../../../sdk/errors';
import { flow, MS } from './packet-table';

describe('backlog accounting', () => {
  it('load = meter + open demand + backlog·8/budget, released by drains and drops, never negative', () => {
    const c = new Controller({ backlogBudgetNs: MS, initialDemandBps: 1e6 });
    for (let i = 1; i <= 10; i++) c.route(flow(1), 1000, i);
    // 10,000 B undrained over a 1 ms budget = 80 Mb/s, + 1 Mb/s of open demand, meter 0.
    expect(c.units.backlogBytes[1]).toBe(10_000);
    expect(c.unitLoadBps(1)).toBeCloseTo(81e6, 3);
    // 4,000 B drained at 1 ms: meter 32,000 bits / 1 ms = 32 Mb/s; backlog 6,000 B = 48 Mb/s.
    c.onDrained(1, 4000, MS);
    expect(c.units.meterBps[1]).toBeCloseTo(32e6, 3);
    expect(c.unitLoadBps(1)).toBeCloseTo(32e6 + 1e6 + 48e6, 3);
    expect(c.snapshotUnits(MS)[0]!.backlogBytes).toBe(6000);
    // A refused packet: released from the backlog, the meter unchanged.
    c.onDropped(1, 6000, MS);
    expect(c.units.backlogBytes[1]).toBe(0);
    expect(c.unitLoadBps(1)).toBeCloseTo(33e6, 3);
    expect(c.counters.dropsReleased).toBe(1);
    c.onDrained(1, 1e6, MS); // more credit than was routed (e.g. after a restart): clamps at 0
    expect(c.units.backlogBytes[1]).toBe(0);
  });

  it('the default budget is the meter window (100 ms): 125 KB of backlog reads as 10 Mb/s', () => {
    const c = new Controller();
    c.route(flow(1), 125_000, 0);
    expect(c.unitLoadBps(1)).toBeCloseTo(10e6 + 10e6, 3); // initial demand 10 Mb/s + backlog
    const off = new Controller({ countBacklog: false });
    off.route(flow(1), 125_000, 0);
    expect(off.unitLoadBps(1)).toBeCloseTo(10e6, 3);
  });

  it('a unit whose queue uses its budget does not fit: the next flow goes elsewhere (meter and open demand alone say 1 %)', () => {
    // 125,000 B over a 1 ms budget = 1 Gb/s: unit 1 is full until it drains.
    const c = new Controller({ initialUnits: 2, backlogBudgetNs: MS, initialDemandBps: 1e6 });
    expect(c.route(flow(1), 125_000, 0).unit).toBe(1);
    expect(c.route(flow(2), 100, 1).unit).toBe(2);
    const off = new Controller({ initialUnits: 2, backlogBudgetNs: MS, initialDemandBps: 1e6, countBacklog: false });
    off.route(flow(1), 125_000, 0);
    expect(off.route(flow(2), 100, 1).unit).toBe(1); // best fit by utilization: 0.001 > 0
    // Drained by 5 ms: backlog 0, meter 1 Mbit / 5 ms = 200 Mb/s; unit 1 fits again and, fuller, wins.
    c.onDrained(1, 125_000, 5 * MS);
    expect(c.units.backlogBytes[1]).toBe(0);
    expect(c.route(flow(3), 100, 5 * MS).unit).toBe(1);
  });

  it('the scaler counts the backlog: 115 KB on a 1 ms budget = 920 Mb/s > 90 % starts a unit', () => {
    const c = new Controller({ backlogBudgetNs: MS, initialDemandBps: 1e6 });
    c.tick(0);
    c.route(flow(1), 115_000, 0);
    expect(c.tick(1).map((a) => [a.kind, a.unit])).toEqual([['start', 2]]);
    const off = new Controller({ backlogBudgetNs: MS, initialDemandBps: 1e6, countBacklog: false });
    off.tick(0);
    off.route(flow(1), 115_000, 0);
    expect(off.tick(1)).toEqual([]);
  });

  it('parameters are validated', () => {
    expect(() => resolveParams({ countBacklog: 1 as unknown as boolean })).toThrow(ConfigError);
    expect(() => resolveParams({ backlogBudgetNs: -1 })).toThrow(ConfigError);
    expect(resolveParams().backlogBudgetNs).toBe(0);
    expect(resolveParams().countBacklog).toBe(true);
  });
});

describe('pickUnit with a backlog', () => {
  const ids = Int32Array.from([1, 2, 3]);
  const load = Float64Array.from([0, 0.5e9, 0.2e9, 0.1e9]);
  const backlog = Float64Array.from([0, 0.45e9, 0, 0.6e9]);
  const none = new Uint8Array(4);
  it('the backlog counts in the fit, not in the score', () => {
    // unit 1: 0.5 + 0.45 + 0.1 > 1 → no fit; unit 2: 0.2 + 0.1 fits, score 0.2; unit 3: 0.7 + 0.1 fits, score 0.1 (not 0.7).
    expect(pickUnit(ids, 3, load, 1e9, 0.1e9, none, 0.25, -1, backlog)).toBe(2);
    expect(pickUnit(ids, 3, load, 1e9, 0.1e9, none, 0.25)).toBe(1);
    // With state on 3, 0.1 + 0.25 > 0.2: the backlog did not drown the α bonus.
    expect(pickUnit(ids, 3, load, 1e9, 0.1e9, Uint8Array.from([0, 0, 0, 1]), 0.25, -1, backlog)).toBe(3);
  });
  it('leastLoaded includes the backlog when given', () => {
    expect(leastLoaded(ids, 3, load, backlog)).toBe(2); // 0.95, 0.2, 0.7
    expect(leastLoaded(ids, 3, load)).toBe(3);
  });
});
