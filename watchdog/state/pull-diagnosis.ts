/**
 * Why a peer had to pull a flow from this unit instead of finding it pushed (issue 12): counted
 * once per flow and asked clock when the Pull arrives, before it is answered. Diagnostic only; it
 * changes nothing. The categories (runtime/counters.ts `pullAsk*`), in the order tested:
 *
 *  - behind: this unit has not yet run the packet asked for (its queue is longer than the gap);
 *  - not a target: the asking unit was not among the flow's replication targets (prediction miss,
 *    or the flow's targets changed);
 *  - push sent: the flow was pushed at that clock already (the push was in flight);
 *  - idle short: not pushed, idle here < T/2 (of which "gw": ≥ T/2 on the gateway's clock);
 *  - not swept: idle here ≥ T/2 but the sweep had not run yet.
 */
import type { FlowEntry } from '../runtime/flow-entry';
import type { UnitCounters } from '../runtime/counters';

export function classifyPullAsk<S>(
  e: FlowEntry<S> | undefined, fromUnit: number, minClock: number,
  nowNs: number, gatewayNowNs: number, idlePushNs: number, c: UnitCounters,
): void {
  if (e !== undefined) {
    if (e.pullAskedClock === minClock) return; // a re-pull of the same flowlet: counted already
    e.pullAskedClock = minClock;
  }
  if (e === undefined || e.clock < minClock) {
    c.pullAskBehind++;
    return;
  }
  let target = false;
  for (let i = 0; i < e.targetCount; i++) if (e.targets[i] === fromUnit) target = true;
  if (!target) c.pullAskNotTarget++;
  else if (e.pushedClock >= minClock) c.pullAskPushSent++;
  else if (nowNs - e.lastSeenNs < idlePushNs) {
    c.pullAskIdleShort++;
    if (gatewayNowNs - e.lastTsNs >= idlePushNs) c.pullAskIdleShortGw++;
  } else c.pullAskNotSwept++;
}
