import { classifyPullAsk } from '../../../../watchdog/state/pull-diagnosis';
import { FlowEntry } from '../../../../watchdog/runtime/flow-entry';
import { newUnitCounters, type UnitCounters } from '../../../../watchdog/runtime/counters';

const T2 = 10_000;

function entry(o: Partial<Pick<FlowEntry<unknown>, 'clock' | 'pushedClock' | 'lastSeenNs' | 'lastTsNs'>>, targets = [3, 4]): FlowEntry<unknown> {
  const e = new FlowEntry<unknown>();
  Object.assign(e, { clock: 9, pushedClock: 0, lastSeenNs: 0, lastTsNs: 0, ...o });
  targets.forEach((t, i) => (e.targets[i] = t));
  e.targetCount = targets.length;
  return e;
}

const ask = (c: UnitCounters) => ({
  behind: c.pullAskBehind, notTarget: c.pullAskNotTarget, pushSent: c.pullAskPushSent,
  idleShort: c.pullAskIdleShort, idleShortGw: c.pullAskIdleShortGw, notSwept: c.pullAskNotSwept,
});
const none = { behind: 0, notTarget: 0, pushSent: 0, idleShort: 0, idleShortGw: 0, notSwept: 0 };

describe('classifyPullAsk: why a peer had to pull a flow from here', () => {
  test.each([
    ['unknown flow: behind', undefined, 3, 5000, -Infinity, { behind: 1 }],
    ['not yet at the asked clock: behind', entry({ clock: 8 }), 3, 5000, -Infinity, { behind: 1 }],
    ['asker not a target', entry({ pushedClock: 9 }), 7, 5000, -Infinity, { notTarget: 1 }],
    ['pushed at that clock already: in flight', entry({ pushedClock: 9 }), 3, 5000, -Infinity, { pushSent: 1 }],
    ['idle here < T/2', entry({ lastSeenNs: 0 }), 4, 5000, 3000, { idleShort: 1 }],
    ['idle here < T/2 but ≥ T/2 on the gateway clock', entry({ lastSeenNs: 0, lastTsNs: 0 }), 4, 5000, T2, { idleShort: 1, idleShortGw: 1 }],
    ['idle ≥ T/2, not swept yet', entry({ lastSeenNs: 0 }), 4, T2, -Infinity, { notSwept: 1 }],
  ] as const)('%s', (_name, e, from, now, gwNow, want) => {
    const c = newUnitCounters();
    classifyPullAsk(e, from, 9, now, gwNow, T2, c);
    expect(ask(c)).toEqual({ ...none, ...want });
  });

  test('a re-pull of the same flow and clock is not counted again', () => {
    const c = newUnitCounters();
    const e = entry({ pushedClock: 9 });
    classifyPullAsk(e, 3, 9, 0, -Infinity, T2, c);
    classifyPullAsk(e, 3, 9, 0, -Infinity, T2, c);
    expect(c.pullAskPushSent).toBe(1);
  });
});
