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
import { parseMode, type AssignmentMode, type ControllerParams } from './controller';

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
    ...o.controller,
    mode,
    initialUnits: o.minUnits,
    maxUnits: o.maxUnits,
  };
  if (m.smartflowPeriodNs !== undefined) params.smartflowPeriodNs = m.smartflowPeriodNs;
  const packet = mode === 'packet';
  const http = packet || o.state === 'external';
  return { params, http, serialiseFlows: http && !packet, replicate: !http && o.state === 'proactive' };
}
