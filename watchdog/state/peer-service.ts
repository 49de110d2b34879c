/**
 * The StatePeer service of a unit (what peers ask of it; the peer backend is what it asks of
 * them): an incoming Push is applied flow by flow (stale ones ignored); an incoming Pull is
 * answered from the store once the flow reached the asked clock — also for a flow never seen here
 * yet (its PACKETS frame may still be on its way), and for lingering packets of §5.3.
 *
 * Pull answers are per flow (state/pull-waiters.ts): a Pull waits (up to `pullWaitMs`) only while NONE of its flows is
 * ready; as soon as one is, every ready flow is answered and the others come back `found: false`,
 * which the requester re-pulls. So a flow never waits on another flow's progress, and since each
 * flow's waits go to strictly smaller clocks (runtime/packet-processor.ts), pulls cannot deadlock
 * even when two units pull from each other in one batch.
 *
 * Waiting pulls are answered by `checkWaiters`, which the unit runs once after every arrival
 * (a batch, a pull answer, a push: ComputeUnit.afterWork), not here.
 */
import type { PullReplyMsg, PullRequestMsg, PushReplyMsg, PushRequestMsg } from '../../proto/load';
import type { PacketProcessor } from '../runtime/packet-processor';
import { EMPTY, flowStateMsg, StateApplier } from './messages';
import { PullWaiters } from './pull-waiters';
import type { PushTiming } from './push-timing';
import { classifyPullAsk } from './pull-diagnosis';

export class StatePeerService<C, S> {
  private readonly app: StateApplier<C, S>;
  private readonly pulls: PullWaiters;

  constructor(
    private readonly proc: PacketProcessor<C, S>,
    private readonly nowNs: () => number,
    pullWaitMs: number,
    /** After state arrived (releases held packets; must answer waiting pulls: ComputeUnit.afterWork). */
    private readonly afterArrival: () => void,
    /** T/2 (ns), for counting why a flow was pulled (state/pull-diagnosis.ts). */
    private readonly idlePushNs = 0,
    /** Push flights (state/push-timing.ts); none in tests that do not look. */
    private readonly timing: PushTiming | null = null,
  ) {
    this.app = new StateApplier(proc);
    this.pulls = new PullWaiters((k) => this.app.lookup(k)?.clock, pullWaitMs, (req, whatever) => this.answer(req, whatever));
  }

  /** StatePeer.Push */
  onPush(req: PushRequestMsg): PushReplyMsg {
    const c = this.proc.counters;
    c.pushesReceived++;
    const now = this.nowNs();
    const reply = { applied: 0, stale: 0, rejected: 0 };
    const t = this.timing;
    const flightNs = t === null ? -1 : t.arrived(req.sentMonoNs);
    for (const f of req.flows) {
      const released = c.releasedByPush;
      const r = this.app.apply(f, now, false);
      if (t !== null && c.releasedByPush !== released) t.late(flightNs);
      if (r === 0) (reply.applied++, c.pushFlowsApplied++);
      else if (r === 1) (reply.stale++, c.pushFlowsStale++);
      else (reply.rejected++, c.pushFlowsRejected++);
    }
    this.afterArrival();
    return reply;
  }
  /** StatePeer.Pull */
  onPull(req: PullRequestMsg): Promise<PullReplyMsg> {
    const now = this.nowNs();
    const gwNow = this.proc.gatewayClock.nowNs(now);
    for (const item of req.flows) {
      if (item.key) classifyPullAsk(this.app.lookup(item.key), req.fromUnit, item.minClock, now, gwNow, this.idlePushNs, this.proc.counters);
    }
    return this.pulls.wait(req);
  }

  /** Pulls waiting for their flows to catch up here. */
  get waiting(): number {
    return this.pulls.size;
  }

  /** Answer waiting pulls whose flows caught up (call after processing a batch). */
  checkWaiters(): void {
    this.pulls.check();
  }

  close(): void {
    this.pulls.close();
  }

  private answer(req: PullRequestMsg, whatever: boolean): PullReplyMsg {
    const c = this.proc.counters;
    c.pullsServed++;
    const flows = req.flows.map((item) => {
      if (!whatever && !this.pulls.ready(item)) {
        c.pullFlowsNotYet++;
        return { found: false, state: null };
      }
      const e = this.app.lookup(item.key!);
      if (e === undefined || e.clock === 0) return { found: false, state: null };
      let value: Buffer = EMPTY;
      if (e.present) {
        try {
          value = this.proc.codec.encode(e.value as S);
        } catch {
          return { found: false, state: null };
        }
      }
      c.pullFlowsServed++;
      c.pullBytesServed += value.length;
      return { found: true, state: flowStateMsg(e, value) };
    });
    return { flows };
  }
}
