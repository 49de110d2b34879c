/**
 * Scrape-time series: a metric whose samples are computed when Prometheus scrapes, from numbers
 * the gateway already keeps (cumulative counters, current gauges, a bucket array). prom-client's
 * Counter only goes up by `inc`, which does not fit "read the total"; this object has the shape
 * prom-client's Registry formats (name, help, type, get() → values), so the text output and its
 * escaping stay prom-client's.
 */
import type { Metric, Registry } from 'prom-client';

export type Labels = Record<string, string | number>;
export interface Sample { labels: Labels; value: number; metricName?: string }
export type ViewType = 'counter' | 'gauge' | 'histogram';

export class ViewMetric {
  readonly aggregator = 'sum' as const;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: ViewType,
    /** The samples now (called once per scrape, after SnfMetrics refreshed its snapshot). */
    private readonly read: (out: Sample[]) => void,
  ) {}

  get(): Promise<{ name: string; help: string; type: ViewType; aggregator: 'sum'; values: Sample[] }> {
    const values: Sample[] = [];
    this.read(values);
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  registerIn(registry: Registry): this {
    // The Registry only calls name/help/type/get(); its type names prom-client's own classes.
    registry.registerMetric(this as unknown as Metric);
    return this;
  }
}

/**
 * Histogram samples from per-bucket (non-cumulative) counts whose last slot is beyond the
 * largest bound: `<name>_bucket{le}` cumulative, then `_sum` and `_count`.
 */
export function histogramSamples(
  out: Sample[], name: string, labels: Labels, bounds: readonly number[], counts: ArrayLike<number>, sum: number,
): void {
  let acc = 0;
  for (let i = 0; i < bounds.length; i++) {
    acc += counts[i]!;
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: bounds[i]! }, value: acc });
  }
  acc += counts[bounds.length]!;
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: acc });
  out.push({ metricName: `${name}_sum`, labels, value: sum });
  out.push({ metricName: `${name}_count`, labels, value: acc });
}
