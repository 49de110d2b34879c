/**
 * The live scaler (LIVE profile): `awaitUnitUp` (no flowlet on a unit before it is reported up)
 * and `standbyUnits` (warm units given no work until work fits nowhere, then promoted at once and
 * replaced). Pure controller, time as an argument.
 */
import { Controller, type ControllerParams } from '../../../../gateway/controller';
import { Prng } from '../../../../sdk/prng';
import { flow, MS, US } from './packet-table';

const S = 1e9;
/** Every new flow demands 0.9 of a unit: two never fit on one unit. */
const base: Partial<ControllerParams> = {
  initialUnits: 1, maxUnits: 8, initialDemandBps: 0.9e9, unitCapacityBps: 1e9, idleRetireNs: 10 * S, startOneAtATime: true, awaitUnitUp: true,
};

/** Routes one packet of a new flow `n` at `t`; returns the decision's unit, whether it was an overload, and its targets. */
function newFlow(c: Controller, n: number, t: number): { unit: number; overloaded: boolean; targets: number[] } {
  const d = c.route(flow(n), 1500, t);
  return { unit: d.unit, overloaded: d.overloaded, targets: Array.from(d.targets.subarray(0, d.targetCount)) };
}

describe('awaitUnitUp', () => {
  test('a unit started because nothing fit takes no flowlet until unitUp; meanwhile they overload the units that are up', () => {
    const c = new Controller({ ...base, standbyUnits: 0 });
    c.unitUp(1, 0);
    expect(newFlow(c, 0, 10 * US)).toMatchObject({ unit: 1, overloaded: false });
    // Flow 1 fits nowhere: unit 2 starts, but the flowlet stays on unit 1 (overload).
    expect(newFlow(c, 1, 11 * US)).toMatchObject({ unit: 1, overloaded: true });
    expect(c.counters.unitsStarted).toBe(2);
    expect(c.unitState(2)).toBe(1); // STARTING
    expect(c.unitReadyAtNs(2)).toBe(Infinity);
    for (let i = 2; i < 6; i++) expect(newFlow(c, i, 12 * US + i)).toMatchObject({ unit: 1, overloaded: true });
    expect(c.counters.unitsStarted).toBe(2); // one start in flight
    expect(c.unitStateCounts()).toEqual({ starting: 1, active: 1, standby: 0 });
    c.unitUp(2, 20 * US);
    expect(c.unitReadyAtNs(2)).toBe(20 * US);
    expect(newFlow(c, 6, 21 * US)).toMatchObject({ unit: 2, overloaded: false });
  });

  test('off (the simulator): the started unit takes the flowlet at once', () => {
    const c = new Controller({ ...base, awaitUnitUp: false, standbyUnits: 0 });
    c.unitUp(1, 0);
    newFlow(c, 0, 10 * US);
    expect(newFlow(c, 1, 11 * US)).toMatchObject({ unit: 2, overloaded: false });
  });

  test('a unit the floor started is not packed (nor a replication target) before it is up', () => {
    const c = new Controller({ ...base, standbyUnits: 0, initialDemandBps: 0.1e9 });
    c.unitUp(1, 0);
    c.setFloor(2);
    c.tick(1 * MS);
    expect(c.unitCount).toBe(2);
    for (let i = 0; i < 20; i++) {
      const r = newFlow(c, i, 2 * MS + i * 10 * US);
      expect(r.unit).toBe(1);
      expect(r.targets).not.toContain(2);
    }
    c.unitUp(2, 3 * MS);
    // Up now: a target of flowlets on unit 1 (the only other ready unit).
    expect(newFlow(c, 100, 4 * MS).targets).toEqual([2]);
  });

  test('a unit\'s idle time for retirement counts from when it came up, not from its start', () => {
    const c = new Controller({ ...base, standbyUnits: 0 });
    c.unitUp(1, 0);
    c.setFloor(2);
    c.tick(0);
    c.setFloor(1);
    c.unitUp(2, 20 * S); // a slow start: 20 s > idleRetireNs
    c.route(flow(0), 100, 24 * S); // unit 1 busy (a small flow: demand 0.9 of unit 1 only)
    c.tick(25 * S);
    expect(c.unitIds()).toEqual([1, 2]);
    c.tick(31 * S);
    expect(c.unitIds()).toEqual([1]);
  });
});

describe('standbyUnits', () => {
  test('the constructor starts the standby beside the initial units; it takes no flowlet and no pushed state', () => {
    const c = new Controller({ ...base, standbyUnits: 1, initialDemandBps: 0.1e9 });
    expect(c.counters.unitsStarted).toBe(2);
    expect(c.counters.standbyStarted).toBe(1);
    expect({ units: c.unitCount, standby: c.standbyUnitCount }).toEqual({ units: 1, standby: 1 });
    c.unitUp(1, 0);
    c.unitUp(2, 0);
    expect(c.unitStateCounts()).toEqual({ starting: 0, active: 1, standby: 1 });
    for (let i = 0; i < 8; i++) {
      const r = newFlow(c, i, 10 * US + i);
      expect(r).toMatchObject({ unit: 1, overloaded: false });
      expect(r.targets).toEqual([]); // K' = ready − 1 = 0: the standby is not ready for pushes
    }
    // Idle for ever: a standby is never retired for idleness.
    c.tick(100 * S);
    expect(c.unitIds()).toEqual([1, 2]);
    expect(c.snapshotUnits(100 * S).map((u) => u.state)).toEqual(['active', 'standby']);
  });

  test('work that fits nowhere goes to the standby at once; a replacement starts and is promoted only once up', () => {
    const c = new Controller({ ...base, standbyUnits: 1 });
    c.unitUp(1, 0);
    c.unitUp(2, 0);
    expect(newFlow(c, 0, 10 * US)).toMatchObject({ unit: 1, overloaded: false });
    expect(newFlow(c, 1, 11 * US)).toMatchObject({ unit: 2, overloaded: false });
    expect(c.counters.standbyPromoted).toBe(1);
    expect(c.counters.unitsStarted).toBe(3); // the replacement standby, unit 3
    expect({ units: c.unitCount, standby: c.standbyUnitCount }).toEqual({ units: 2, standby: 1 });
    // Unit 3 is not up: flow 2 fits nowhere and nothing may start (one at a time): overload.
    expect(newFlow(c, 2, 12 * US)).toMatchObject({ overloaded: true });
    expect(c.counters.unitsStarted).toBe(3);
    c.unitUp(3, 20 * US);
    expect(newFlow(c, 3, 21 * US)).toMatchObject({ unit: 3, overloaded: false });
    expect(c.counters.standbyPromoted).toBe(2);
    expect(c.counters.unitsStarted).toBe(4);
  });

  test('a standby counts against maxUnits: promoted at the cap, no replacement; maxUnits 1 has no standby', () => {
    const c = new Controller({ ...base, standbyUnits: 1, maxUnits: 2 });
    c.unitUp(1, 0);
    c.unitUp(2, 0);
    newFlow(c, 0, 10 * US);
    expect(newFlow(c, 1, 11 * US)).toMatchObject({ unit: 2, overloaded: false });
    expect(c.counters.unitsStarted).toBe(2);
    expect(c.standbyUnitCount).toBe(0);
    expect(newFlow(c, 2, 12 * US)).toMatchObject({ overloaded: true });
    const one = new Controller({ ...base, standbyUnits: 1, maxUnits: 1 });
    expect({ started: one.counters.unitsStarted, standby: one.standbyUnitCount }).toEqual({ started: 1, standby: 0 });
  });

  test('the floor and the scaler promote a standby that is up before starting anything', () => {
    const c = new Controller({ ...base, standbyUnits: 1 });
    c.unitUp(1, 0);
    c.unitUp(2, 0);
    c.setFloor(2);
    c.tick(1 * MS);
    expect({ units: c.unitCount, standby: c.standbyUnitCount, promoted: c.counters.standbyPromoted }).toEqual({ units: 2, standby: 1, promoted: 1 });
    expect(c.unitStateCounts()).toEqual({ starting: 0, active: 2, standby: 1 }); // unit 3, the replacement, still starting
    // Scale-up ahead of need: every unit above 90 % (demand 0.95 each).
    const d = new Controller({ ...base, standbyUnits: 1, initialDemandBps: 0.95e9 });
    d.unitUp(1, 0);
    d.unitUp(2, 0);
    newFlow(d, 0, 10 * US);
    d.tick(20 * US);
    expect(d.counters.standbyPromoted).toBe(1);
    expect(d.unitCount).toBe(2);
  });

  test('scale-down: an idle unit becomes the standby while there are too few, else it retires', () => {
    const c = new Controller({ ...base, standbyUnits: 1, maxUnits: 2 });
    c.unitUp(1, 0);
    c.unitUp(2, 0);
    newFlow(c, 0, 10 * US);
    newFlow(c, 1, 11 * US); // promotes unit 2; no replacement at the cap
    expect(c.standbyUnitCount).toBe(0);
    c.tick(12 * S); // both idle > 10 s: unit 2 becomes the standby, unit 1 is the floor
    expect(c.counters.standbyDemoted).toBe(1);
    expect(c.counters.unitsStopped).toBe(0);
    expect({ units: c.unitCount, standby: c.standbyUnitCount }).toEqual({ units: 1, standby: 1 });

    const d = new Controller({ ...base, standbyUnits: 1 });
    d.unitUp(1, 0);
    d.unitUp(2, 0);
    newFlow(d, 0, 10 * US);
    newFlow(d, 1, 11 * US); // promotes unit 2, starts standby 3
    d.unitUp(3, 1 * S);
    d.tick(12 * S); // unit 2 idle: the standby count is full, so it retires
    expect(d.counters.unitsStopped).toBe(1);
    expect(d.unitIds()).toEqual([1, 3]);
    expect(d.standbyUnitCount).toBe(1);
  });

  test('a standby that fails is replaced after a pause, not at every tick', () => {
    const c = new Controller({ ...base, standbyUnits: 1 });
    c.unitUp(1, 0);
    c.unitFailed(2, 1 * MS); // the standby never came up
    c.unitGone(2);
    c.tick(2 * MS);
    c.tick(500 * MS);
    expect({ started: c.counters.unitsStarted, standby: c.standbyUnitCount }).toEqual({ started: 2, standby: 0 });
    c.tick(1002 * MS);
    expect({ started: c.counters.unitsStarted, standby: c.standbyUnitCount }).toEqual({ started: 3, standby: 1 });
  });

  test('ignored in packet mode; a restarted gateway\'s adopted units all take work', () => {
    expect(new Controller({ ...base, mode: 'packet', standbyUnits: 2 }).counters.unitsStarted).toBe(1);
    const c = new Controller({ ...base, standbyUnits: 1 });
    c.resumeUnits([1, 2], 0, 5 * S);
    expect({ units: c.unitCount, standby: c.standbyUnitCount }).toEqual({ units: 2, standby: 0 });
    expect(c.unitStateCounts()).toEqual({ starting: 0, active: 2, standby: 0 });
  });
});

describe('live scaler, random runs', () => {
  test.each([1, 2, 3, 4])('seed %i: no flowlet lands on a unit that is not up or on a standby; units and standbys stay within maxUnits', (seed) => {
    const rng = new Prng(seed);
    const started: number[] = [];
    const up = new Set<number>();
    const c = new Controller({ ...base, maxUnits: 6, initialDemandBps: 0.3e9, standbyUnits: 1, timeoutNs: 2 * MS, idleRetireNs: 50 * MS, holdRetiredIds: true }, {
      onUnitStart: (u) => void started.push(u),
      onUnitStop: (u) => {
        up.delete(u);
        c.unitGone(u);
      },
    });
    let t = 0;
    let checked = 0;
    const bad: string[] = [];
    for (let i = 0; i < 6000; i++) {
      t += Math.floor(rng.next() * 40 * US);
      // Started units come up after a random delay (a few decisions later).
      if (started.length > 0 && rng.next() < 0.02) {
        const u = started.shift()!;
        if (c.unitState(u) !== 0) {
          c.unitUp(u, t);
          up.add(u);
        }
      }
      const d = c.route(flow(Math.floor(rng.next() * 200)), 200 + Math.floor(rng.next() * 1300), t);
      if (d.newFlowlet && up.size > 0) {
        checked++;
        if (!up.has(d.unit) || c.units.standby[d.unit] !== 0) bad.push(`#${i}: unit ${d.unit} up ${up.has(d.unit)} standby ${c.units.standby[d.unit]}`);
      }
      if (rng.next() < 0.5) c.onDrained(d.unit, 1000, t);
      if (i % 25 === 0) c.tick(t);
      if (c.unitCount + c.standbyUnitCount > 6 || c.standbyUnitCount > 1) bad.push(`#${i}: ${c.unitCount} units + ${c.standbyUnitCount} standby`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(500);
    expect(c.counters.standbyPromoted).toBeGreaterThan(0);
  });
});
