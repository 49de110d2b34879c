/**
 * KubernetesUnitProvider: a function's compute units are the ready endpoints of its Service's
 * EndpointSlices (slices.ts says what is read from them). The provider lists the slices, then
 * watches them from that list's resourceVersion (a watch, not polling); when the watch ends or
 * fails it lists and watches again after a backoff (200 ms doubling to 5 s, reset by a watch
 * that delivered something), so an API server that goes away and comes back is followed again,
 * and anything missed meanwhile is caught by the re-list (the diff below emits it).
 *
 * Units appear and go on their own (pods): every change is diffed against what was known and
 * reported as `unit-ready` / `unit-gone` (an endpoint that went away, turned not-ready or
 * terminating, or moved to another pod or address). The pool treats an unasked `unit-gone` like
 * a failed unit. `start(unit)` does not create anything: it resolves with unit `unit`'s endpoint
 * once the slices show it (or rejects with SNF_ERR_UNIT_START after `startTimeoutMs`); pods are
 * created by scaling the function's Deployment, `scale(replicas)`, through its scale subresource.
 * `stop(unit)` only forgets that the unit was asked for (the pod runs on until scaled away).
 */
import { SnfError } from '../../../sdk/errors';
import type { UnitEndpoint, UnitEvent, UnitKind, UnitProvider, UnitProviderFactory, UnitSpec } from '../provider';
import type { KubeApi, WatchEventType } from './kube-api';
import { DEFAULT_UNIT_NAMES, newSliceSkips, sameEndpoint, unitsOfSlices, type KubeUnitNames, type SliceLike, type SliceSkips } from './slices';

export interface KubernetesUnitsOptions {
  api: KubeApi;
  /** Functions namespace (OpenFaaS: `openfaas-fn`). */
  namespace: string;
  /** The function's Service (default: the function name, as faas-netes names it). */
  service?: string;
  /** The function's Deployment, for scale() (default: the service name). */
  deployment?: string;
  names?: KubeUnitNames;
  /** How long start(unit) waits for the unit's endpoint (default 60 s). */
  startTimeoutMs?: number;
  /** Backoff bounds between watch attempts (default 200 ms … 5 s). */
  backoffMs?: { min: number; max: number };
  /** Watch failures, re-lists (default: dropped). */
  onLog?: (line: string) => void;
}

export interface KubernetesUnitsCounters {
  lists: number;
  listErrors: number;
  watches: number;
  watchEvents: number;
  watchErrors: number;
  unitsReady: number;
  unitsGone: number;
  scales: number;
}

interface Waiter {
  resolve(ep: UnitEndpoint): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class KubernetesUnitProvider implements UnitProvider {
  readonly name = 'kubernetes';
  readonly service: string;
  readonly deployment: string;
  readonly counters: KubernetesUnitsCounters = { lists: 0, listErrors: 0, watches: 0, watchEvents: 0, watchErrors: 0, unitsReady: 0, unitsGone: 0, scales: 0 };
  /** What the last reconcile skipped (see slices.ts). */
  skips: SliceSkips = newSliceSkips();
  /** The last list or watch error, for messages and stats (null while healthy). */
  lastError: string | null = null;
  private readonly slices = new Map<string, SliceLike>();
  private units = new Map<number, UnitEndpoint>();
  private readonly listeners = new Set<(e: UnitEvent) => void>();
  private readonly waiters = new Map<number, Waiter[]>();
  private readonly asked = new Set<number>();
  private readonly selector: string;
  private stopWatch: (() => void) | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoff: number;
  private closed = false;
  private firstSync: Promise<void>;
  private markSynced!: () => void;

  constructor(private readonly o: KubernetesUnitsOptions) {
    this.service = o.service ?? '';
    this.deployment = o.deployment ?? this.service;
    this.selector = `kubernetes.io/service-name=${this.service}`;
    this.backoff = o.backoffMs?.min ?? 200;
    this.firstSync = new Promise((r) => (this.markSynced = r));
    void this.cycle();
  }

  /** Resolves after the first successful list (tests; `start` does not need it). */
  synced(): Promise<void> {
    return this.firstSync;
  }

  start(unit: number, kind: UnitKind): Promise<UnitEndpoint> {
    if (kind !== 'compute') return Promise.reject(new SnfError('SNF_ERR_UNIT_START', `unit ${unit}: the kubernetes provider runs compute units only (not ${kind})`));
    this.asked.add(unit);
    const ep = this.units.get(unit);
    if (ep !== undefined) return Promise.resolve(ep);
    const ms = this.o.startTimeoutMs ?? 60000;
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve, reject,
        timer: setTimeout(() => {
          this.dropWaiter(unit, w);
          const why = this.lastError !== null ? ` (API: ${this.lastError})` : '';
          reject(new SnfError('SNF_ERR_UNIT_START', `unit ${unit}: no ready endpoint for it in the EndpointSlices of ${this.o.namespace}/${this.service} within ${ms} ms${why}`));
        }, ms),
      };
      (this.waiters.get(unit) ?? (this.waiters.set(unit, []), this.waiters.get(unit)!)).push(w);
    });
  }

  stop(unit: number): Promise<void> {
    this.asked.delete(unit);
    return Promise.resolve();
  }

  list(): UnitEndpoint[] {
    return [...this.units.values()];
  }

  on(listener: (e: UnitEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Desired replicas of the function's Deployment (scale subresource). */
  replicas(): Promise<number> {
    return this.o.api.getReplicas(this.o.namespace, this.deployment);
  }

  /** Sets the Deployment's replicas (scale subresource); the new pods show up as unit-ready. */
  async scale(replicas: number): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new SnfError('SNF_ERR_USAGE', `replicas must be an integer ≥ 0 (got ${replicas})`);
    await this.o.api.setReplicas(this.o.namespace, this.deployment, replicas);
    this.counters.scales++;
  }

  close(): Promise<void> {
    this.closed = true;
    this.stopWatch?.();
    this.stopWatch = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    for (const [unit, ws] of this.waiters) {
      for (const w of ws) {
        clearTimeout(w.timer);
        w.reject(new SnfError('SNF_ERR_UNIT_START', `unit ${unit}: provider closed`));
      }
    }
    this.waiters.clear();
    return Promise.resolve();
  }

  // ---- list + watch -------------------------------------------------------------------------

  private log(line: string): void {
    this.o.onLog?.(`kubernetes ${this.o.namespace}/${this.service}: ${line}`);
  }

  /** One list, then a watch from its resourceVersion; on any end, again after the backoff. */
  private async cycle(): Promise<void> {
    if (this.closed) return;
    let rv: string;
    try {
      const l = await this.o.api.listSlices(this.o.namespace, this.selector);
      this.counters.lists++;
      this.slices.clear();
      for (const s of l.items) this.slices.set(s.metadata?.name ?? '', s);
      rv = l.resourceVersion;
      this.lastError = null;
      this.reconcile();
      this.markSynced();
    } catch (err) {
      this.counters.listErrors++;
      return this.retry(`list ${this.o.api.server}: ${errText(err)}`);
    }
    if (this.closed) return;
    let delivered = false;
    try {
      this.counters.watches++;
      const stop = await this.o.api.watchSlices(this.o.namespace, this.selector, rv, (type, obj) => {
        delivered = true;
        this.onWatchEvent(type, obj);
      }, (err) => {
        this.stopWatch = null;
        if (err !== null) this.counters.watchErrors++;
        if (delivered) this.backoff = this.o.backoffMs?.min ?? 200;
        this.retry(err !== null ? `watch: ${errText(err)}` : null);
      });
      if (this.closed) stop();
      else this.stopWatch = stop;
    } catch (err) {
      this.counters.watchErrors++;
      this.retry(`watch ${this.o.api.server}: ${errText(err)}`);
    }
  }

  private retry(why: string | null): void {
    if (this.closed || this.retryTimer !== null) return;
    if (why !== null) {
      this.lastError = why;
      this.log(`${why}; again in ${this.backoff} ms`);
    }
    const wait = why === null ? 0 : this.backoff;
    if (why !== null) this.backoff = Math.min(this.backoff * 2, this.o.backoffMs?.max ?? 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.cycle();
    }, wait);
  }

  private onWatchEvent(type: WatchEventType, obj: SliceLike): void {
    this.counters.watchEvents++;
    const name = obj.metadata?.name ?? '';
    if (type === 'ADDED' || type === 'MODIFIED') this.slices.set(name, obj);
    else if (type === 'DELETED') this.slices.delete(name);
    else if (type === 'ERROR') {
      // Typically 410 Gone (resourceVersion too old): the watch ends and the re-list resyncs.
      this.lastError = `watch error event: ${JSON.stringify(obj).slice(0, 200)}`;
      return;
    } else return; // BOOKMARK
    this.reconcile();
  }

  /** Diff the slices' units against the known ones: gone first, then ready. */
  private reconcile(): void {
    const skips = newSliceSkips();
    const next = unitsOfSlices(this.slices.values(), this.o.names ?? DEFAULT_UNIT_NAMES, skips);
    this.skips = skips;
    const prev = this.units;
    this.units = next;
    for (const [unit, ep] of prev) {
      const now = next.get(unit);
      if (now !== undefined && sameEndpoint(now, ep)) continue;
      this.counters.unitsGone++;
      this.emit({ type: 'unit-gone', unit, instance: ep.instance, why: now === undefined ? 'endpoint removed or not ready' : `moved to ${now.instance}` });
    }
    for (const [unit, ep] of next) {
      const was = prev.get(unit);
      if (was !== undefined && sameEndpoint(was, ep)) continue;
      this.counters.unitsReady++;
      this.emit({ type: 'unit-ready', endpoint: ep });
      for (const w of this.waiters.get(unit) ?? []) {
        clearTimeout(w.timer);
        w.resolve(ep);
      }
      this.waiters.delete(unit);
    }
  }

  private emit(e: UnitEvent): void {
    for (const l of this.listeners) l(e);
  }

  private dropWaiter(unit: number, w: Waiter): void {
    const ws = this.waiters.get(unit);
    if (ws === undefined) return;
    const i = ws.indexOf(w);
    if (i >= 0) ws.splice(i, 1);
    if (ws.length === 0) this.waiters.delete(unit);
  }

  stats(): Record<string, unknown> {
    return { ...this.counters, skips: { ...this.skips }, units: this.units.size, asked: this.asked.size, lastError: this.lastError };
  }
}

function errText(err: unknown): string {
  const e = err as { code?: number; statusCode?: number; message?: string };
  const code = e?.code ?? e?.statusCode;
  const msg = (e?.message ?? String(err)).split('\n')[0]!.slice(0, 300);
  return typeof code === 'number' ? `HTTP ${code}: ${msg}` : msg;
}

/** A factory for `new Gateway(opts, { provider })`: the function's service defaults to its name. */
export function kubernetesUnits(o: Omit<KubernetesUnitsOptions, 'service'> & { service?: string }): UnitProviderFactory {
  return (spec: UnitSpec) => new KubernetesUnitProvider({ ...o, service: o.service ?? spec.function });
}
