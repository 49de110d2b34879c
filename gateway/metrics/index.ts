/**
 * Prometheus metrics for SNF (README.md here lists every series): the stock OpenFaaS gateway
 * series the API reports, the snf_* series of each watched function's gateway, and the :8082
 * listener with /metrics and /healthz.
 */
export { SnfMetrics, type SnfApiMetrics, type SnfMetricsOptions } from './snf-metrics';
export type { ApiMetrics } from './stock';
export { SNF_SERIES, MAX_REASON_LABELS, type GatewayView } from './snf-series';
export { startMetricsServer, DEFAULT_METRICS_PORT, type MetricsServer, type MetricsServerOptions } from './server';
export { DEFAULT_UNIT_STATS_READER, type UnitStatsReaderOptions } from './unit-stats-reader';
