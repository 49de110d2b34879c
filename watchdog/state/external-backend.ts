/**
 * State lives in Redis (paper §9.2, the "optimized external" baseline; `SNF_STATE=external`): the
 * same data plane and ephemeral store as the peer backend, but
 *  - a flowlet whose state is missing reads it from the store — one pipelined read per batch for
 *    every such flow, whoever ran the previous flowlet (this unit too: the store has its writes);
 *    read again after `pullRetry` while the stored clock is older than asked;
 *  - a flow idle for T/2 that changed is written to the store (targets play no part), one
 *    conditional write per sweep;
 *  - on retirement every flow that changed since its last write is written, and the store drained.
 */
import type { Logger } from 'pino';
import type { FlowStateMsg } from '../../proto/load';
import type { FlowEntry } from '../runtime/flow-entry';
import type { PacketProcessor } from '../runtime/packet-processor';
import { forEachFlow } from '../runtime/sweep';
import type { StateBackend } from './backend';
import type { ExternalStateStore } from './external-store';
import { entryMsg, FetchBatch, StateApplier } from './messages';

/** The store calls this backend makes (ExternalStateStore; fakes in tests). */
export type StateStore = Pick<ExternalStateStore, 'connect' | 'write' | 'read' | 'settle' | 'close'>;

const NOTHING_SENT: Promise<unknown> = Promise.resolve();

export class ExternalStateBackend<C, S> implements StateBackend<S> {
  readonly kind = 'external';
  /** Writes planned since the last flush; null while empty. */
  private writes: FlowStateMsg[] | null = null;
  private fetches: FetchBatch<S> | null = null;
  private readonly app: StateApplier<C, S>;

  constructor(
    private readonly proc: PacketProcessor<C, S>,
    readonly store: StateStore,
    private readonly log: Logger,
    private readonly nowNs: () => number,
    private readonly afterAsync: () => void,
  ) {
    this.app = new StateApplier(proc);
  }

  start(): Promise<void> {
    return this.store.connect();
  }

  canFetch(_unit: number): boolean {
    return true;
  }

  requestFetch(_unit: number, e: FlowEntry<S>, minClock: number): void {
    (this.fetches ?? (this.fetches = new FetchBatch<S>())).add(e, minClock);
  }

  readonly placeIdle = (e: FlowEntry<S>): boolean => {
    const msg = entryMsg(this.proc, e);
    if (msg === null) return false;
    (this.writes ?? (this.writes = [])).push(msg);
    return true;
  };

  flush(): void {
    if (this.writes !== null) void this.sendWrites();
    const b = this.fetches;
    if (b === null) return;
    this.fetches = null;
    b.countSent(this.proc);
    this.store.read(b.items).then(
      (reply) => {
        b.applyReply(this.app, reply, this.nowNs());
        this.afterAsync();
      },
      (err) => {
        this.log.warn({ err: String(err) }, 'external state read failed');
        b.failed(this.proc, this.nowNs());
        this.afterAsync();
      },
    );
  }

  handOff(): Promise<unknown> {
    forEachFlow(this.proc, (e) => {
      if (e.clock > e.pushedClock && this.placeIdle(e)) e.pushedClock = e.clock;
    });
    return this.writes === null ? NOTHING_SENT : this.sendWrites();
  }

  async close(): Promise<void> {
    await this.store.settle();
    this.store.close();
  }

  private sendWrites(): Promise<unknown> {
    const flows = this.writes!;
    this.writes = null;
    return this.store.write(flows).catch((err) => {
      this.proc.counters.pushErrors++;
      this.log.warn({ err: String(err) }, 'external state write failed');
    });
  }
}
