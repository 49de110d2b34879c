/**
 * startOneAtATime (the LIVE profile): no unit starts while a started one is not up yet; flowlets
 * that fit nowhere meanwhile are overload assignments on the running units.
 */
import { Controller } from '../../../../gateway/controller';
import { flow, US } from './packet-table';

/** Every packet of a new flow demands a whole unit: nothing fits anywhere but an empty unit. */
const params = { initialUnits: 1, maxUnits: 8, initialDemandBps: 0.9e9, unitCapacityBps: 1e9, idleRetireNs: 1e12 };

/** New flows at t, t+1 ns, …: all within one flowlet timeout (T = 500 µs), so no flowlet ends. */
function routeNewFlows(c: Controller, from: number, n: number, t: number): number[] {
  const units: number[] = [];
  for (let i = 0; i < n; i++) units.push(c.route(flow(from + i), 1500, t + i).unit);
  return units;
}

describe('startOneAtATime', () => {
  test('off (the simulator): every flowlet that fits nowhere starts a unit, up to the cap', () => {
    const c = new Controller({ ...params, startOneAtATime: false });
    routeNewFlows(c, 0, 10, 10 * US);
    expect(c.counters.unitsStarted).toBe(8);
  });

  test('on: one start in flight; the next only after unitUp', () => {
    const c = new Controller({ ...params, startOneAtATime: true });
    c.unitUp(1); // the initial unit came up
    const first = routeNewFlows(c, 0, 2, 10 * US); // flow 0 fills unit 1, flow 1 starts unit 2
    expect(first).toEqual([1, 2]);
    expect(c.counters.unitsStarted).toBe(2);
    const overloaded = c.counters.overloadAssignments;
    routeNewFlows(c, 10, 5, 20 * US); // unit 2 not up: no more starts, overload assignments instead
    expect(c.counters.unitsStarted).toBe(2);
    expect(c.counters.overloadAssignments).toBe(overloaded + 5);
    c.unitUp(2);
    routeNewFlows(c, 20, 1, 30 * US);
    expect(c.counters.unitsStarted).toBe(3);
  });

  test('a unit that fails before it is up no longer blocks starts; a restarted gateway\'s adopted units are up', () => {
    const c = new Controller({ ...params, startOneAtATime: true });
    expect(c.units.comingUpCount).toBe(1); // the initial unit
    c.unitUp(1);
    routeNewFlows(c, 0, 2, 10 * US);
    expect(c.units.comingUpCount).toBe(1); // unit 2
    c.unitFailed(2, 20 * US);
    expect(c.units.comingUpCount).toBe(0);
    const d = new Controller({ ...params, startOneAtATime: true, initialUnits: 2 });
    expect(d.units.comingUpCount).toBe(2);
    d.resumeUnits([1, 2], 0, 0);
    expect(d.units.comingUpCount).toBe(0);
  });
});
