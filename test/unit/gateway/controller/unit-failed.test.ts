/**
 * Controller.unitFailed: a dead unit that cannot be replaced under its id leaves the unit set,
 * its id stays held, and each of its flows starts a new flowlet elsewhere at its next packet,
 * naming the dead unit as previous unit (so the next unit pulls from the dead unit's logger).
 * Flows of other units are untouched. Packet table: (flow, gap, bytes) → decision.
 */
import { Controller } from '../../../../gateway/controller';
import { flow, MS, US } from './packet-table';

describe('Controller.unitFailed', () => {
  test('moves the dead unit\'s flows at their next packet; others keep their flowlet', () => {
    const c = new Controller({ initialUnits: 2, maxUnits: 4, alpha: 0, unitCapacityBps: 1e6, initialDemandBps: 8e5, timeoutNs: MS });
    let now = 0;
    const route = (n: number, gap: number) => {
      now += gap;
      const d = c.route(flow(n), 100, now);
      return { unit: d.unit, newFlowlet: d.newFlowlet, prevUnit: d.prevUnit, clock: d.clock, flowletId: d.flowletId };
    };
    const a1 = route(1, 0);
    const b1 = route(2, 10 * US);
    expect(a1.unit).not.toBe(b1.unit); // 0.8 Mb/s each on 1 Mb/s units: one flow per unit
    route(1, 10 * US);
    expect(c.unitFailed(a1.unit, now)).toBe(1);
    expect(c.unitState(a1.unit)).toBe(0);
    expect(c.counters.unitsFailed).toBe(1);
    // Flow 1, 10 µs later (no timeout): a new flowlet on a running unit, previous unit = the dead one, clock goes on.
    const a3 = route(1, 10 * US);
    expect(a3).toMatchObject({ newFlowlet: true, prevUnit: a1.unit, clock: 3 });
    expect(a3.unit).not.toBe(a1.unit);
    expect(a3.flowletId).not.toBe(a1.flowletId);
    // Flow 2 is untouched.
    expect(route(2, 10 * US)).toMatchObject({ unit: b1.unit, newFlowlet: false, flowletId: b1.flowletId, clock: 2 });
    // The dead id is held: a started unit never reuses it.
    expect(c.unitFailed(a1.unit, now)).toBe(0);
    expect(c.startUnit(now, now)).not.toBe(a1.unit);
  });
});
