/**
 * SnfMetrics: one prom-client Registry (never the global default) holding the stock gateway
 * series (stock.ts: the API reports invocations and replicas) and the snf_* series of every
 * watched function's SNF Gateway (snf-series.ts, read at scrape time). `render()` is what
 * /metrics serves (server.ts).
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { StockSeries, type ApiMetrics } from './stock';
import { registerSnfSeries, ReasonLabels, type GatewayView, type Watched } from './snf-series';
import { DEFAULT_UNIT_STATS_READER, UnitStatsReader, type UnitStatsReaderOptions } from './unit-stats-reader';

export interface SnfMetricsOptions {
  /** Node process series (process_*, nodejs_*) from prom-client, like the stock gateway's Go collectors. Default true. */
  processMetrics?: boolean;
  /** How the units' counters are read per scrape (cache age, scrape timeout). */
  unitStats?: UnitStatsReaderOptions;
}

/** What the API (gateway/api/) calls; watch/unwatch attach a function's SNF gateway. */
export interface SnfApiMetrics extends ApiMetrics {
  watch?(fn: string, gw: GatewayView): void;
  unwatch?(fn: string): void;
}

export class SnfMetrics implements SnfApiMetrics {
  readonly registry = new Registry();
  private readonly stock: StockSeries;
  private readonly watched = new Map<string, Watched>();
  private readonly unitStatsOptions: UnitStatsReaderOptions;

  constructor(o: SnfMetricsOptions = {}) {
    this.stock = new StockSeries(this.registry);
    this.unitStatsOptions = o.unitStats ?? DEFAULT_UNIT_STATS_READER;
    registerSnfSeries(this.registry, () => this.watched.values());
    if (o.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  started(fn: string): void {
    this.stock.started(fn);
  }

  done(fn: string, code: number, seconds: number): void {
    this.stock.done(fn, code, seconds);
  }

  setReplicas(fn: string, n: number): void {
    this.stock.setReplicas(fn, n);
  }

  /** Removes a deleted function's replica gauge. */
  forgetReplicas(fn: string): void {
    this.stock.forgetReplicas(fn);
  }

  /** Report snf_* series for `fn`'s gateway from now on (replaces an earlier one). */
  watch(fn: string, gw: GatewayView): void {
    this.watched.set(fn, { fn, gw, units: new UnitStatsReader(gw, this.unitStatsOptions), reasons: new ReasonLabels() });
  }

  unwatch(fn: string): void {
    this.watched.delete(fn);
  }

  /** The text exposition: refreshes the units' counters (bounded wait), then formats. */
  async render(): Promise<string> {
    await Promise.all([...this.watched.values()].map((w) => w.units.refresh()));
    return this.registry.metrics();
  }
}
