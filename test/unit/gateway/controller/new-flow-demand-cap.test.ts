/**
 * `newFlowDemandCap` (LIVE 0.25, PAPER 0): a new flow's assumed demand is at most that fraction of
 * a unit's capacity, so a first estimate above a small unit's capacity (snf demo: 10 Mb/s against
 * 4 Mb/s) no longer makes every new flow fit only an empty unit. Pure controller, time as an argument.
 */
import { Controller, type ControllerParams } from '../../../../gateway/controller';
import { LIVE } from '../../../../gateway/profiles';
import { flow, US } from './packet-table';

const base: Partial<ControllerParams> = {
  initialUnits: 1, maxUnits: 8, initialDemandBps: 10e6, unitCapacityBps: 4e6, startOneAtATime: true, awaitUnitUp: true, standbyUnits: 0,
};

function placeNewFlows(c: Controller, n: number): Array<{ unit: number; overloaded: boolean }> {
  c.unitUp(1, 0);
  const out = [];
  for (let i = 0; i < n; i++) {
    const d = c.route(flow(i), 100, (10 + i) * US);
    out.push({ unit: d.unit, overloaded: d.overloaded });
  }
  return out;
}

test('capped at a quarter of the unit: three new flows fit on one unit, no start', () => {
  const c = new Controller({ ...base, newFlowDemandCap: 0.25 });
  expect(placeNewFlows(c, 3)).toEqual(Array(3).fill({ unit: 1, overloaded: false }));
  expect(c.counters.unitsStarted).toBe(1);
  // Five open flowlets of 1 Mb/s exceed the 4 Mb/s unit: by then a second unit was started.
  for (let i = 3; i < 5; i++) c.route(flow(i), 100, (20 + i) * US);
  expect(c.counters.unitsStarted).toBe(2);
});

test('uncapped (the simulator): the first new flow already fits nowhere', () => {
  const c = new Controller({ ...base, newFlowDemandCap: 0 });
  expect(placeNewFlows(c, 1)).toEqual([{ unit: 1, overloaded: true }]);
  expect(c.counters.unitsStarted).toBe(2);
});

test('the LIVE profile caps, the default (PAPER) does not', () => {
  expect(LIVE.controller.newFlowDemandCap).toBe(0.25);
  expect(new Controller({}).params.newFlowDemandCap).toBe(0);
});
