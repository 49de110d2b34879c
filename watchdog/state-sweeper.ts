/**
 * Time-driven state work, run when a batch arrives and on a coarse timer (timers cannot express
 * T/2 = 250 µs on this machine; ARCHITECTURE §7):
 *
 *  - proactive push (paper §5.2.1): a flow idle here for ≥ `idlePushNs` whose clock moved since
 *    its last push is encoded once and queued for each of its K targets, batched per target;
 *  - held packets past `holdTimeoutNs` are given up on; scheduled pulls are fired;
 *  - flows idle for ≥ `evictNs` with nothing held are evicted.
 *
 * Cost is O(flows that crossed a threshold), thanks to the store's ordered lists.
 */
import type { FlowStateMsg } from '../proto/load';
import type { PacketProcessor } from './packet-processor';
import type { FlowEntry } from './flow-entry';
import { EXTERNAL_TARGET } from './external-state';

export interface SweepOptions {
  idlePushNs: number;
  evictNs: number;
  /** External state mode: every changed idle flow is written to the store (no targets). */
  external?: boolean;
}

/** target unit → flows to push to it. */
export type PushPlan = Map<number, FlowStateMsg[]>;

export function flowStateMsg<S>(e: FlowEntry<S>, value: Buffer): FlowStateMsg {
  return {
    key: { proto: e.proto, srcIp: e.srcIp, srcPort: e.srcPort, dstIp: e.dstIp, dstPort: e.dstPort },
    clock: e.clock,
    present: e.present,
    value,
  };
}

const EMPTY: Buffer = Buffer.alloc(0);

/** The entry's value as pushed bytes (empty when deleted); null, counted, when the codec throws. */
function encodeEntry<C, S>(proc: PacketProcessor<C, S>, e: FlowEntry<S>): Buffer | null {
  if (!e.present) return EMPTY;
  try {
    return proc.codec.encode(e.value as S);
  } catch {
    proc.counters.pushErrors++;
    return null;
  }
}

function addTo(plan: PushPlan, t: number, msg: FlowStateMsg): void {
  let list = plan.get(t);
  if (list === undefined) plan.set(t, (list = []));
  list.push(msg);
}

export function sweep<C, S>(proc: PacketProcessor<C, S>, nowNs: number, opts: SweepOptions): PushPlan {
  const plan: PushPlan = new Map();
  const store = proc.store;
  const self = proc.opts.unitId;
  const external = opts.external === true;
  for (let e = store.active.head; e !== null && nowNs - e.lastSeenNs >= opts.idlePushNs; e = store.active.head) {
    if (e.clock > e.pushedClock && (external || e.targetCount > 0)) {
      const bytes = encodeEntry(proc, e);
      if (bytes !== null) {
        const msg = flowStateMsg(e, bytes);
        if (external) addTo(plan, EXTERNAL_TARGET, msg);
        else for (let i = 0; i < e.targetCount; i++) {
          const t = e.targets[i]!;
          if (t !== self) addTo(plan, t, msg);
        }
        e.pushedClock = e.clock;
      }
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
  return plan;
}

/**
 * Retirement hand-off (SIGTERM, proactive/reactive): every flow this unit holds, to every peer it
 * knows. The gateway's controller hands a retired unit's flows to the lowest remaining unit, which
 * may not be among a flow's K targets (or the targets may be retiring too), so the plan does not
 * rely on targets; receivers drop what is stale by clock. Rare and off the packet path.
 */
export function handOffPlan<C, S>(proc: PacketProcessor<C, S>, peers: readonly number[]): PushPlan {
  const plan: PushPlan = new Map();
  const self = proc.opts.unitId;
  for (const list of [proc.store.active, proc.store.idle]) {
    for (let e = list.head; e !== null; e = e.next) {
      if (e.clock === 0) continue;
      const bytes = encodeEntry(proc, e);
      if (bytes === null) continue;
      const msg = flowStateMsg(e, bytes);
      for (const t of peers) if (t !== self) addTo(plan, t, msg);
      e.pushedClock = e.clock;
    }
  }
  return plan;
}
