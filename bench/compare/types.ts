/**
 * The result of one comparison run (`snf bench compare`, `snf demo`): what the engine produces,
 * what the report and the demo's table read. The `modes` object is the documented JSON of
 * `snf bench compare --json`; `series` carries the time series and latency CDFs the report draws
 * (the paper's Figs. 1–5) and is left out of nothing: scripts may ignore it.
 */

/** Per-mode figures (issue 11's JSON contract; keys are read by scripts, keep them stable). */
export interface CompareModeFigures {
  /** Delivered packets/s. */
  pps: number;
  latencyUs: { p50: number; p99: number };
  /** Time-averaged units (function replicas) running. */
  unitsMean: number;
  /** Provisioned capacity over demand, per 100 ms epoch with demand > 0. */
  provisionedOverDemand: { p50: number; p90: number };
  /** Packets the function was billed for (per-packet billing: every packet that ran the NF). */
  billedPackets: number;
  /** Unit-seconds the function's replicas were up (per-replica billing). */
  billedUnitSeconds: number;
  /** CPU seconds summed over every process of the mode (gateway, units, watchdogs, replayer excluded). */
  cpuSeconds: number;
  lost: number;
  reordered: number;
  /** Packets the replayer sent (optional, added by bench/compare for invariants: delivered + lost = offered). */
  offered?: number;
  /** Packets that came back from the gateway (any verdict). */
  delivered?: number;
  /**
   * The gateway's own stats JSON, as it printed them on stop (`snf gateway`'s last stderr line:
   * data-path counters, refusals, units, controller): what a mode with delivered ≠ billed needs
   * to be diagnosed. Optional; left out of the report's table.
   */
  gatewayStats?: Record<string, unknown>;
}

/** Which implementation served a mode (the `packet` mode says whether the real of-watchdog ran). */
export interface CompareModeRuntime {
  /** e.g. "snf-gateway+snf-watchdog", "of-watchdog 0.11.6 (http) + snf watchdog --http", "snf watchdog --http". */
  runtime: string;
}

/** Time series of one mode, one sample per epoch. */
export interface CompareModeSeries {
  epochMs: number;
  /** Epoch start, ms since the replay began. */
  tMs: number[];
  /** Offered load in units' worth of capacity (demand bits/s ÷ one unit's capacity). */
  demandUnits: number[];
  /** Units running (time-averaged over the epoch). */
  provisionedUnits: number[];
  /** Mean utilization of the running units in the epoch, 0..1. */
  utilization: number[];
  /** Empirical latency CDF, ascending: [latency µs, fraction ≤ it]; at most ~200 points. */
  latencyCdfUs: Array<[number, number]>;
}

export type CompareModeResult = CompareModeFigures & CompareModeRuntime;

export interface CompareResult {
  /** Trace path, or "generated:<profile>" for the built-in traffic. */
  trace: string;
  offeredPps: number;
  function: string;
  /** ISO date of the run. */
  date: string;
  /** Parameters that shaped the run (time compression, T, capacity, units, …), for figure captions. */
  params: Record<string, string | number | boolean>;
  modes: Record<string, CompareModeResult>;
  series: Record<string, CompareModeSeries>;
}
