/**
 * Gateway settings: one strict object the CLI, the tests and the bench build. Pure. The live
 * defaults and their measurements are the `LIVE` profile (profiles.ts); values derived from T
 * (the units' T/2, their eviction time) come from `unitSettings` there, never from here.
 */
import { ConfigError } from '../sdk/errors';
import { resolveParams, type ControllerParams } from './controller';
import { parseRunMode, type StateMode } from './modes';
import { LIVE, unitSettings } from './profiles';

export type { StateMode } from './modes';

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
  /** `<assignment>[/<state>]` (gateway/modes.ts), e.g. `flowlet`, `flowlet/reactive`, `packet`. */
  mode: string;
  /** Which time the NF sees as ctx.nowNs: gateway arrival (live) or the source's stamp (replay, reproducible). */
  nfTime: 'arrival' | 'source';
  minUnits: number;
  maxUnits: number;
  /** Controller overrides of the LIVE profile (timeoutNs, sizeThresholdBytes, alpha, k, unitCapacityBps, …). */
  controller: Partial<ControllerParams>;
  /** Extra environment for the units; wins over the derived SNF_IDLE_PUSH_US (SNF_EVICT_MS is only raised). */
  unitEnv: Record<string, string>;
  /** Extra node flags for unit processes (SNF_GATEWAY_UNIT_NODE_FLAGS). */
  unitNodeFlags: readonly string[];
  tickMs: number;
  /**
   * Synthetic packets run through scratch copies of the dispatch path at start, before ingress
   * opens (dispatch/warm-up.ts; 0 = none). Default DEFAULT_GATEWAY_WARMUP_PACKETS.
   */
  warmupPackets?: number;
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
  /** Port of the Prometheus /metrics and /healthz listener (gateway/metrics/; 0 = any free port); null/unset = off. Started by the CLI. */
  metricsPort?: number | null;
  /**
   * Output loggers (fault tolerance, watchdog/logger/): `off` (EGRESS straight from the units),
   * `memory` (a logger per unit keeps a mirror), `kafka:fast` / `kafka:strict` (and appends to
   * Kafka: release then append / append then release). Unset = off.
   */
  logger?: LoggerMode;
  /** `packet` mode: each HTTP unit is this of-watchdog binary (http mode) in front of `snf watchdog --http`. */
  ofWatchdog?: string;
  /**
   * Latency breakdown (`snf bench live`): units run with SNF_TIMING=1, the dispatch core keeps
   * where each packet's time went for packets with seq ≥ `fromSeq`. Unset = off (no cost).
   */
  timing?: { fromSeq: number };
  /**
   * Checkpoint to Redis under this key prefix (gateway/checkpoint/), and resume from the one there
   * at start (a gateway restarted after a crash). Needs `logger` ≠ off (clocks are made exact from
   * the logs). Unset/null = off.
   */
  checkpoint?: string | null;
  /** Checkpoint flush interval (ms; default 20). */
  checkpointMs?: number;
  /** Backpressure: packets a unit may have queued before frames wait in the gateway (unit-link.ts DEFAULT_LINK_MAX_QUEUED, 8192; 0 = none). */
  linkMaxQueued?: number;
}

export type LoggerMode = 'off' | 'memory' | 'kafka:fast' | 'kafka:strict';

/** Enough for V8 to optimise the per-packet path (~1 ms per 1 000 packets here). */
export const DEFAULT_GATEWAY_WARMUP_PACKETS = 8192;

export function defaultGatewayOptions(fn: string, token: string): GatewayOptions {
  return {
    function: fn, token, host: '127.0.0.1', streamPort: 0, udpPort: null, udpEgress: null,
    mode: 'flowlet', nfTime: 'arrival', minUnits: 1, maxUnits: 8,
    controller: {}, unitEnv: {}, unitNodeFlags: [], tickMs: 1, maxInFlight: 1 << 18, retireDrainMs: 5000,
  };
}

export interface ResolvedRouting {
  /** The effective controller parameters: LIVE overlaid with the options (validated). */
  params: ControllerParams;
  state: StateMode;
  /** Units are HTTP (`packet` mode, state in Redis) rather than data-plane compute units. */
  http: boolean;
  /** Send replication targets (proactive push). */
  replicate: boolean;
  /** Compute units keep state in Redis (read at flowlet start, written at T/2 idle). */
  externalState: boolean;
}

/**
 * Environment the gateway gives every unit on top of `o.unitEnv`:
 *  - SNF_MAX_UNITS, so the NF can partition unit-local resources (NAT ports) per unit id;
 *  - SNF_IDLE_PUSH_US = the effective T/2 (profiles.ts `unitSettings`) unless `o.unitEnv` sets it;
 *  - SNF_EVICT_MS ≥ the controller's flow expiry + margin: a unit must never forget a flow the
 *    controller still remembers (its next flowlet could come back here with prevUnit = this unit
 *    and nobody to pull from). A smaller value in `o.unitEnv` is raised to that floor;
 *  - external state: SNF_STATE=external and this run's key namespace;
 *  - SNF_IDLE_GATEWAY_CLOCK=0 when the NF time is the source's (tsNs is then not the gateway's clock).
 */
export function unitEnvFor(o: GatewayOptions, r: ResolvedRouting, runId: string): Record<string, string> {
  const derived = unitSettings(r.params);
  const env: Record<string, string> = {
    SNF_MAX_UNITS: String(o.maxUnits), SNF_IDLE_PUSH_US: String(derived.idlePushUs), ...(o.timing ? { SNF_TIMING: '1' } : {}),
    // PACKETS tsNs is the replayer's stamp, not the gateway's clock: units count idleness on their own.
    ...(o.nfTime === 'source' ? { SNF_IDLE_GATEWAY_CLOCK: '0' } : {}),
    ...o.unitEnv,
  };
  const asked = env.SNF_EVICT_MS !== undefined ? Number(env.SNF_EVICT_MS) : 0;
  env.SNF_EVICT_MS = String(Math.max(derived.evictMs, Number.isFinite(asked) ? asked : 0));
  if (r.externalState) {
    env.SNF_STATE = 'external';
    env.SNF_STATE_NS = runId;
  }
  // Output loggers name their Kafka topic after the run too: a new run never replays an older one's records.
  if (o.logger !== undefined && o.logger.startsWith('kafka')) env.SNF_STATE_NS = runId;
  return env;
}

/** Maps the mode and options onto controller params (the LIVE profile overlaid) and the unit kind. ConfigError on bad combos. */
export function resolveRouting(o: GatewayOptions): ResolvedRouting {
  const m = parseRunMode(o.mode);
  if (o.udpEgress !== null && !/^udp:[^:]+:\d{1,5}$/.test(o.udpEgress) && !/^pcap:.+/.test(o.udpEgress)) {
    throw new ConfigError('udpEgress', `must be udp:<host>:<port> or pcap:<file> (got "${o.udpEgress}")`);
  }
  if (o.checkpoint != null && (o.logger ?? 'off') === 'off') throw new ConfigError('checkpoint', 'needs an output logger (--logger memory|kafka:fast|kafka:strict): a restarted gateway reads the flows\' clocks from the logs');
  if (o.minUnits < 1 || o.maxUnits < o.minUnits) throw new ConfigError('minUnits', `need 1 ≤ min (${o.minUnits}) ≤ max (${o.maxUnits})`);
  const params = resolveParams({
    ...LIVE.controller,
    ...o.controller,
    mode: m.assignment,
    initialUnits: o.minUnits,
    maxUnits: o.maxUnits,
    ...(m.smartflowPeriodNs !== undefined ? { smartflowPeriodNs: m.smartflowPeriodNs } : {}),
  });
  // `external` runs on the compute units' data plane with state in Redis; only the per-packet
  // `packet` baseline uses HTTP units.
  const http = m.assignment === 'packet';
  return { params, state: m.state, http, replicate: !http && m.state === 'proactive', externalState: !http && m.state === 'external' };
}
