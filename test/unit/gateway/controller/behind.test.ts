/**
 * avoidBehindUnits (the LIVE profile): a unit whose link has frames waiting in the gateway
 * (Controller.unitBehind, from the link's backpressure) fits no new flowlet while it lasts; the
 * flowlets already on it keep going there. Off (the simulator): the signal is ignored.
 */
import { Controller } from '../../../../gateway/controller';
import { LIVE } from '../../../../gateway/profiles';
import { flow, US } from './packet-table';

/** Two units; each new flow demands a tenth of a unit, so both have room and packing prefers unit 1. */
const params = { initialUnits: 2, maxUnits: 4, initialDemandBps: 0.1e9, unitCapacityBps: 1e9, idleRetireNs: 1e12, alpha: 0 };

describe('avoidBehindUnits', () => {
  test('on: a behind unit gets no new flowlet, its flowlets stay; once caught up it packs again', () => {
    const c = new Controller({ ...params, avoidBehindUnits: true });
    expect(c.route(flow(0), 1500, 10 * US).unit).toBe(1);
    c.unitBehind(1, true);
    expect(c.route(flow(1), 1500, 11 * US).unit).toBe(2);
    // Flow 0's flowlet is still open (within T): it stays on unit 1.
    const d = c.route(flow(0), 1500, 12 * US);
    expect({ unit: d.unit, newFlowlet: d.newFlowlet }).toEqual({ unit: 1, newFlowlet: false });
    expect(c.unitLoadBps(1)).toBeGreaterThanOrEqual(2e9); // the fit load carries the penalty
    c.unitBehind(1, false);
    expect(c.unitLoadBps(1)).toBeLessThan(1e9);
    expect(c.route(flow(2), 1500, 13 * US).unit).toBe(1);
    expect(c.counters.unitsStarted).toBe(2); // unit 2 had room: nothing started
  });

  test('on: with every unit behind, a new flowlet goes where the fallback puts it (no unit is lost)', () => {
    const c = new Controller({ ...params, avoidBehindUnits: true, maxUnits: 2 });
    c.unitBehind(1, true);
    c.unitBehind(2, true);
    const d = c.route(flow(0), 1500, 10 * US);
    expect([1, 2]).toContain(d.unit);
    expect(d.overloaded).toBe(true);
  });

  test('off (DEFAULT_PARAMS, the simulator): unitBehind changes nothing; LIVE turns it on', () => {
    const c = new Controller(params);
    c.route(flow(0), 1500, 10 * US);
    c.unitBehind(1, true);
    expect(c.route(flow(1), 1500, 11 * US).unit).toBe(1);
    expect(c.params.avoidBehindUnits).toBe(false);
    expect(LIVE.controller.avoidBehindUnits).toBe(true);
  });

  test('a unit that fails is not behind any more (the id starts afresh)', () => {
    const c = new Controller({ ...params, avoidBehindUnits: true });
    c.unitBehind(2, true);
    expect(c.units.behindBps[2]).toBe(2e9);
    c.unitFailed(2, 10 * US);
    expect(c.units.behindBps[2]).toBe(0);
    c.unitBehind(2, true); // a late signal for an id that no longer runs is ignored
    expect(c.units.behindBps[2]).toBe(0);
  });
});
