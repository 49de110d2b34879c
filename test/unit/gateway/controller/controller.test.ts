/** Packet tables through the whole controller: expected unit / flowlet / reason per packet. */
import { Controller, parseMode, resolveParams, RouteReason, UnitState } from '../../../../gateway/controller';
import { ConfigError } from '../../../../sdk/errors';
import { flow, MS, replay, US, type Row } from './packet-table';

const pkt = (key: ReturnType<typeof flow>, gap: number, bytes = 1500): Row => ({ key, gap, bytes });

describe('flowlet detection through route()', () => {
  it('size fork at B, timeout at > T, exactly T stays', () => {
    const c = new Controller();
    const rows = [pkt(flow(1), 0)];
    for (let i = 0; i < 9; i++) rows.push(pkt(flow(1), 100 * US)); // 10 × 1500 = B exactly
    rows.push(pkt(flow(1), 100 * US)); // 16,500 > B → size
    rows.push(pkt(flow(1), 501 * US)); // > T → timeout
    rows.push(pkt(flow(1), 500 * US)); // = T → same flowlet
    const seen = replay(c, rows);
    expect(seen.map((s) => s.reason)).toEqual([
      'new-flow', ...Array(9).fill('same-flowlet'), 'size', 'timeout', 'same-flowlet',
    ]);
    expect(seen.map((s) => s.flowletId)).toEqual([1, ...Array(9).fill(1), 2, 3, 3]);
    expect(seen.map((s) => s.clock)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(seen.map((s) => s.prevUnit)).toEqual([-1, ...Array(9).fill(-1), 1, 1, 1]);
    expect(c.counters.flowletsByReason).toEqual([0, 1, 1, 1, 0]);
  });

  it('flowlet-timeout-only never forks on size', () => {
    const c = new Controller({ mode: 'flowlet-timeout-only' });
    const rows = Array.from({ length: 30 }, (_, i) => pkt(flow(1), i === 0 ? 0 : 10 * US));
    expect(new Set(replay(c, rows).map((s) => s.flowletId))).toEqual(new Set([1]));
  });

  it('both directions of a connection are one flow', () => {
    const c = new Controller();
    const seen = replay(c, [pkt(flow(1), 0), pkt(flow(1, true), 10 * US), pkt(flow(2), 10 * US)]);
    expect(seen.map((s) => [s.flowletId, s.clock])).toEqual([[1, 1], [1, 2], [2, 1]]);
    expect(c.flowCount).toBe(2);
  });
});

describe('work assignment through route()', () => {
  it('packs by demand, scales up when nothing fits, reports it', () => {
    const started: number[] = [];
    const c = new Controller({ initialUnits: 2, initialDemandBps: 600e6, countBacklog: false }, { onUnitStart: (u) => started.push(u) });
    const seen = replay(c, [pkt(flow(1), 0), pkt(flow(2), 1 * US), pkt(flow(3), 1 * US)]);
    // 1: both empty → tie → 1. 2: 600+600 > 1000 on unit 1 → 2. 3: neither fits → start 3.
    expect(seen.map((s) => s.unit)).toEqual([1, 2, 3]);
    expect(started).toEqual([1, 2, 3]);
    expect(c.unitLoadBps(1)).toBe(600e6);
    const actions = c.tick(3 * US);
    expect(actions.map((a) => [a.kind, a.unit])).toEqual([['start', 1], ['start', 2], ['start', 3]]);
    expect(c.tick(4 * US)).toEqual([]);
  });

  it('a burst of new flowlets spreads (open demand counted) instead of piling on one unit', () => {
    const burst = Array.from({ length: 25 }, (_, i) => pkt(flow(i), i === 0 ? 0 : 100));
    const counted = new Controller({ initialDemandBps: 100e6, countBacklog: false });
    const units = replay(counted, burst).map((s) => s.unit);
    expect(units.filter((u) => u === 1)).toHaveLength(10);
    expect(units.filter((u) => u === 2)).toHaveLength(10);
    expect(units.filter((u) => u === 3)).toHaveLength(5);
    const meterOnly = new Controller({ initialDemandBps: 100e6, countOpenDemand: false, countBacklog: false });
    expect(new Set(replay(meterOnly, burst).map((s) => s.unit))).toEqual(new Set([1]));
  });

  it('a flowlet\'s measured load is its bytes over the meter window; the next flowlet reserves the EWMA of it', () => {
    // 10 × 1500 B, 100 µs apart, then a 600 µs gap (> T): flowlet 1 measures 120,000 bits / 100 ms
    // = 1.2 Mb/s (its burst rate would be 120 Mb/s). Flowlet 2 reserves 0.5·1.2 + 0.5·10 = 5.6 Mb/s.
    const rows = [pkt(flow(1), 0)];
    for (let i = 0; i < 9; i++) rows.push(pkt(flow(1), 100 * US));
    rows.push(pkt(flow(1), 600 * US));
    const c = new Controller({ countBacklog: false });
    const seen = replay(c, rows);
    expect(seen[10]!.reason).toBe('timeout');
    expect(c.averageFlowletBps).toBeCloseTo(1.2e6, 3);
    expect(c.unitLoadBps(seen[10]!.unit)).toBeCloseTo(5.6e6, 3); // nothing drained: load = open demand
    // (The burst-rate definition, 120 Mb/s here, was the `demandOverMeterWindow: false` ablation,
    // retired after commit f11934b; docs/results-sim.md keeps its figures.)
  });

  it('overloads the least loaded unit (counted) when maxUnits are all full', () => {
    const c = new Controller({ initialUnits: 2, maxUnits: 2, initialDemandBps: 700e6 });
    const seen = replay(c, [pkt(flow(1), 0), pkt(flow(2), 1), pkt(flow(3), 1)]);
    expect(seen.map((s) => s.unit)).toEqual([1, 2, 1]);
    expect(c.counters.overloadAssignments).toBe(1);
    expect(c.decision.overloaded).toBe(true);
  });
});

describe('state metadata and α', () => {
  /**
   * Two units, K = 1. Flow 1's first flowlet lands on unit 1, so its only possible target is 2.
   * Unit 2 then gets a 300 Mb/s drain load. The next flowlet scores unit 1 = 0 + α (previous
   * unit) and unit 2 = 0.3 + α (target) after a timeout, but only 0.3 after a size fork (no idle
   * gap, so nothing was pushed).
   */
  function setup(alpha: number): { c: Controller; t: number } {
    const c = new Controller({ initialUnits: 2, k: 1, alpha, initialDemandBps: 1e6 });
    const first = c.route(flow(1), 1500, 0);
    expect([first.unit, Array.from(first.targets.subarray(0, first.targetCount))]).toEqual([1, [2]]);
    const t = 10 * MS;
    c.onDrained(2, (0.3e9 * 0.01) / 8, t); // 300 Mb/s over the 10 ms since the unit started
    expect(c.unitUtilization(2)).toBeCloseTo(0.3, 6);
    return { c, t };
  }
  it('timeout: the pushed-to target wins and has the state', () => {
    const { c, t } = setup(0.25);
    const d = c.route(flow(1), 1500, t);
    expect([d.reason, d.unit, d.prevUnit, d.hasState]).toEqual([RouteReason.TIMEOUT, 2, 1, true]);
    expect(Array.from(d.targets.subarray(0, d.targetCount))).toEqual([1]); // never the unit itself
    expect(c.counters.flowletsWithState).toBe(1);
  });
  it('size fork: targets hold nothing; α = 0.25 loses to utilization (reactive pull), α = 0.35 keeps the previous unit', () => {
    for (const [alpha, unit, hasState] of [[0.25, 2, false], [0.35, 1, true]] as const) {
      const c = new Controller({ initialUnits: 2, k: 1, alpha, initialDemandBps: 1e6 });
      let d = c.route(flow(1), 1500, 10 * MS - 100 * US);
      expect(d.unit).toBe(1);
      c.onDrained(2, (0.3e9 * 0.01) / 8, 10 * MS - 100 * US);
      for (let i = 1; i <= 10; i++) d = c.route(flow(1), 1500, 10 * MS - 100 * US + i);
      expect([d.reason, d.unit, d.hasState]).toEqual([RouteReason.SIZE, unit, hasState]);
    }
  });
});

describe('scaler and start-up delay', () => {
  it('starts a unit ahead of need, holds its packets until ready, retires it when idle', () => {
    const c = new Controller({ unitStartupNs: 2 * MS, idleRetireNs: 50 * MS, initialDemandBps: 100e6 });
    expect(c.tick(0)).toEqual([{ kind: 'start', unit: 1, atNs: 0, readyAtNs: 0 }]); // initial units are reported too
    c.onDrained(1, (0.95e9 * 0.01) / 8, 10 * MS);
    const actions = c.tick(10 * MS);
    expect(actions).toEqual([{ kind: 'start', unit: 2, atNs: 10 * MS, readyAtNs: 12 * MS }]);
    expect(c.unitState(2)).toBe(UnitState.STARTING);
    expect(c.tick(10 * MS + 1)).toEqual([]); // one start-up at a time
    const d = c.route(flow(1), 1500, 10 * MS + 2);
    expect([d.unit, d.holdUntilNs]).toEqual([2, 12 * MS]);
    expect(Array.from(d.targets.subarray(0, d.targetCount))).toEqual([1]); // only ready units, never the current one
    c.tick(12 * MS);
    expect(c.unitState(2)).toBe(UnitState.ACTIVE);
    expect(c.route(flow(1), 1500, 12 * MS + 1).holdUntilNs).toBeLessThanOrEqual(12 * MS + 1);
    // Nothing routed to unit 2 for > 50 ms → retired; unit 1 (the last) stays.
    const later = c.tick(12 * MS + 51 * MS);
    expect(later.map((a) => [a.kind, a.unit])).toEqual([['stop', 2]]);
    expect(c.unitIds()).toEqual([1]);
    expect(c.tick(10_000 * MS)).toEqual([]);
    expect(c.unitCount).toBe(1);
  });

  it('a floor (OpenFaaS scale-function): units start up to it one per tick and idle ones are not retired below it', () => {
    const c = new Controller({ unitStartupNs: 1 * MS, idleRetireNs: 50 * MS, initialDemandBps: 100e6, maxUnits: 4 });
    c.tick(0);
    c.setFloor(3);
    expect(c.tick(1 * MS).map((a) => [a.kind, a.unit])).toEqual([['start', 2]]);
    expect(c.tick(2 * MS).map((a) => [a.kind, a.unit])).toEqual([['start', 3]]);
    expect(c.tick(3 * MS)).toEqual([]);
    expect(c.tick(1_000 * MS)).toEqual([]); // idle for long: kept at the floor (the bug: retired to 1, restarted, every idleRetireNs)
    expect(c.unitCount).toBe(3);
    c.setFloor(99);
    expect(c.unitFloor).toBe(4); // clamped to maxUnits
    c.setFloor(1);
    expect(c.tick(2_000 * MS).map((a) => [a.kind, a.unit])).toEqual([['stop', 3], ['stop', 2]]);
  });

  it('holdRetiredIds: a retired id is not reused while draining; without it, at once', () => {
    const run = (hold: boolean) => {
      const c = new Controller({ unitStartupNs: 0, idleRetireNs: 50 * MS, initialDemandBps: 100e6, initialUnits: 2, holdRetiredIds: hold });
      c.tick(0);
      c.route(flow(1), 1500, 1 * MS);
      expect(c.tick(100 * MS).map((a) => [a.kind, a.unit])).toEqual([['stop', 2]]);
      // Load on unit 1 that needs a second unit again.
      c.route(flow(1), 1500, 105 * MS);
      c.onDrained(1, (0.99e9 * 0.1) / 8, 110 * MS);
      return { c, started: c.tick(110 * MS).map((a) => [a.kind, a.unit]) };
    };
    expect(run(false).started).toEqual([['start', 2]]); // the simulator: the id is free at once
    const { c, started } = run(true);
    expect(started).toEqual([['start', 3]]); // 2 is still draining
    expect(c.unitState(2)).toBe(UnitState.NONE); // not running: nothing is routed there
    c.unitGone(2);
    c.unitGone(3); // not draining: no effect
    expect(c.unitState(3)).not.toBe(UnitState.NONE);
  });
});

describe('baseline modes', () => {
  it('packet: round robin over ready units, external state', () => {
    const c = new Controller({ mode: 'packet', initialUnits: 3 });
    const seen = replay(c, Array.from({ length: 7 }, (_, i) => pkt(flow(i % 2), 1)));
    expect(seen.map((s) => s.unit)).toEqual([1, 2, 3, 1, 2, 3, 1]);
    expect(c.decision.externalState).toBe(true);
    expect(seen.map((s) => s.clock)).toEqual([1, 1, 2, 2, 3, 3, 4]);
  });

  it('flow: placed once, never moves across timeouts', () => {
    const c = new Controller({ mode: 'flow', initialUnits: 2, initialDemandBps: 600e6 });
    const seen = replay(c, [pkt(flow(1), 0), pkt(flow(2), 1), pkt(flow(1), 2 * MS), pkt(flow(2), 2 * MS)]);
    expect(seen.map((s) => s.unit)).toEqual([1, 2, 1, 2]);
    expect(seen.map((s) => s.newFlowlet)).toEqual([true, true, false, false]);
    expect(seen.map((s) => s.targets.length)).toEqual([0, 0, 0, 0]);
  });

  it('smartflow: an overloaded unit sheds flows at the period, moved packets wait for the state', () => {
    const moves: number[][] = [];
    const c = new Controller(
      { ...parseMode('smartflow:50'), initialUnits: 2, initialDemandBps: 200e6, migrationHoldNs: 300 * US },
      { onFlowMigrate: (_s, from, to, until) => moves.push([from, to, until]) },
    );
    c.tick(0);
    // Four flows of 200 Mb/s estimated: all fit on unit 1.
    let t = 0;
    for (let i = 0; i < 4; i++) expect(c.route(flow(i), 1500, (t += 10 * US)).unit).toBe(1);
    // Unit 1 actually drained 60 Mb in 40 ms: 1.2 Gb/s over the 50 ms window at the rebalance.
    c.onDrained(1, (1.5e9 * 0.04) / 8, 40 * MS);
    for (let i = 0; i < 4; i++) c.route(flow(i), 1500, 40 * MS + i);
    expect(c.tick(49 * MS)).toEqual([]);
    c.tick(50 * MS);
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.every(([from, to, until]) => from === 1 && to === 2 && until === 50 * MS + 300 * US)).toBe(true);
    expect(c.counters.migrations).toBe(moves.length);
    const moved = c.route(flow(0), 1500, 50 * MS + 1);
    expect([moved.unit, moved.prevUnit, moved.holdUntilNs]).toEqual([2, 1, 50 * MS + 300 * US]);
  });
});

describe('flow memory', () => {
  it('evicts the least recently seen flow when full', () => {
    const c = new Controller({ flowTableCapacity: 16 });
    for (let i = 0; i < 100; i++) c.route(flow(i), 100, i);
    expect(c.flowCount).toBe(16);
    expect(c.counters.flowsEvicted).toBe(84);
    expect(c.route(flow(99), 100, 200).reason).toBe(RouteReason.SAME_FLOWLET);
    expect(c.route(flow(0), 100, 201).reason).toBe(RouteReason.NEW_FLOW);
  });
  it('forgets idle flows; their next packet restarts the clock', () => {
    const c = new Controller({ flowIdleExpiryNs: MS });
    c.route(flow(1), 100, 0);
    c.route(flow(1), 100, 1);
    c.tick(3 * MS);
    expect(c.flowCount).toBe(0);
    expect(c.counters.flowsExpired).toBe(1);
    const d = c.route(flow(1), 100, 3 * MS + 1);
    expect([d.reason, d.clock]).toEqual([RouteReason.NEW_FLOW, 1]);
  });
  it('ends flowlets and releases their demand after T even with no further packet', () => {
    const c = new Controller({ initialDemandBps: 100e6, countBacklog: false });
    c.route(flow(1), 100, 0);
    expect(c.units.openFlowlets[1]).toBe(1);
    c.tick(501 * US);
    expect(c.units.openFlowlets[1]).toBe(0);
    expect(c.unitLoadBps(1)).toBe(c.units.meterBps[1]);
  });
});

describe('parameters', () => {
  it('parseMode', () => {
    expect(parseMode('smartflow:50')).toEqual({ mode: 'smartflow', smartflowPeriodNs: 50e6 });
    expect(parseMode('flowlet')).toEqual({ mode: 'flowlet' });
    expect(() => parseMode('smartflow:x')).toThrow(ConfigError);
    expect(() => parseMode('flowlets')).toThrow(/unknown mode/);
  });
  it('resolveParams names the bad field and rejects unknown keys', () => {
    expect(resolveParams({ alpha: 0.5 }).alpha).toBe(0.5);
    expect(() => resolveParams({ alpha: 2 })).toThrow(expect.objectContaining({ field: 'alpha' }));
    expect(() => resolveParams({ k: 1.5 })).toThrow(expect.objectContaining({ field: 'k' }));
    expect(() => resolveParams({ nope: 1 } as never)).toThrow(expect.objectContaining({ field: 'nope' }));
    expect(() => resolveParams({ mode: 'smartflow:50' as never })).toThrow(expect.objectContaining({ field: 'mode' }));
  });
});
