/**
 * Scaler (§4.2 last paragraph): want a unit ahead of need when every active unit's load
 * (meter + open demand + backlog, the fit test's load) is above `scaleUpUtilization` and none is already starting (one start-up at a time masks the start-up
 * delay without overshooting); retire units routed nothing for `idleRetireNs`, highest id first,
 * never below the floor (at least one unit; more when the operator set one: OpenFaaS
 * scale-function) and never one with open flowlets. Warm standbys (`standbyUnits`) are neither:
 * they take no work, so they neither block nor count here (the controller promotes, tops up and
 * demotes them).
 */
import type { ControllerParams } from './params';
import { UnitState } from './types';
import type { UnitTable } from './units';

export function shouldScaleUp(units: UnitTable, params: ControllerParams): boolean {
  if (units.readyCount === 0 || servingStarting(units) > 0) return false;
  // At maxUnits only a standby that is up can still become a unit.
  if (units.count >= params.maxUnits && units.standbyUpCount() === 0) return false;
  const threshold = params.scaleUpUtilization * params.unitCapacityBps;
  for (let i = 0; i < units.readyCount; i++) {
    if (units.fitLoadBps(units.readyIds[i]!) <= threshold) return false;
  }
  return true;
}

/** Units to retire now, highest id first (written into `out`; returns how many). */
export function unitsToRetire(units: UnitTable, params: ControllerParams, nowNs: number, out: number[], floor = 1): number {
  out.length = 0;
  let remaining = units.count - units.standbyCount;
  const keep = Math.max(1, floor);
  for (let i = units.count - 1; i >= 0 && remaining > keep; i--) {
    const u = units.ids[i]!;
    if (units.state[u] !== UnitState.ACTIVE || units.standby[u] === 1) continue;
    if (units.openFlowlets[u]! > 0) continue;
    if (nowNs - units.lastRoutedNs[u]! <= params.idleRetireNs) continue;
    out.push(u);
    remaining--;
  }
  return out.length;
}

/** Units still starting that are not standbys (a standby starting blocks no scale-up: it is not work capacity yet). */
function servingStarting(units: UnitTable): number {
  if (units.standbyCount === 0) return units.startingCount;
  let n = 0;
  for (let i = 0; i < units.count; i++) {
    const u = units.ids[i]!;
    if (units.state[u] === UnitState.STARTING && units.standby[u] === 0) n++;
  }
  return n;
}
