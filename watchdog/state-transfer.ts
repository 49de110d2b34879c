/**
 * Moves flow state between units over StatePeer (the side-effecting half of §5.2/§5.3):
 * - outgoing pulls requested by the processor during a batch are sent as ONE Pull per previous
 *   unit (`flushPulls`), and their answers applied;
 * - push plans from the sweep are sent as ONE Push per target;
 * - incoming Push is applied flow by flow (stale ones ignored); incoming Pull is answered from
 *   the store once it has reached the asked clock — also for a flow never seen here yet (its
 *   PACKETS frame may still be on its way), and for lingering packets of §5.3.
 *
 * Pull answers are per flow: a Pull waits (up to `pullWaitMs`) only while NONE of its flows is
 * ready; as soon as one is, every ready flow is answered and the others come back `found: false`,
 * which the requester re-pulls. So a flow never waits on another flow's progress, and since each
 * flow's waits go to strictly smaller clocks (packet-processor.ts), pulls cannot deadlock even
 * when two units pull from each other in one batch.
 */
import type { Logger } from 'pino';
import type { FlowKeyMsg, FlowStateMsg, PullItemMsg, PullReplyMsg, PullRequestMsg, PushReplyMsg, PushRequestMsg } from '../proto/load';
import type { FlowKey } from '../sdk/flow-key';
import type { FlowEntry } from './flow-entry';
import type { PacketProcessor } from './packet-processor';
import { flowStateMsg, type PushPlan } from './state-sweeper';
import { EXTERNAL_TARGET } from './external-state';

/** Where state goes: peer units over gRPC (PeerClients) or the external store (ExternalStateStore). */

const NOTHING_SENT: Promise<unknown> = Promise.resolve();
export interface StatePeers {
  address(unit: number): string | undefined;
  push(unit: number, flows: FlowStateMsg[]): Promise<PushReplyMsg>;
  pull(unit: number, items: PullItemMsg[]): Promise<PullReplyMsg>;
}

interface PendingPull<S> { entries: FlowEntry<S>[]; items: PullItemMsg[] }
interface PullWaiter { req: PullRequestMsg; resolve: (r: PullReplyMsg) => void; deadline: number; timer: NodeJS.Timeout }

const EMPTY: Buffer = Buffer.alloc(0);

function keyMsg<S>(e: FlowEntry<S>): FlowKeyMsg {
  return { proto: e.proto, srcIp: e.srcIp, srcPort: e.srcPort, dstIp: e.dstIp, dstPort: e.dstPort };
}

export class StateTransfer<C, S> {
  private pending = new Map<number, PendingPull<S>>();
  private waiters = new Set<PullWaiter>();
  private readonly scratchKey: FlowKey = { proto: 0, srcIp: 0, srcPort: 0, dstIp: 0, dstPort: 0 };

  constructor(
    private readonly proc: PacketProcessor<C, S>,
    private readonly peers: StatePeers,
    private readonly log: Logger,
    private readonly nowNs: () => number,
    private readonly pullWaitMs: number,
    /** Called after state arrives asynchronously (so the unit can flush egress). */
    private readonly afterAsync: () => void,
    /** State lives in the external store: every read goes there in one batch; writes count as store writes. */
    private readonly external = false,
  ) {}

  /** ProcessorPorts.requestPull */
  requestPull(unit: number, e: FlowEntry<S>, minClock: number): void {
    if (this.external) unit = EXTERNAL_TARGET;
    let p = this.pending.get(unit);
    if (p === undefined) this.pending.set(unit, (p = { entries: [], items: [] }));
    p.entries.push(e);
    p.items.push({ key: keyMsg(e), minClock });
  }

  flushPulls(): void {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const c = this.proc.counters;
    for (const [unit, p] of batch) {
      c.pullsSent++;
      c.pullFlowsRequested += p.items.length;
      this.peers.pull(unit, p.items).then(
        (reply) => {
          const now = this.nowNs();
          for (let i = 0; i < p.entries.length; i++) {
            const r = reply.flows[i];
            if (r && r.found && r.state && r.state.key) {
              c.pullFlowsFound++;
              this.apply(r.state, now, true);
            } else c.pullFlowsUnknown++;
            this.proc.pullDone(p.entries[i]!, now);
          }
          this.afterAsync();
          this.checkWaiters();
        },
        (err) => {
          c.pullErrors++;
          this.log.warn({ unit, err: String(err) }, 'pull failed');
          const now = this.nowNs();
          for (const e of p.entries) this.proc.pullDone(e, now);
          this.afterAsync();
        },
      );
    }
  }

  /** Resolves once every push of the plan was answered or failed (stop waits for it; the sweep does not). */
  sendPushes(plan: PushPlan): Promise<unknown> {
    if (plan.size === 0) return NOTHING_SENT; // the common sweep: nothing to allocate
    const c = this.proc.counters;
    const sent: Array<Promise<unknown>> = [];
    for (const [unit, flows] of plan) {
      if (this.peers.address(unit) === undefined) {
        c.pushErrors++;
        continue;
      }
      if (!this.external) {
        c.pushesSent++;
        c.pushFlowsSent += flows.length;
        for (const f of flows) c.pushBytesSent += f.value.length + 24;
      }
      sent.push(this.peers.push(unit, flows).catch((err) => {
        c.pushErrors++;
        this.log.warn({ unit, err: String(err) }, this.external ? 'external state write failed' : 'push failed');
      }));
    }
    return Promise.all(sent);
  }

  /** StatePeer.Push */
  onPush(req: PushRequestMsg): PushReplyMsg {
    const c = this.proc.counters;
    c.pushesReceived++;
    const now = this.nowNs();
    const reply = { applied: 0, stale: 0, rejected: 0 };
    for (const f of req.flows) {
      const r = this.apply(f, now, false);
      if (r === 0) (reply.applied++, c.pushFlowsApplied++);
      else if (r === 1) (reply.stale++, c.pushFlowsStale++);
      else (reply.rejected++, c.pushFlowsRejected++);
    }
    this.afterAsync();
    this.checkWaiters();
    return reply;
  }

  /** StatePeer.Pull */
  onPull(req: PullRequestMsg): Promise<PullReplyMsg> {
    if (this.anyReady(req) || this.pullWaitMs <= 0) return Promise.resolve(this.answer(req, false));
    return new Promise((resolve) => {
      const w: PullWaiter = {
        req, resolve, deadline: Date.now() + this.pullWaitMs,
        timer: setTimeout(() => this.finishWaiter(w, true), this.pullWaitMs),
      };
      this.waiters.add(w);
    });
  }

  /** Pulls waiting for their flows to catch up here. */
  get waiting(): number {
    return this.waiters.size;
  }

  /** Answer waiting pulls whose flows caught up (call after processing a batch). */
  checkWaiters(): void {
    for (const w of this.waiters) if (this.anyReady(w.req)) this.finishWaiter(w, false);
  }

  close(): void {
    for (const w of this.waiters) this.finishWaiter(w, true);
  }

  /** `whatever`: deadline or shutdown — answer with what is here, even if older than asked. */
  private finishWaiter(w: PullWaiter, whatever: boolean): void {
    if (!this.waiters.delete(w)) return;
    clearTimeout(w.timer);
    w.resolve(this.answer(w.req, whatever));
  }

  private lookup(k: FlowKeyMsg): FlowEntry<S> | undefined {
    const s = this.scratchKey;
    s.proto = k.proto; s.srcIp = k.srcIp; s.srcPort = k.srcPort; s.dstIp = k.dstIp; s.dstPort = k.dstPort;
    return this.proc.store.get(s);
  }

  /** The flow here has reached the asked clock (min_clock 0: anything, e.g. a state dump). */
  private ready(item: PullItemMsg): boolean {
    if (item.minClock <= 0) return true;
    const e = this.lookup(item.key!);
    return e !== undefined && e.clock >= item.minClock;
  }

  private anyReady(req: PullRequestMsg): boolean {
    if (req.flows.length === 0) return true;
    for (const item of req.flows) if (this.ready(item)) return true;
    return false;
  }

  private answer(req: PullRequestMsg, whatever: boolean): PullReplyMsg {
    const c = this.proc.counters;
    c.pullsServed++;
    const flows = req.flows.map((item) => {
      if (!whatever && !this.ready(item)) {
        c.pullFlowsNotYet++;
        return { found: false, state: null };
      }
      const e = this.lookup(item.key!);
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

  private apply(f: FlowStateMsg, now: number, byPull: boolean): 0 | 1 | 2 {
    const k = f.key!;
    const s = this.scratchKey;
    s.proto = k.proto; s.srcIp = k.srcIp; s.srcPort = k.srcPort; s.dstIp = k.dstIp; s.dstPort = k.dstPort;
    return this.proc.applyRemote(s, f.clock, f.present, f.value ?? EMPTY, now, byPull);
  }
}
