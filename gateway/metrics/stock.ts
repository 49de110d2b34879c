/**
 * The stock OpenFaaS gateway series (REFERENCE.md §3), under their stock names, types and labels,
 * so dashboards, the CE alert rule and `invocationCount` enrichment work unchanged:
 *   gateway_function_invocation_started{function_name}   counter
 *   gateway_function_invocation_total{function_name,code} counter
 *   gateway_functions_seconds{function_name,code}         histogram, default buckets .005 … 10 s
 *   gateway_service_count{function_name}                  gauge (desired replicas)
 * `function_name` is `name.namespace`. The stock names break the `_total` / `_count` conventions
 * (promtool flags `gateway_service_count`); they stay as they are on purpose.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the API (gateway/api/) reports per `/function/*` request and per replica change. */
export interface ApiMetrics {
  started(fn: string): void;
  done(fn: string, code: number, seconds: number): void;
  setReplicas(fn: string, n: number): void;
}

/** Go client's DefBuckets, which the stock gateway uses. */
export const STOCK_SECONDS_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

export class StockSeries implements ApiMetrics {
  private readonly invStarted: Counter<'function_name'>;
  private readonly invTotal: Counter<'function_name' | 'code'>;
  private readonly seconds: Histogram<'function_name' | 'code'>;
  private readonly replicas: Gauge<'function_name'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.invStarted = new Counter({ name: 'gateway_function_invocation_started', help: 'The number of function invocations started', labelNames: ['function_name'], registers });
    this.invTotal = new Counter({ name: 'gateway_function_invocation_total', help: 'Function metrics', labelNames: ['function_name', 'code'], registers });
    this.seconds = new Histogram({
      name: 'gateway_functions_seconds', help: 'Function time taken', labelNames: ['function_name', 'code'], buckets: [...STOCK_SECONDS_BUCKETS], registers,
    });
    this.replicas = new Gauge({ name: 'gateway_service_count', help: 'Current count of replicas for function', labelNames: ['function_name'], registers });
  }

  started(fn: string): void {
    this.invStarted.inc({ function_name: fn });
  }

  done(fn: string, code: number, seconds: number): void {
    const labels = { function_name: fn, code: String(code) };
    this.invTotal.inc(labels);
    this.seconds.observe(labels, seconds >= 0 && Number.isFinite(seconds) ? seconds : 0);
  }

  setReplicas(fn: string, n: number): void {
    this.replicas.set({ function_name: fn }, n);
  }

  /** A removed function's replica gauge goes away (its invocation counters stay, as counters do). */
  forgetReplicas(fn: string): void {
    this.replicas.remove({ function_name: fn });
  }
}
