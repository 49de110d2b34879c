/**
 * KubernetesUnitProvider: a function's compute units are the ready endpoints of its Service's
 * EndpointSlices (slices.ts says what is read from them). The provider lists the slices, then
 * watches them from that list's resourceVersion (a watch, not polling); when the watch ends or
 * fails it lists and watches again after a backoff (200 ms doubling to 5 s, reset by a watch
 * that delivered something), so an API server that goes away and comes back is followed again,
 * and anything missed meanwhile is caught by the re-list (the diff below emits it).
 *
 * Unit ids: a pod started with `SNF_UNIT_ID=gateway` (a Deployment's) has none; the provider
 * gives each ready endpoint the lowest free id (unit-ids.ts: stable while the endpoint is listed,
 * held `idHoldMs` after it goes) and the gateway's link tells the unit in the handshake. A pod the
 * Deployment replaces gets a free id again, so `replacesUnits`: the pool reconnects a unit the
 * controller still runs once its id is back.
 *
 * Units appear and go on their own (pods): every change is diffed against what was known and
 * reported as `unit-ready` / `unit-gone` (an endpoint that went away, turned not-ready or
 * terminating, or moved to another pod or address). The pool treats an unasked `unit-gone` like
 * a failed unit. `start(unit)` does not create anything: it resolves with unit `unit`'s endpoint
 * once the slices show it (or rejects with SNF_ERR_UNIT_START after `startTimeoutMs`); pods are
 * created by scaling the function's Deployment, `scale(replicas)`, through its scale subresource.
 * `stop(unit)` only forgets that the unit was asked for (the pod runs on until scaled away).
 *
 * With `replicas: {min, max}` (SNF's own function provider, and the proxy path) the controller's
 * scaler acts through the Deployment: `start(unit)` of a unit not yet seen sets the Deployment's
 * replicas to the units asked for, and `stop(unit)` lowers it again, both clamped to the
 * function's `com.openfaas.scale.min/max` labels; the pods that come up are the new units.
 */
import { SnfError } from '../../../sdk/errors';
import type { UnitEndpoint, UnitEvent, UnitKind, UnitProvider, UnitProviderFactory, UnitSpec } from '../provider';
import type { KubeApi } from './kube-api';
import { kubeErrorText, ListWatch, type ListWatchCounters } from './list-watch';
import { DEFAULT_UNIT_NAMES, newSliceSkips, sameEndpoint, unitsOfSlices, type KubeUnitNames, type SliceLike, type SliceSkips } from './slices';
import { MAX_UNIT_ID, UnitIds } from './unit-ids';

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
  /** Ids given to pods without one: 1..maxUnits (default: the gateway's SNF_MAX_UNITS, else 32767). */
  maxUnits?: number;
  /** How long the id of an endpoint that went stays unused (default 5000 ms; unit-ids.ts). */
  idHoldMs?: number;
  /** Watch failures, re-lists (default: dropped). */
  onLog?: (line: string) => void;
  /**
   * Scale when the controller asks for units (clamped to min..max): through `set` when given (the
   * proxy path: faas-netes' scale-function), else the Deployment's scale subresource; unset = never.
   */
  replicas?: { min: number; max: number; set?: (replicas: number) => Promise<void> };
}

export interface KubernetesUnitsCounters extends ListWatchCounters {
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
  readonly replacesUnits = true;
  readonly service: string;
  readonly deployment: string;
  private readonly own = { unitsReady: 0, unitsGone: 0, scales: 0, scaleErrors: 0 };
  /** What the last reconcile skipped (see slices.ts). */
  skips: SliceSkips = newSliceSkips();
  private readonly slices = new Map<string, SliceLike>();
  private units = new Map<number, UnitEndpoint>();
  private readonly listeners = new Set<(e: UnitEvent) => void>();
  private readonly waiters = new Map<number, Waiter[]>();
  private readonly asked = new Set<number>();
  private readonly lw: ListWatch<SliceLike>;
  private closed = false;
  private readonly ids: UnitIds;
  /** Reconciles again when a held id frees (a ready endpoint may be waiting for it). */
  private releaseTimer: NodeJS.Timeout | null = null;
  /** Replicas last set through the Deployment (-1: not yet). */
  private setTo = -1;
  private scaling: Promise<void> = Promise.resolve();

  constructor(private readonly o: KubernetesUnitsOptions) {
    this.service = o.service ?? '';
    this.deployment = o.deployment ?? this.service;
    this.ids = new UnitIds(o.maxUnits ?? MAX_UNIT_ID, o.idHoldMs ?? 5000);
    const selector = `kubernetes.io/service-name=${this.service}`;
    this.lw = new ListWatch<SliceLike>({
      server: o.api.server,
      list: () => o.api.listSlices(o.namespace, selector),
      watch: (rv, onEvent, done) => o.api.watchSlices(o.namespace, selector, rv, onEvent, done),
    }, {
      reset: (items) => {
        this.slices.clear();
        for (const s of items) this.slices.set(s.metadata?.name ?? '', s);
        this.reconcile();
      },
      event: (type, obj) => {
        const name = obj.metadata?.name ?? '';
        if (type === 'DELETED') this.slices.delete(name);
        else this.slices.set(name, obj);
        this.reconcile();
      },
      failed: (why, ms) => this.log(`${why}; again in ${ms} ms`),
    }, o.backoffMs);
  }

  get counters(): KubernetesUnitsCounters {
    return { ...this.lw.counters, unitsReady: this.own.unitsReady, unitsGone: this.own.unitsGone, scales: this.own.scales };
  }

  /** The last list or watch error, for messages and stats (null while healthy). */
  get lastError(): string | null {
    return this.lw.lastError;
  }

  /** Resolves after the first successful list (tests; `start` does not need it). */
  synced(): Promise<void> {
    return this.lw.synced();
  }

  start(unit: number, kind: UnitKind): Promise<UnitEndpoint> {
    if (kind !== 'compute') return Promise.reject(new SnfError('SNF_ERR_UNIT_START', `unit ${unit}: the kubernetes provider runs compute units only (not ${kind})`));
    this.asked.add(unit);
    const ep = this.units.get(unit);
    if (ep !== undefined) return Promise.resolve(ep);
    this.follow();
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
    this.follow();
    return Promise.resolve();
  }

  /** With `replicas`: the Deployment follows the units asked for (clamped), one patch at a time. */
  private follow(): void {
    const r = this.o.replicas;
    if (r === undefined || this.closed) return;
    this.scaling = this.scaling.then(async () => {
      const want = Math.max(r.min, Math.min(r.max, this.asked.size));
      if (want === this.setTo || this.closed) return;
      try {
        if (r.set !== undefined) {
          await r.set(want);
          this.own.scales++;
        } else await this.scale(want);
        this.setTo = want;
        this.log(`replicas set to ${want} (units asked ${this.asked.size}, min ${r.min}, max ${r.max})`);
      } catch (err) {
        this.own.scaleErrors++;
        this.log(`setting replicas of deployment ${this.deployment} to ${want} failed: ${kubeErrorText(err)}`);
      }
    });
  }

  list(): UnitEndpoint[] {
    return [...this.units.values()];
  }

  on(listener: (e: UnitEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Sets the Deployment's replicas (scale subresource); the new pods show up as unit-ready. */
  async scale(replicas: number): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new SnfError('SNF_ERR_USAGE', `replicas must be an integer ≥ 0 (got ${replicas})`);
    await this.o.api.setReplicas(this.o.namespace, this.deployment, replicas);
    this.own.scales++;
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.releaseTimer !== null) clearTimeout(this.releaseTimer);
    this.lw.close();
    for (const [unit, ws] of this.waiters) {
      for (const w of ws) {
        clearTimeout(w.timer);
        w.reject(new SnfError('SNF_ERR_UNIT_START', `unit ${unit}: provider closed`));
      }
    }
    this.waiters.clear();
    return Promise.resolve();
  }

  private log(line: string): void {
    this.o.onLog?.(`kubernetes ${this.o.namespace}/${this.service}: ${line}`);
  }

  /** Diff the slices' units against the known ones: gone first, then ready. */
  private reconcile(): void {
    const skips = newSliceSkips();
    const next = unitsOfSlices(this.slices.values(), this.o.names ?? DEFAULT_UNIT_NAMES, skips, this.ids, Date.now());
    this.skips = skips;
    this.armRelease();
    const prev = this.units;
    this.units = next;
    for (const [unit, ep] of prev) {
      const now = next.get(unit);
      if (now !== undefined && sameEndpoint(now, ep)) continue;
      this.own.unitsGone++;
      this.emit({ type: 'unit-gone', unit, instance: ep.instance, why: now === undefined ? 'endpoint removed or not ready' : `moved to ${now.instance}` });
    }
    for (const [unit, ep] of next) {
      const was = prev.get(unit);
      if (was !== undefined && sameEndpoint(was, ep)) continue;
      this.own.unitsReady++;
      this.emit({ type: 'unit-ready', endpoint: ep });
      for (const w of this.waiters.get(unit) ?? []) {
        clearTimeout(w.timer);
        w.resolve(ep);
      }
      this.waiters.delete(unit);
    }
  }

  private armRelease(): void {
    if (this.releaseTimer !== null) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    const at = this.ids.nextRelease();
    if (at < 0 || this.closed) return;
    this.releaseTimer = setTimeout(() => {
      this.releaseTimer = null;
      if (!this.closed) this.reconcile();
    }, Math.max(1, at - Date.now() + 1));
    this.releaseTimer.unref();
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
    return {
      ...this.counters, scaleErrors: this.own.scaleErrors, skips: { ...this.skips }, units: this.units.size, asked: this.asked.size, lastError: this.lastError,
      idsAssigned: this.ids.assigned, idsHeld: this.ids.heldIds,
    };
  }
}

/** A factory for `new Gateway(opts, { provider })`: the function's service defaults to its name, max units to the gateway's. */
export function kubernetesUnits(o: Omit<KubernetesUnitsOptions, 'service'> & { service?: string }): UnitProviderFactory {
  return (spec: UnitSpec) => {
    const max = Number(spec.env.SNF_MAX_UNITS ?? '');
    return new KubernetesUnitProvider({ maxUnits: Number.isInteger(max) && max > 0 ? max : undefined, ...o, service: o.service ?? spec.function });
  };
}
