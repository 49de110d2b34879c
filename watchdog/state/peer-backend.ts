/**
 * State lives at the units (paper §5.2–§5.3; the proactive and reactive modes): a flow idle for
 * T/2 is pushed to each of its K targets (one Push per target per sweep, on its PushStream); a
 * flowlet whose state is missing pulls it from the unit that ran the previous flowlet (one Pull per
 * previous unit per batch, on its PullStream); on retirement every flow goes to every known peer
 * (unary pushes, each answered before the process exits — the controller hands a retired unit's
 * flows to the lowest remaining unit, which need not be among a flow's targets; receivers drop what
 * is stale by clock). A unit never pulls from itself: its own flowlets' state is already here.
 */
import type { Logger } from 'pino';
import type { FlowStateMsg, PullItemMsg, PullReplyMsg, PushReplyMsg } from '../../proto/load';
import type { FlowEntry } from '../runtime/flow-entry';
import type { PacketProcessor } from '../runtime/packet-processor';
import { forEachFlow } from '../runtime/sweep';
import type { StateBackend } from './backend';
import { entryMsg, FetchBatch, StateApplier } from './messages';
import type { PushTiming } from './push-timing';

/** The StatePeer calls this backend makes (PeerClients; fakes in tests). */
export interface PeerTransport {
  /** Units with a known address. */
  units(): number[];
  address(unit: number): string | undefined;
  /** On the target's PushStream: resolves once written. */
  pushStreamed(unit: number, flows: FlowStateMsg[]): Promise<PushReplyMsg>;
  /** Unary: resolves once the target answered. */
  push(unit: number, flows: FlowStateMsg[]): Promise<PushReplyMsg>;
  pullStreamed(unit: number, items: PullItemMsg[]): Promise<PullReplyMsg>;
}

/** target unit → flows to push to it. */
export type PushPlan = Map<number, FlowStateMsg[]>;

const NOTHING_SENT: Promise<unknown> = Promise.resolve();
/** A pull to a unit with no known address yet is failed (and so retried) this much later. */
const NO_ADDRESS_RETRY_MS = 20;

export class PeerStateBackend<C, S> implements StateBackend<S> {
  readonly kind = 'peer';
  /** Pushes planned since the last flush; null while empty (the common sweep allocates nothing). */
  private plan: PushPlan | null = null;
  private fetches: Map<number, FetchBatch<S>> | null = null;
  private retiring = false;
  /** Units a pull found without an address (logged once each). */
  private readonly noAddressLogged = new Set<number>();
  private readonly app: StateApplier<C, S>;
  private readonly self: number;

  constructor(
    private readonly proc: PacketProcessor<C, S>,
    private readonly peers: PeerTransport,
    private readonly log: Logger,
    private readonly nowNs: () => number,
    private readonly afterAsync: () => void,
    /** Idle-at-send of the sweep's pushes (state/push-timing.ts). */
    private readonly timing: PushTiming | null = null,
  ) {
    this.app = new StateApplier(proc);
    this.self = proc.opts.unitId;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  canFetch(unit: number): boolean {
    return unit !== this.self;
  }

  requestFetch(unit: number, e: FlowEntry<S>, minClock: number): void {
    const m = this.fetches ?? (this.fetches = new Map());
    let b = m.get(unit);
    if (b === undefined) m.set(unit, (b = new FetchBatch<S>()));
    b.add(e, minClock);
  }

  readonly placeIdle = (e: FlowEntry<S>, nowNs: number): boolean => {
    if (e.targetCount === 0) return false;
    const msg = entryMsg(this.proc, e);
    if (msg === null) return false;
    this.timing?.placed(this.proc, e, nowNs);
    for (let i = 0; i < e.targetCount; i++) {
      const t = e.targets[i]!;
      if (t !== this.self) this.addTo(t, msg);
    }
    return true;
  };

  /** Pushes (and fetches) queued so far, without sending them: what `flush` would send. */
  pending(): { pushes: PushPlan | null; fetches: Map<number, FetchBatch<S>> | null } {
    return { pushes: this.plan, fetches: this.fetches };
  }

  flush(): void {
    const plan = this.plan;
    if (plan !== null) {
      this.plan = null;
      void this.sendPushes(plan);
    }
    const fetches = this.fetches;
    if (fetches !== null) {
      this.fetches = null;
      for (const [unit, b] of fetches) this.sendFetch(unit, b);
    }
  }

  handOff(): Promise<unknown> {
    this.retiring = true;
    const peers = this.peers.units();
    forEachFlow(this.proc, (e) => {
      const msg = entryMsg(this.proc, e);
      if (msg === null) return;
      for (const t of peers) if (t !== this.self) this.addTo(t, msg);
      e.pushedClock = e.clock;
    });
    const plan = this.plan;
    this.plan = null;
    return plan === null ? NOTHING_SENT : this.sendPushes(plan);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private addTo(t: number, msg: FlowStateMsg): void {
    const plan = this.plan ?? (this.plan = new Map());
    let list = plan.get(t);
    if (list === undefined) plan.set(t, (list = []));
    list.push(msg);
  }

  /** Resolves once every push was answered or failed (the hand-off waits for it; the sweep does not). */
  private sendPushes(plan: PushPlan): Promise<unknown> {
    const c = this.proc.counters;
    const sent: Array<Promise<unknown>> = [];
    for (const [unit, flows] of plan) {
      if (this.peers.address(unit) === undefined) {
        c.pushErrors++;
        continue;
      }
      c.pushesSent++;
      c.pushFlowsSent += flows.length;
      for (const f of flows) c.pushBytesSent += f.value.length + 24;
      // Retiring: unary pushes, each answered before the process exits (a stream would be cut).
      const p = this.retiring ? this.peers.push(unit, flows) : this.peers.pushStreamed(unit, flows);
      sent.push(p.catch((err) => {
        c.pushErrors++;
        this.log.warn({ unit, err: String(err) }, 'push failed');
      }));
    }
    return Promise.all(sent);
  }

  private sendFetch(unit: number, b: FetchBatch<S>): void {
    b.countSent(this.proc);
    if (this.peers.address(unit) === undefined) {
      // No address yet (PEERS lacks a unit still starting): fail the batch after a pause rather
      // than at once, or the re-pull (SNF_PULL_RETRY_US later) spins until PEERS arrives.
      if (!this.noAddressLogged.has(unit)) {
        this.noAddressLogged.add(unit);
        this.log.warn({ unit }, 'pull: no address for the unit yet (waiting for PEERS)');
      }
      setTimeout(() => {
        b.failed(this.proc, this.nowNs());
        this.afterAsync();
      }, NO_ADDRESS_RETRY_MS).unref();
      return;
    }
    this.peers.pullStreamed(unit, b.items).then(
      (reply) => {
        b.applyReply(this.app, reply, this.nowNs());
        this.afterAsync();
      },
      (err) => {
        this.log.warn({ unit, err: String(err) }, 'pull failed');
        b.failed(this.proc, this.nowNs());
        this.afterAsync();
      },
    );
  }
}
