import type { PackIndex } from './pack-index';

/**
 * Work assignment (WAM, §4.2 + §5.2.2, Pseudocode 1 lines 26–39): scan units in ascending id; a
 * unit fits iff load + demand ≤ capacity; score = utilization + α·hasState; the maximum wins,
 * ties go to the lowest id (strict `>` while scanning upward). Returns -1 when nothing fits.
 *
 * `backlogBps` (optional, the unit's undrained backlog on the load scale) counts in the fit test
 * but not in the score: a queue says the unit is committed right now, not that it is a fuller bin
 * worth packing onto; scoring it steers flowlets to the most queued unit that still fits (measured
 * on the composite with a 10 ms budget: p50 153 → 88 µs, p99 4.3 → 3.8 ms when left out).
 *
 * `moveCostBps` (optional) is added to the fit load of every unit except `stayUnit`: a moved
 * flowlet cannot start before its flow's outstanding bytes at the old unit drain (the move cost).
 *
 * `pickUnit` is the definition: a linear scan over typed arrays. The controller asks the same
 * question through `pickUnitIndexed`, which answers it in O(log n) from the packer's index
 * (pack-index.ts) and checks the few units that hold the flow's state one by one; a property test
 * holds the two equal. The scan stays for smartflow's periodic rebalancing, which packs against
 * projected loads (bench/assign-bench.ts measures the whole decision).
 */
/** The WAM's score: utilization, plus α where the unit holds the flow's state. */
function unitScore(load: number, invCapacity: number, holdsState: boolean, alpha: number): number {
  return holdsState ? load * invCapacity + alpha : load * invCapacity;
}

export function pickUnit(
  ids: Int32Array,
  count: number,
  loadBps: Float64Array,
  capacityBps: number,
  demandBps: number,
  hasState: Uint8Array,
  alpha: number,
  excludeUnit = -1,
  backlogBps?: Float64Array,
  stayUnit = -1,
  moveCostBps = 0,
): number {
  const limit = capacityBps - demandBps;
  const moveLimit = limit - moveCostBps;
  const inv = 1 / capacityBps;
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < count; i++) {
    const u = ids[i]!;
    const load = loadBps[u]!;
    if ((backlogBps ? load + backlogBps[u]! : load) > (u === stayUnit ? limit : moveLimit) || u === excludeUnit) continue;
    const score = unitScore(load, inv, hasState[u] === 1, alpha);
    if (score > bestScore) {
      bestScore = score;
      best = u;
    }
  }
  return best;
}

/** Least loaded running unit (lowest id on ties), backlog included when given: where work goes when nothing fits and no unit can start. */
export function leastLoaded(ids: Int32Array, count: number, loadBps: Float64Array, backlogBps?: Float64Array): number {
  let best = -1;
  let bestLoad = Infinity;
  for (let i = 0; i < count; i++) {
    const u = ids[i]!;
    const load = backlogBps ? loadBps[u]! + backlogBps[u]! : loadBps[u]!;
    if (load < bestLoad) {
      bestLoad = load;
      best = u;
    }
  }
  return best;
}

/**
 * pickUnit over every running unit, from the packer's index: the best fitting unit by score
 * (without α) from the index, then the units in `stateUnits` (the flow's previous unit and
 * replication targets, marked 1 in `hasState`) and `stayUnit` checked one by one with α and the
 * stay limit. Same result as pickUnit(ids, count, loadBps, …, excludeUnit = -1, backlogBps, …):
 * an unmarked unit can only win with the highest score among those that fit, which the index
 * finds (lowest id on ties), and every marked unit is scored exactly as the scan scores it.
 */
export function pickUnitIndexed(
  index: PackIndex,
  loadBps: Float64Array,
  backlogBps: Float64Array,
  running: (unit: number) => boolean,
  capacityBps: number,
  demandBps: number,
  hasState: Uint8Array,
  alpha: number,
  stateUnits: Int32Array,
  stateUnitCount: number,
  stayUnit = -1,
  moveCostBps = 0,
): number {
  const limit = capacityBps - demandBps;
  const moveLimit = limit - moveCostBps;
  const inv = 1 / capacityBps;
  let best = index.best(moveLimit);
  let bestScore = best < 0 ? -Infinity : unitScore(loadBps[best]!, inv, hasState[best] === 1, alpha);
  for (let i = -1; i < stateUnitCount; i++) {
    const u = i < 0 ? stayUnit : stateUnits[i]!;
    if (u < 0 || u === best || !running(u)) continue;
    const load = loadBps[u]!;
    if (load + backlogBps[u]! > (u === stayUnit ? limit : moveLimit)) continue;
    const score = unitScore(load, inv, hasState[u] === 1, alpha);
    if (score > bestScore || (score === bestScore && u < best)) {
      bestScore = score;
      best = u;
    }
  }
  return best;
}
