/**
 * Pulls waiting for their flows to catch up, for every StatePeer server (a unit's
 * state/peer-service.ts, a logger's logger/mirror-peer-service.ts): a Pull waits (up to `waitMs`)
 * only while NONE of its flows has reached the asked clock; as soon as one has, the server
 * answers it per flow (the others come back `found: false` and are re-pulled). So a flow never
 * waits on another flow's progress. `whatever` answers (deadline, shutdown) give what is there.
 */
import type { FlowKeyMsg, PullItemMsg, PullReplyMsg, PullRequestMsg } from '../../proto/load';

interface Waiter { req: PullRequestMsg; resolve: (r: PullReplyMsg) => void; timer: NodeJS.Timeout }

export class PullWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(
    /** The flow's clock here, undefined when unknown. */
    private readonly clockOf: (key: FlowKeyMsg) => number | undefined,
    private readonly waitMs: number,
    /** The server's per-flow answer (uses `ready` for each flow unless `whatever`). */
    private readonly answer: (req: PullRequestMsg, whatever: boolean) => PullReplyMsg,
  ) {}

  /** The flow here has reached the asked clock (min_clock 0: anything, e.g. a state dump). */
  ready(item: PullItemMsg): boolean {
    if (item.minClock <= 0) return true;
    const c = this.clockOf(item.key!);
    return c !== undefined && c >= item.minClock;
  }

  /** Answered at once when a flow is ready (or waiting is off), else when `check` finds one ready or at the deadline. */
  wait(req: PullRequestMsg): Promise<PullReplyMsg> {
    if (this.anyReady(req) || this.waitMs <= 0) return Promise.resolve(this.answer(req, false));
    return new Promise((resolve) => {
      const w: Waiter = { req, resolve, timer: setTimeout(() => this.finish(w, true), this.waitMs) };
      this.waiters.add(w);
    });
  }

  /** Answer the waiting pulls that have a ready flow (call after state changed here). */
  check(): void {
    for (const w of this.waiters) if (this.anyReady(w.req)) this.finish(w, false);
  }

  /** Answer every waiting pull with what is here (shutdown, or nothing will change any more). */
  close(): void {
    for (const w of this.waiters) this.finish(w, true);
  }

  get size(): number {
    return this.waiters.size;
  }

  private anyReady(req: PullRequestMsg): boolean {
    if (req.flows.length === 0) return true;
    for (const item of req.flows) if (this.ready(item)) return true;
    return false;
  }

  private finish(w: Waiter, whatever: boolean): void {
    if (!this.waiters.delete(w)) return;
    clearTimeout(w.timer);
    w.resolve(this.answer(w.req, whatever));
  }
}
