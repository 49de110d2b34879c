/**
 * Named, frozen settings profiles and the ONE owner of every value derived from them. Pure.
 *
 * - `PAPER`: the paper's §9 defaults, which the simulator runs (T = 500 µs, B = 15 KB, α = 0.25,
 *   K = 3, BW_max = 1 Gb/s, meter window 100 ms, …): `DEFAULT_PARAMS` of gateway/controller.
 * - `LIVE`: what the live gateway runs on Node (T = 20 ms, backlog budget 500 ms, idle retire
 *   10 s, and three packer rules that are live-only), each with the measurement that chose it.
 *
 * `unitSettings(params)` derives what the units must be told from the controller's effective
 * settings: the idle push delay T/2 (SNF_IDLE_PUSH_US) and the flow eviction time, expiry +
 * margin (SNF_EVICT_MS). The gateway (unitEnvFor), `snf gateway`, `snf bench live` and the live
 * test harness all take these from here; nobody else divides T by two.
 */
import { DEFAULT_PARAMS, type ControllerParams } from './controller';

export interface Profile {
  readonly name: 'paper' | 'live';
  /** Complete controller parameters (before mode and unit counts, which a run sets). */
  readonly controller: ControllerParams;
}

export const PAPER: Profile = Object.freeze({ name: 'paper', controller: DEFAULT_PARAMS });

/**
 * Live T. The paper's T = 500 µs does not survive Node here: a unit notices idle flows only when a
 * batch arrives or its ≥ 1 ms sweep timer fires, and a push crosses two event loops that, at
 * 50–100 k pkt/s on 2 cores, run late by milliseconds. For the push at T/2 to land before the
 * next flowlet (gap > T), T/2 must exceed that push latency. Measured seamless share of moved
 * flowlets (bench live, lb, smallFlows ×10, 2 units, 300 Mb/s per unit, 100 k pkt/s, 2 runs
 * each, 2026-11-28): T = 5 ms 0.50–0.57, 10 ms 0.47–0.53, 20 ms 0.64–0.65; at 50 k pkt/s and
 * T = 10 ms 0.80–0.85. Live default T = 20 ms (push at 10 ms). Smaller T still works (hold and
 * pull: correct, just not seamless).
 */
const LIVE_TIMEOUT_NS = 20_000_000;

/**
 * Live backlog budget (controller `backlogBudgetNs`; 0 would be the meter window W = 100 ms): a
 * unit whose routed-but-undrained bytes would take this long to drain at its capacity reads as
 * full. Measured (bench live, lb, smallFlows ×10, 2 units, 300 Mb/s per unit, T = 20 ms, 100 k
 * pkt/s, 2026-11-28): 20 ms and W → 90–92 % of flowlets hit the overload fallback, 75–90 k pkt/s
 * delivered, steady p50 0.18–0.46 s; 500 ms → 7–30 % overload, 99.9 k pkt/s, steady p50 1.3 ms
 * in the good runs. Why short budgets fail live: packets held at a unit while their state is
 * pulled are backlog too, so a burst of moves makes every unit look full; the overload fallback
 * ignores where state is, which causes more moves and holds — a feedback loop (reported to the
 * controller's owner). Drain credits are batched (one CREDIT per PACKETS frame and per async state
 * arrival, ≲ 1–2 ms of lag under load), which any budget ≥ 50 ms absorbs (≤ 4 % phantom load).
 */
const LIVE_BACKLOG_BUDGET_NS = 500_000_000;

export const LIVE: Profile = Object.freeze({
  name: 'live',
  controller: Object.freeze({
    ...DEFAULT_PARAMS,
    timeoutNs: LIVE_TIMEOUT_NS,
    backlogBudgetNs: LIVE_BACKLOG_BUDGET_NS,
    // A live unit is a process: starting one costs ~0.5 s, so an idle one is kept for 10 s.
    idleRetireNs: 10e9,
    // Size-forked flowlets have no idle gap and can never be seamless, so live keeps them on
    // their unit while they fit.
    sizeForkStays: true,
    // A retired process still drains for up to seconds: its id is not reused until it exited,
    // and its flows are handed to the lowest remaining unit (test/e2e/live/scaling.test.ts).
    holdRetiredIds: true,
    // When no unit fits, a flow with bytes still queued at its unit stays there instead of moving
    // to the least loaded one (where it would pull and wait for that queue anyway). Measured (bench
    // live, lb, smallFlows ×40, 2 units, 300 Mb/s per unit, 100 k pkt/s, 4 runs per mode,
    // 2026-11-29): reactive steady p99 70–153 → 8–29 ms, external 15–210 → 12–17 ms (it breaks
    // the overload loop described at LIVE_BACKLOG_BUDGET_NS), proactive 3.9–4.0 → 3.8–5.1 ms.
    pendingStaysWhenFull: true,
    // A unit process takes 1–3 s to start (Node, the NF, the warm-up): one start in flight at a
    // time, or the backlog routed to units that are not up yet starts unit after unit, up to the
    // cap (snf demo, 2026-12-03: 1–8 units against ~2 units of demand; docs/results.md §8).
    startOneAtATime: true,
    // A unit still starting takes no flowlets: packets sent to one waited its start-up, 1–15 s on
    // 2 shared cores (the 1.5 s p99 of snf demo, docs/results.md §8.0). Work that fits nowhere
    // goes to a warm standby at once (one kept up, paid for: snf_units{state="standby"}), else
    // overloads a unit that is up until the started one is.
    awaitUnitUp: true,
    standbyUnits: 1,
    // A unit the gateway holds frames back from (link backpressure, gateway/units/unit-link.ts)
    // drains slower than its nominal capacity says: no new flowlet goes there while it is behind.
    avoidBehindUnits: true,
  } satisfies ControllerParams),
});

/** A unit forgets a flow this long after the controller may have (ms). */
export const EVICT_MARGIN_MS = 5000;

export interface UnitSettings {
  /** Push a flow idle this long (ns): T/2, so the state lands before a gap > T ends (the simulator's units). */
  readonly idlePushNs: number;
  /** The same in whole µs, at least 1 (live units: SNF_IDLE_PUSH_US). */
  readonly idlePushUs: number;
  /**
   * Forget a flow idle this long (ms): the controller's flow expiry + margin (SNF_EVICT_MS). A unit
   * must never forget a flow the controller still remembers (its next flowlet could come back with
   * prevUnit = this unit and nobody to pull from).
   */
  readonly evictMs: number;
}

/** The unit settings derived from the controller's effective T and flow expiry. */
export function unitSettings(p: Pick<ControllerParams, 'timeoutNs' | 'flowIdleExpiryNs'>): UnitSettings {
  const idlePushNs = p.timeoutNs / 2;
  return Object.freeze({
    idlePushNs,
    idlePushUs: Math.max(1, Math.round(idlePushNs / 1e3)),
    evictMs: Math.ceil(p.flowIdleExpiryNs / 1e6) + EVICT_MARGIN_MS,
  });
}
