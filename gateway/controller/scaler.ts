/**
 * Scaler (§4.2 last paragraph): start a unit ahead of need when every active unit's load
 * (meter + open demand + backlog, the fit test's load) is above `scaleUpUtilization` and none is already starting (one start-up at a time masks the start-up
 * delay without overshooting); retire units routed nothing for `idleRetireNs`, highest id first,
 * never below the floor (at least one unit; more when the operator set one: OpenFaaS
 * scale-function) and never one with open flowlets.
 */
import type { ControllerParams } from './params';
import { UnitState } from './types';
import type { UnitTable } from './units';

export function shouldScaleUp(units: UnitTable, params: ControllerParams): boolean {
  if (units.startingCount > 0 || units.count >= params.maxUnits || units.readyCount === 0) return false;
  const threshold = params.scaleUpUtilization * params.unitCapacityBps;
  for (let i = 0; i < units.readyCount; i++) {
    if (units.fitLoadBps(units.readyIds[i]!) <= threshold) return false;
  }
  return true;
}

/** Units to retire now, highest id first (written into `out`; returns how many). */
export function unitsToRetire(units: UnitTable, params: ControllerParams, nowNs: number, out: number[], floor = 1): number {
  out.length = 0;
  let remaining = units.count;
  const keep = Math.max(1, floor);
  for (let i = units.count - 1; i >= 0 && remaining > keep; i--) {
    const u = units.ids[i]!;
    if (units.state[u] !== UnitState.ACTIVE) continue;
    if (units.openFlowlets[u]! > 0) continue;
    if (nowNs - units.lastRoutedNs[u]! <= params.idleRetireNs) continue;
    out.push(u);
    remaining--;
  }
  return out.length;
}
