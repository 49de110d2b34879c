/**
 * The logger's StatePeer service: a recovery unit pulls a dead unit's flows from that unit's
 * logger exactly as it pulls from a live peer (the gateway points the dead unit's peer address at
 * its logger), so the unit's fetch path needs no logger mode.
 *
 * Pulls are answered from the mirror with the same per-flow rule as a unit's
 * (state/peer-service.ts): a Pull waits (up to `pullWaitMs`) only while none of its flows reached
 * the asked clock; once the unit is gone (`final`) the mirror will not change any more, so every
 * Pull is answered at once with what is here. Pushes to a logger are refused (counted): only its
 * unit writes its mirror.
 */
import type { PullItemMsg, PullReplyMsg, PullRequestMsg, PushReplyMsg, PushRequestMsg } from '../../proto/load';
import type { Mirror } from './mirror';

interface Waiter { req: PullRequestMsg; resolve: (r: PullReplyMsg) => void; timer: NodeJS.Timeout }

export interface MirrorServiceCounters {
  pullsServed: number;
  pullFlowsServed: number;
  pullFlowsNotYet: number;
  pullFlowsUnknown: number;
  pushesRefused: number;
}

export class MirrorPeerService {
  readonly counters: MirrorServiceCounters = { pullsServed: 0, pullFlowsServed: 0, pullFlowsNotYet: 0, pullFlowsUnknown: 0, pushesRefused: 0 };
  private readonly waiters = new Set<Waiter>();
  /** The unit is gone: the mirror is complete, answer everything at once. */
  final = false;

  constructor(private readonly mirror: Mirror, private readonly pullWaitMs: number) {}

  onPush(req: PushRequestMsg): PushReplyMsg {
    this.counters.pushesRefused++;
    return { applied: 0, stale: 0, rejected: req.flows.length };
  }

  onPull(req: PullRequestMsg): Promise<PullReplyMsg> {
    if (this.final || this.anyReady(req) || this.pullWaitMs <= 0) return Promise.resolve(this.answer(req, this.final));
    return new Promise((resolve) => {
      const w: Waiter = { req, resolve, timer: setTimeout(() => this.finish(w, true), this.pullWaitMs) };
      this.waiters.add(w);
    });
  }

  /** After records were applied (or the unit went): answer the pulls that can be answered. */
  checkWaiters(): void {
    for (const w of this.waiters) if (this.final || this.anyReady(w.req)) this.finish(w, this.final);
  }

  close(): void {
    for (const w of this.waiters) this.finish(w, true);
  }

  private finish(w: Waiter, whatever: boolean): void {
    if (!this.waiters.delete(w)) return;
    clearTimeout(w.timer);
    w.resolve(this.answer(w.req, whatever));
  }

  private ready(item: PullItemMsg): boolean {
    if (item.minClock <= 0) return true;
    const k = item.key!;
    const e = this.mirror.lookup(k.proto, k.srcIp >>> 0, k.srcPort, k.dstIp >>> 0, k.dstPort);
    return e !== undefined && e.clock >= item.minClock;
  }

  private anyReady(req: PullRequestMsg): boolean {
    if (req.flows.length === 0) return true;
    for (const item of req.flows) if (this.ready(item)) return true;
    return false;
  }

  private answer(req: PullRequestMsg, whatever: boolean): PullReplyMsg {
    const c = this.counters;
    c.pullsServed++;
    return {
      flows: req.flows.map((item) => {
        if (!whatever && !this.ready(item)) {
          c.pullFlowsNotYet++;
          return { found: false, state: null };
        }
        const k = item.key!;
        const e = this.mirror.lookup(k.proto, k.srcIp >>> 0, k.srcPort, k.dstIp >>> 0, k.dstPort);
        if (e === undefined) {
          c.pullFlowsUnknown++;
          return { found: false, state: null };
        }
        c.pullFlowsServed++;
        return { found: true, state: { key: k, clock: e.clock, present: e.present, value: Buffer.from(e.value) } };
      }),
    };
  }
}
