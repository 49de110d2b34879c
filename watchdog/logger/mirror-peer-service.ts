/**
 * The logger's StatePeer service: a recovery unit pulls a dead unit's flows from that unit's
 * logger exactly as it pulls from a live peer (the gateway points the dead unit's peer address at
 * its logger), so the unit's fetch path needs no logger mode.
 *
 * Pulls are answered from the mirror with the same per-flow rule as a unit's
 * (state/pull-waiters.ts, shared with state/peer-service.ts): a Pull waits (up to `pullWaitMs`) only while none of its flows reached
 * the asked clock; once the unit is gone (`final`) the mirror will not change any more, so every
 * Pull is answered at once with what is here. A Pull naming no flows is answered with every flow
 * of the mirror (a restarted gateway reads the flows' clocks that way). Pushes to a logger are refused (counted): only its
 * unit writes its mirror.
 */
import type { FlowKeyMsg, PullReplyMsg, PullRequestMsg, PushReplyMsg, PushRequestMsg } from '../../proto/load';
import { PullWaiters } from '../state/pull-waiters';
import type { Mirror } from './mirror';

export interface MirrorServiceCounters {
  pullsServed: number;
  pullFlowsServed: number;
  pullFlowsNotYet: number;
  pullFlowsUnknown: number;
  pushesRefused: number;
}

export class MirrorPeerService {
  readonly counters: MirrorServiceCounters = { pullsServed: 0, pullFlowsServed: 0, pullFlowsNotYet: 0, pullFlowsUnknown: 0, pushesRefused: 0 };
  private readonly pulls: PullWaiters;
  /** The unit is gone: the mirror is complete, answer everything at once. */
  final = false;

  constructor(private readonly mirror: Mirror, pullWaitMs: number) {
    const clockOf = (k: FlowKeyMsg): number | undefined => this.mirror.lookup(k.proto, k.srcIp >>> 0, k.srcPort, k.dstIp >>> 0, k.dstPort)?.clock;
    this.pulls = new PullWaiters(clockOf, pullWaitMs, (req, whatever) => this.answer(req, whatever));
  }

  onPush(req: PushRequestMsg): PushReplyMsg {
    this.counters.pushesRefused++;
    return { applied: 0, stale: 0, rejected: req.flows.length };
  }

  onPull(req: PullRequestMsg): Promise<PullReplyMsg> {
    // No flows asked: every flow the mirror holds (a restarted gateway learning the flows' clocks).
    if (req.flows.length === 0) return Promise.resolve(this.everything());
    return this.final ? Promise.resolve(this.answer(req, true)) : this.pulls.wait(req);
  }

  /** After records were applied (or the unit went): answer the pulls that can be answered. */
  checkWaiters(): void {
    if (this.final) this.pulls.close();
    else this.pulls.check();
  }

  close(): void {
    this.pulls.close();
  }

  private everything(): PullReplyMsg {
    this.counters.pullsServed++;
    const flows: PullReplyMsg['flows'] = [];
    this.mirror.forEach((e) => {
      const key = { proto: e.proto, srcIp: e.srcIp, srcPort: e.srcPort, dstIp: e.dstIp, dstPort: e.dstPort };
      flows.push({ found: true, state: { key, clock: e.clock, present: e.present, value: Buffer.from(e.value) } });
    });
    this.counters.pullFlowsServed += flows.length;
    return { flows };
  }

  private answer(req: PullRequestMsg, whatever: boolean): PullReplyMsg {
    const c = this.counters;
    c.pullsServed++;
    return {
      flows: req.flows.map((item) => {
        if (!whatever && !this.pulls.ready(item)) {
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
