/**
 * Smart flow allocation baseline (§9.1, "smartflow:<ms>"): flows are placed once by the same
 * packer and re-balanced every period. Overloaded units (> capacity) shed flows to units they fit
 * on (starting a unit if none fits); under-used units (< consolidateBelowUtilization) are emptied
 * onto lower-id units when all their flows fit, so they go idle and retire. Every move costs the
 * flow a state-migration hold (Controller.moveFlow). Runs inside tick(), never per packet.
 *
 * A flow's weight is its current demand estimate if it sent a packet during the last period, else
 * 0 (it still moves with its unit on consolidation, so the unit can empty).
 */
import type { ControllerParams } from './params';
import type { FlowStore } from './flow-store';
import type { UnitTable } from './units';
import { pickUnit } from './work-assigner';

export interface RebalanceHost {
  readonly params: ControllerParams;
  readonly units: UnitTable;
  readonly flows: FlowStore;
  /** A unit that can take work now when none fits: a promoted standby or a new unit (-1: none). */
  overflowUnit(nowNs: number): number;
  moveFlow(slot: number, to: number, nowNs: number): void;
}

export function rebalance(host: RebalanceHost, nowNs: number): void {
  const { params: p, units: U, flows: f } = host;
  const cap = p.unitCapacityBps;
  const projected = Float64Array.from(U.loadBps); // backlog stays with the unit: fit tests add U.backlogBps
  const noState = new Uint8Array(U.maxUnits + 1);
  const byUnit = groupFlowsByUnit(U, f);
  const weight = (s: number): number => (nowNs - f.lastPktNs[s]! <= p.smartflowPeriodNs ? f.demandBps[s]! : 0);

  // 1. Overload: shed flows until the unit fits its capacity.
  // Only units the packer may use (packIds: no standbys, and with awaitUnitUp only units that are up).
  for (let i = 0; i < U.packCount; i++) {
    const u = U.packIds[i]!;
    const list = byUnit.get(u);
    if (!list) continue;
    for (const s of list) {
      if (projected[u]! <= cap) break;
      const w = weight(s);
      if (w === 0) continue;
      let v = pickUnit(U.packIds, U.packCount, projected, cap, w, noState, 0, u, U.backlogBps);
      if (v < 0) v = host.overflowUnit(nowNs);
      if (v < 0) break;
      host.moveFlow(s, v, nowNs);
      projected[u] = projected[u]! - w;
      projected[v] = projected[v]! + w;
    }
  }

  // 2. Consolidation: highest ids first, onto lower ids only, all or nothing.
  const threshold = p.consolidateBelowUtilization * cap;
  const plan: number[] = [];
  for (let i = U.packCount - 1; i >= 1; i--) {
    const u = U.packIds[i]!;
    const list = byUnit.get(u);
    if (!list || projected[u]! >= threshold) continue;
    plan.length = 0;
    let ok = true;
    for (const s of list) {
      if (f.unit[s] !== u) continue; // already moved in step 1
      const w = weight(s);
      const v = pickUnit(U.packIds, i, projected, cap, w, noState, 0, -1, U.backlogBps);
      if (v < 0) {
        ok = false;
        break;
      }
      projected[v] = projected[v]! + w;
      plan.push(s, v, w);
    }
    if (ok) {
      for (let j = 0; j < plan.length; j += 3) host.moveFlow(plan[j]!, plan[j + 1]!, nowNs);
      projected[u] = 0;
    } else {
      for (let j = 0; j < plan.length; j += 3) projected[plan[j + 1]!] = projected[plan[j + 1]!]! - plan[j + 2]!;
    }
  }
}

function groupFlowsByUnit(U: UnitTable, f: FlowStore): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let s = 0; s < f.slots; s++) {
    if (f.used[s] !== 1) continue;
    const u = f.unit[s]!;
    if (!U.isRunning(u)) continue;
    let list = out.get(u);
    if (!list) out.set(u, (list = []));
    list.push(s);
  }
  return out;
}
