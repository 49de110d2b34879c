/**
 * Gateway settings: one strict object the CLI, the tests and the bench build. Pure.
 *
 * Live T. The paper's T = 500 µs does not survive Node here: a unit notices idle flows only when a
 * batch arrives or its ≥ 1 ms sweep timer fires, and a push crosses two event loops that, at
 * 50–100 k pkt/s on 2 cores, run late by milliseconds. For the push at T/2 to land before the
 * next flowlet (gap > T), T/2 must exceed that push latency. Measured seamless share of moved
 * flowlets (bench live, lb, smallFlows ×10, 2 units, 300 Mb/s per unit, 100 k pkt/s, 2 runs
 * each, 2026-11-28): T = 5 ms 0.50–0.57, 10 ms 0.47–0.53, 20 ms 0.64–0.65; at 50 k pkt/s and
 * T = 10 ms 0.80–0.85. Live default T = 20 ms (push at 10 ms). Size-forked flowlets have no idle
 * gap and can never be seamless, so live also keeps them on their unit while they fit
 * (`sizeForkStays`). Smaller T still works (hold and pull: correct, just not seamless).
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
  /** A retired unit's packets still in flight get this long to come back before they count as lost. */
  retireDrainMs: number;
  onUnitLog?: (unit: number, line: string) => void;
  /**
   * Where IDS alerts go as EVE JSON lines (gateway/alerts/): stdout | file:<path> | kafka[:topic]
   * | off. '' = kafka when KAFKA_BROKERS is set, else stdout. Unset = off (the CLI sets it).
   */
  alerts?: string;
}

export const LIVE_TIMEOUT_NS = 20_000_000;

/**
 * Live backlog budget (controller `backlogBudgetNs`; 0 would be the meter window W = 100 ms): a
 * unit whose routed-but-undrained bytes would take this long to drain at its capacity reads as
 * full. Measured (bench live, lb, smallFlows ×10, 2 units, 300 Mb/s per unit, T = 20 ms, 100 k
 * pkt/s, 2026-11-28): 20 ms and W → 90–92 % of flowlets hit the overload fallback, 75–90 k pkt/s
 * delivered, steady p50 0.18–0.46 s; 500 ms → 7–30 % overload, 99.9 k pkt/s, steady p50 1.3 ms
 * in the good runs. Why short budgets fail live: packets held at a unit while their state is
 * pulled are backlog too, so a burst of moves makes every unit look full; the overload fallback
 * ignores where state is, which causes more moves and holds — a feedback loop (reported to the
 * controller's owner). Drain credits are batched (one CREDIT per PACKETS frame and per async state
 * arrival, ≲ 1–2 ms of lag under load), which any budget ≥ 50 ms absorbs (≤ 4 % phantom load).
 */
export const LIVE_BACKLOG_BUDGET_NS = 500_000_000;

export function defaultGatewayOptions(fn: string, token: string): GatewayOptions {
  return {
    function: fn, token, host: '127.0.0.1', streamPort: 0, udpPort: null, udpEgress: null,
    state: 'proactive', mode: 'flowlet', nfTime: 'arrival', minUnits: 1, maxUnits: 8,
    controller: {}, unitEnv: {}, tickMs: 1, maxInFlight: 1 << 18, retireDrainMs: 5000,
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
  if (o.udpEgress !== null && !/^udp:[^:]+:\d{1,5}$/.test(o.udpEgress) && !/^pcap:.+/.test(o.udpEgress)) {
    throw new ConfigError('udpEgress', `must be udp:<host>:<port> or pcap:<file> (got "${o.udpEgress}")`);
  }
  if (o.minUnits < 1 || o.maxUnits < o.minUnits) throw new ConfigError('minUnits', `need 1 ≤ min (${o.minUnits}) ≤ max (${o.maxUnits})`);
  const params: { -readonly [K in keyof ControllerParams]?: ControllerParams[K] } = {
    timeoutNs: LIVE_TIMEOUT_NS,
    idleRetireNs: 10e9,
    backlogBudgetNs: LIVE_BACKLOG_BUDGET_NS,
    sizeForkStays: true,
    holdRetiredIds: true,
    // When no unit fits, a flow with bytes still queued at its unit stays there instead of moving
    // to the least loaded one (where it would pull and wait for that queue anyway). Measured (bench
    // live, lb, smallFlows ×40, 2 units, 300 Mb/s per unit, 100 k pkt/s, 4 runs per mode,
    // 2026-11-29): reactive steady p99 70–153 → 8–29 ms, external 15–210 → 12–17 ms (it breaks
    // the overload loop described at LIVE_BACKLOG_BUDGET_NS), proactive 3.9–4.0 → 3.8–5.1 ms.
    pendingStaysWhenFull: true,
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
