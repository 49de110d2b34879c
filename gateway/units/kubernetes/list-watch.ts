/**
 * List-then-watch of one kind of Kubernetes object (an informer, small): list, hand the items
 * over, watch from the list's resourceVersion; on any end of the watch (server closed it, an
 * error, the API server gone), list again and watch again after a backoff (doubling between
 * bounds, back to the minimum once a watch delivered events). Used for a Service's
 * EndpointSlices (kubernetes-provider.ts) and the functions' Deployments
 * (gateway/functions/kubernetes-provider.ts).
 */
import type { WatchEventType } from './kube-api';

export interface ListWatchSource<T> {
  /** Where it talks to (for messages). */
  readonly server: string;
  list(): Promise<{ items: T[]; resourceVersion: string }>;
  /** Watches from `resourceVersion`; `done` once when it ends (null: the server closed it). Returns the stop function. */
  watch(resourceVersion: string, onEvent: (type: WatchEventType, obj: T) => void, done: (err: Error | null) => void): Promise<() => void>;
}

export interface ListWatchHandlers<T> {
  /** A fresh list: replace everything known. */
  reset(items: T[]): void;
  /** ADDED / MODIFIED / DELETED (BOOKMARK dropped; ERROR noted, then the re-list resyncs). */
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void;
  /** A list or watch failure, with the wait before the next try. */
  failed?(why: string, retryMs: number): void;
}

export interface ListWatchCounters {
  lists: number;
  listErrors: number;
  watches: number;
  watchEvents: number;
  watchErrors: number;
}

export class ListWatch<T> {
  readonly counters: ListWatchCounters = { lists: 0, listErrors: 0, watches: 0, watchEvents: 0, watchErrors: 0 };
  /** The last list or watch error (null while healthy). */
  lastError: string | null = null;
  private stopWatch: (() => void) | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoff: number;
  private closed = false;
  private readonly firstSync: Promise<void>;
  private markSynced!: () => void;

  constructor(
    private readonly src: ListWatchSource<T>,
    private readonly h: ListWatchHandlers<T>,
    private readonly backoffMs: { min: number; max: number } = { min: 200, max: 5000 },
  ) {
    this.backoff = backoffMs.min;
    this.firstSync = new Promise((r) => (this.markSynced = r));
    void this.cycle();
  }

  /** Resolves after the first successful list. */
  synced(): Promise<void> {
    return this.firstSync;
  }

  close(): void {
    this.closed = true;
    this.stopWatch?.();
    this.stopWatch = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async cycle(): Promise<void> {
    if (this.closed) return;
    let rv: string;
    try {
      const l = await this.src.list();
      if (this.closed) return;
      this.counters.lists++;
      rv = l.resourceVersion;
      this.lastError = null;
      this.h.reset(l.items);
      this.markSynced();
    } catch (err) {
      this.counters.listErrors++;
      return this.retry(`list ${this.src.server}: ${kubeErrorText(err)}`);
    }
    let delivered = false;
    try {
      this.counters.watches++;
      const stop = await this.src.watch(rv, (type, obj) => {
        delivered = true;
        this.onEvent(type, obj);
      }, (err) => {
        this.stopWatch = null;
        if (err !== null) this.counters.watchErrors++;
        if (delivered) this.backoff = this.backoffMs.min;
        this.retry(err !== null ? `watch: ${kubeErrorText(err)}` : null);
      });
      if (this.closed) stop();
      else this.stopWatch = stop;
    } catch (err) {
      this.counters.watchErrors++;
      this.retry(`watch ${this.src.server}: ${kubeErrorText(err)}`);
    }
  }

  private onEvent(type: WatchEventType, obj: T): void {
    this.counters.watchEvents++;
    if (type === 'ERROR') {
      // Typically 410 Gone (resourceVersion too old): the watch ends and the re-list resyncs.
      this.lastError = `watch error event: ${JSON.stringify(obj).slice(0, 200)}`;
      return;
    }
    if (type === 'BOOKMARK') return;
    this.h.event(type, obj);
  }

  private retry(why: string | null): void {
    if (this.closed || this.retryTimer !== null) return;
    const wait = why === null ? 0 : this.backoff;
    if (why !== null) {
      this.lastError = why;
      this.h.failed?.(why, wait);
      this.backoff = Math.min(this.backoff * 2, this.backoffMs.max);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.cycle();
    }, wait);
  }
}

/** One line for an API error: `HTTP <code>: <message>` when the client gave a status code. */
export function kubeErrorText(err: unknown): string {
  const e = err as { code?: number; statusCode?: number; message?: string };
  const code = e?.code ?? e?.statusCode;
  const msg = (e?.message ?? String(err)).split('\n')[0]!.slice(0, 300);
  return typeof code === 'number' ? `HTTP ${code}: ${msg}` : msg;
}
