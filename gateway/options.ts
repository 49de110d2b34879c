/**
 * Gateway settings: one strict object the CLI, the tests and the bench build. Pure.
 *
 * Live T. The paper's T = 500 µs does not survive Node's timers here: a unit notices idle flows
 * only when a batch arrives or its ≥ 1 ms sweep timer fires (setTimeout(0) ≈ 1.1 ms, ARCHITECTURE
 * §7), and a gRPC Push takes ~0.5 ms (p99 ~2.3 ms). For the push at T/2 to land before the next
 * flowlet (gap > T) we need T/2 ≳ sweep lag + push latency ≈ 1–3 ms, so the live default is
 * T = 5 ms (idle push at 2.5 ms). Smaller T still works (the unit holds and pulls: correct, just
 * not seamless); see bench/live/README.md for the measured seamless share by T.
 */
import { ConfigError } from '../sdk/errors';
import { DEFAULT_PARAMS, parseMode, type AssignmentMode, type ControllerParams } from './controller';

export type StateMode = 'proactive' | 'reactive' | 'external';
export const STATE_MODES: readonly StateMode[] = ['proactive', 'reactive', 'external'];

export interface GatewayOptions {
  function: string;
  token: string;
  /** NF configuration file passed to the units. */
  configFile?: string;
  host: string;
  /** Replayer stream port (0 = any free port; null = off). */
  streamPort: number | null;
  /** Raw-IPv4-per-datagram UDP ingress port (null = off). */
  udpPort: number | null;
  /** Egress for UDP ingress: "udp:host:port", "pcap:<file>", or null (counted and dropped). */
  udpEgress: string | null;
  state: StateMode;
  mode: string;
  /** Which time the NF sees as ctx.nowNs: gateway arrival (live) or the source's stamp (replay, reproducible). */
  nfTime: 'arrival' | 'source';
  minUnits: number;
  maxUnits: number;
  /** Controller overrides (timeoutNs, sizeThresholdBytes, alpha, k, unitCapacityBps, …). */
  controller: Partial<ControllerParams>;
  /** Extra environment for the units. */
  unitEnv: Record<string, string>;
  tickMs: number;
  /** In-flight packets the gateway tracks (beyond: dropped and counted). */
  maxInFlight: number;
  onUnitLog?: (unit: number, line: string) => void;
}

export const LIVE_TIMEOUT_NS = 5_000_000;

/**
 * Live backlog budget (controller `backlogBudgetNs`): a unit whose routed-but-undrained bytes would
 * take this long to drain at its capacity reads as full. Drain credits are batched — a unit sends
 * one CREDIT per PACKETS frame it processed (plus one per async state arrival), so a healthy unit
 * always shows about one event-loop turn of "backlog" (≲ 1–2 ms here under load). With a 20 ms
 * budget that lag reads as ≤ 5–10 % of capacity, while a real queue of 20 ms (e.g. packets held
 * for state, or a unit that fell behind) makes the unit stop taking new flowlets at once. Much
 * smaller budgets would turn batching lag into phantom load; the controller's default (0 = the
 * 100 ms meter window) lets a live unit queue 100 ms before it reads as full.
 */
export const LIVE_BACKLOG_BUDGET_NS = 20_000_000;

export function defaultGatewayOptions(fn: string, token: string): GatewayOptions {
  return {
    function: fn, token, host: '127.0.0.1', streamPort: 0, udpPort: null, udpEgress: null,
    state: 'proactive', mode: 'flowlet', nfTime: 'arrival', minUnits: 1, maxUnits: 8,
    controller: {}, unitEnv: {}, tickMs: 1, maxInFlight: 1 << 18,
  };
}

export interface ResolvedRouting {
  params: Partial<ControllerParams>;
  /** Units are HTTP (`--http`, state in Redis) rather than data-plane compute units. */
  http: boolean;
  /** Serialise packets per flow on the HTTP path (external state). */
  serialiseFlows: boolean;
  /** Send replication targets (proactive push). */
  replicate: boolean;
  /** Compute units keep state in Redis (read at flowlet start, written at T/2 idle). */
  externalState: boolean;
}

/** A unit forgets a flow this long after the controller may have (ms). */
export const EVICT_MARGIN_MS = 5000;

/**
 * Environment the gateway gives every unit on top of `o.unitEnv`:
 *  - SNF_MAX_UNITS, so the NF can partition unit-local resources (NAT ports) per unit id;
 *  - SNF_EVICT_MS ≥ the controller's flow expiry + margin: a unit must never forget a flow the
 *    controller still remembers (its next flowlet could come back here with prevUnit = this unit
 *    and nobody to pull from). A smaller value in `o.unitEnv` is raised to that floor;
 *  - external state: SNF_STATE=external and this run's key namespace.
 */
export function unitEnvFor(o: GatewayOptions, r: ResolvedRouting, runId: string): Record<string, string> {
  const expiryNs = r.params.flowIdleExpiryNs ?? DEFAULT_PARAMS.flowIdleExpiryNs;
  const floorMs = Math.ceil(expiryNs / 1e6) + EVICT_MARGIN_MS;
  const env: Record<string, string> = { SNF_MAX_UNITS: String(o.maxUnits), ...o.unitEnv };
  const asked = env.SNF_EVICT_MS !== undefined ? Number(env.SNF_EVICT_MS) : 0;
  env.SNF_EVICT_MS = String(Math.max(floorMs, Number.isFinite(asked) ? asked : 0));
  if (r.externalState) {
    env.SNF_STATE = 'external';
    env.SNF_STATE_NS = runId;
  }
  return env;
}

/** Maps --state/--mode onto controller params and the unit kind. ConfigError on bad combos. */
export function resolveRouting(o: GatewayOptions): ResolvedRouting {
  if (!STATE_MODES.includes(o.state)) throw new ConfigError('state', `must be one of ${STATE_MODES.join(', ')} (got "${o.state}")`);
  const m = parseMode(o.mode);
  const mode: AssignmentMode = m.mode;
  if (o.minUnits < 1 || o.maxUnits < o.minUnits) throw new ConfigError('minUnits', `need 1 ≤ min (${o.minUnits}) ≤ max (${o.maxUnits})`);
  const params: { -readonly [K in keyof ControllerParams]?: ControllerParams[K] } = {
    timeoutNs: LIVE_TIMEOUT_NS,
    idleRetireNs: 10e9,
    backlogBudgetNs: LIVE_BACKLOG_BUDGET_NS,
    ...o.controller,
    mode,
    initialUnits: o.minUnits,
    maxUnits: o.maxUnits,
  };
  if (m.smartflowPeriodNs !== undefined) params.smartflowPeriodNs = m.smartflowPeriodNs;
  // `external` runs on the compute units' data plane with state in Redis; only the per-packet
  // `packet` baseline uses HTTP units.
  const http = mode === 'packet';
  return { params, http, serialiseFlows: false, replicate: !http && o.state === 'proactive', externalState: !http && o.state === 'external' };
}
