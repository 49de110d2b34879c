/**
 * Time-driven state work, run when a batch arrives and on a coarse timer (timers cannot express
 * T/2 = 250 µs on this machine; ARCHITECTURE §7):
 *
 *  - proactive push (paper §5.2.1): each flow idle here for ≥ `idlePushNs` (or, with
 *    `gatewayClock`, idle that long on the gateway's clock and half that here) whose clock moved
 *    since its last push is offered to the state backend (`onIdle`), which decides where it goes
 *    (its K targets, the external store, …) and says whether it took it;
 *  - held packets past `holdTimeoutNs` are given up on; scheduled pulls are fired;
 *  - flows idle for ≥ `evictNs` with nothing held are evicted.
 *
 * Pure: no I/O, time is an argument. Cost is O(flows that crossed a threshold), thanks to the
 * store's ordered lists.
 */
import type { PacketProcessor } from './packet-processor';
import type { FlowEntry } from './flow-entry';

export interface SweepOptions {
  idlePushNs: number;
  evictNs: number;
  /**
   * Also count idleness on the gateway's clock (runtime/gateway-clock.ts): a flow idle ≥
   * `idlePushNs` since its last packet's arrival at the gateway is pushed once it has been idle
   * here for `idlePushNs / 2` (the floor keeps a unit that is behind from pushing every active
   * flow after every batch). Off: this unit's clock only.
   */
  gatewayClock?: boolean;
}

/**
 * Offered a flow idle ≥ T/2 that changed since its last push (at `nowNs`, the sweep's time); true = placed (the flow counts as
 * pushed at its clock), false = nowhere to put it (e.g. no targets, or its value did not encode).
 */
export type IdleSink<S> = (e: FlowEntry<S>, nowNs: number) => boolean;

export function sweep<C, S>(proc: PacketProcessor<C, S>, nowNs: number, opts: SweepOptions, onIdle: IdleSink<S>): void {
  const store = proc.store;
  const T2 = opts.idlePushNs;
  // On the gateway's clock only when it is known (a packet was read) and asked for.
  const gwNow = opts.gatewayClock === true ? proc.gatewayClock.nowNs(nowNs) : -Infinity;
  const floor = gwNow === -Infinity ? T2 : T2 / 2;
  for (let e = store.active.head; e !== null && nowNs - e.lastSeenNs >= floor; e = store.active.head) {
    const byUnit = nowNs - e.lastSeenNs >= T2;
    if (!byUnit && gwNow - e.lastTsNs < T2) break;
    if (e.clock > e.pushedClock && onIdle(e, nowNs)) {
      e.pushedClock = e.clock;
      if (!byUnit) proc.counters.pushedByGatewayClock++;
    }
    store.markIdle(e);
  }
  // Bounded: an entry with held packets is re-queued at the tail rather than evicted.
  let budget = store.idle.size;
  for (let e = store.idle.head; e !== null && budget-- > 0 && nowNs - e.lastSeenNs >= opts.evictNs; e = store.idle.head) {
    if (e.held !== null) {
      store.markIdle(e);
      continue;
    }
    store.evict(e);
    proc.counters.evicted++;
  }
  for (const e of proc.waiting) {
    if (e.held !== null && nowNs - e.held[0]!.heldAtNs >= proc.opts.holdTimeoutNs) proc.giveUp(e, nowNs);
  }
  proc.firePulls(nowNs);
}

/** Every flow with state here (active first, then idle), e.g. for the hand-off on retirement. */
export function forEachFlow<C, S>(proc: PacketProcessor<C, S>, visit: (e: FlowEntry<S>) => void): void {
  for (const list of [proc.store.active, proc.store.idle]) {
    for (let e = list.head; e !== null; e = e.next) if (e.clock > 0) visit(e);
  }
}
