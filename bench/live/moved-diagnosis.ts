/**
 * `modes.<m>.movedNotSeamless` of `snf bench live` (issue 12): why moved flowlets did not find
 * their state pushed ahead of them. From the controller (how the flowlet was cut and placed) and
 * the units' STATS (how the state arrived, and, at the unit a flowlet moved away from, what the
 * flow's push was doing when the pull came: watchdog/state/pull-diagnosis.ts).
 */
import type { ControllerCounters } from '../../gateway/controller';
import type { UnitStats } from '../../proto/frames/stats-v1';

export interface MovedDiagnosis {
  moved: number;
  seamless: number;
  /** Cut by size B: no idle gap, nothing pushed before them. */
  bySize: number;
  /** After a timeout, placed on a unit that was not a replication target (prediction miss). */
  notTarget: number;
  /** Released by a push that came after their first packet: how many, mean and max wait (µs). */
  pushLate: { flowlets: number; meanUs: number; maxUs: number };
  /** Pushes that released nothing (older clock than the held packets needed). */
  pushTooOld: number;
  /** Released by a pull. */
  pulled: number;
  /** At the unit pulled from, when the pull arrived (per flow and clock; re-pulls not counted). */
  pullAsk: { behind: number; notTarget: number; pushSent: number; idleShort: number; idleShortGatewayIdle: number; notSwept: number };
  /** Flows pushed on the gateway's clock before they were idle T/2 on the unit's (SNF_IDLE_GATEWAY_CLOCK=1). */
  pushedByGatewayClock: number;
  /**
   * Where proactive pushes spent their time (watchdog/state/push-timing.ts), µs: flows' idle time
   * when their push was placed (gateway's clock; ≈ T/2 by design), the sender's share of the flight
   * (placed → its message handed to the socket), the pushes' flight (placed → applied
   * at the receiver; one host's clock), and the flight of those that released a held flowlet.
   * Percentiles are per unit: each figure is the largest over the units.
   */
  pushPath: { idleAtSendUs: Pct; writeUs: Pct; flightUs: Pct; flightLateUs: Pct; flightMessages: number; unstamped: number };
}

export interface Pct { p50: number; p99: number; max: number }

function worst(perUnit: Record<string, UnitStats>, p50: keyof UnitStats, p99: keyof UnitStats, max: keyof UnitStats): Pct {
  const out = { p50: 0, p99: 0, max: 0 };
  for (const s of Object.values(perUnit)) {
    out.p50 = Math.max(out.p50, s[p50] ?? 0);
    out.p99 = Math.max(out.p99, s[p99] ?? 0);
    out.max = Math.max(out.max, s[max] ?? 0);
  }
  return out;
}

export function movedDiagnosis(ctl: ControllerCounters, total: UnitStats, perUnit: Record<string, UnitStats>): MovedDiagnosis {
  const n = (k: keyof UnitStats) => total[k] ?? 0;
  let maxLate = 0;
  for (const s of Object.values(perUnit)) maxLate = Math.max(maxLate, s.pushLateMaxUs ?? 0);
  const late = n('releasedByPush');
  return {
    moved: ctl.flowletsMoved, seamless: n('seamless'), bySize: ctl.flowletsMovedBySize, notTarget: ctl.flowletsMovedNotTarget,
    pushLate: { flowlets: late, meanUs: late > 0 ? Math.round(n('pushLateUsSum') / late) : 0, maxUs: Math.round(maxLate) },
    pushTooOld: n('pushTooOld'), pulled: n('pulled'),
    pullAsk: {
      behind: n('pullAskBehind'), notTarget: n('pullAskNotTarget'), pushSent: n('pullAskPushSent'),
      idleShort: n('pullAskIdleShort'), idleShortGatewayIdle: n('pullAskIdleShortGw'), notSwept: n('pullAskNotSwept'),
    },
    pushedByGatewayClock: n('pushedByGatewayClock'),
    pushPath: {
      idleAtSendUs: worst(perUnit, 'pushIdleP50Us', 'pushIdleP99Us', 'pushIdleMaxUs'),
      writeUs: worst(perUnit, 'pushWriteP50Us', 'pushWriteP99Us', 'pushWriteMaxUs'),
      flightUs: worst(perUnit, 'pushFlightP50Us', 'pushFlightP99Us', 'pushFlightMaxUs'),
      flightLateUs: worst(perUnit, 'pushFlightLateP50Us', 'pushFlightLateP99Us', 'pushFlightLateMaxUs'),
      flightMessages: n('pushFlightCount'), unstamped: n('pushFlightUnstamped'),
    },
  };
}
