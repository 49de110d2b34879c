/**
 * Simulator parameters (everything that is not the controller's own configuration).
 * Defaults and why:
 * - unitBwBps 1e9: the paper's BW_max (§9 setup).
 * - ctrlToUnitNs 0: latency is the NF packet-processing latency the paper plots (queueing +
 *   state waits + service at the unit), so the controller→unit hop is off unless asked for.
 * - peerOneWayNs 80 µs, peerBwBps 10 Gb/s: the paper's NFs take ~160 µs to replicate state
 *   (§9.6) and its reactive tail is ~130 µs (§9.2); one-way 80 µs puts a pull (RTT + transfer)
 *   at ~160 µs and a push at ~80 µs.
 * - storeReadNs / storeWriteNs 74 µs: ioredis GET p50 measured here (ARCHITECTURE §7);
 *   its p99 is 256 µs, pass that to model a slow store.
 * - stateBytes 256: per-flow NAT/LB state is well under a few KB (paper §5.2).
 * - earlyPullRequest true: a pull request leaves the new unit when the gate packet arrives and
 *   waits at the old unit for the flow's previous packet (state lands at max(request arrival,
 *   departure) + hop + transfer). false: the whole pull starts at the departure (the model
 *   before 2026-11-29; it charges the request's hop twice when the old unit has a queue).
 */
import { ConfigError } from '../../sdk/errors';
import { Prng } from '../../sdk/prng';

/**
 * The simulator's seeded draws (adversarial burst placement, overlay offsets) use the SDK's one
 * PRNG. Its own copy (bench/sim/prng.ts, the same mulberry32, removed after commit f11934b) mixed
 * this constant into the seed; keeping the mix replays every recorded figure bit for bit.
 */
const SIM_SEED_MIX = 0x9e3779b9;

/** A PRNG for one of the simulator's seeded draws; `salt` keeps the draws independent. */
export function simRng(seed: number, salt: number): Prng {
  return new Prng((seed ^ salt ^ SIM_SEED_MIX) >>> 0);
}

export type StateMode = 'proactive' | 'reactive' | 'external';

export interface SimParams {
  unitBwBps: number;
  ctrlToUnitNs: number;
  peerOneWayNs: number;
  peerBwBps: number;
  storeReadNs: number;
  storeWriteNs: number;
  stateBytes: number;
  epochNs: number;
  tickNs: number;
  compress: number;
  seed: number;
  /** 0 = off; N = a 20-packet MTU burst in every Nth flow. */
  adversarialEvery: number;
  stateMode: StateMode;
  earlyPullRequest: boolean;
}

export const DEFAULT_SIM_PARAMS: Readonly<SimParams> = Object.freeze({
  unitBwBps: 1e9,
  ctrlToUnitNs: 0,
  peerOneWayNs: 80_000,
  peerBwBps: 10e9,
  storeReadNs: 74_000,
  storeWriteNs: 74_000,
  stateBytes: 256,
  epochNs: 100e6,
  tickNs: 500e3,
  compress: 1,
  seed: 1,
  adversarialEvery: 0,
  stateMode: 'proactive' as StateMode,
  earlyPullRequest: true,
});

export function simParams(over: Partial<SimParams> = {}): SimParams {
  const p: SimParams = { ...DEFAULT_SIM_PARAMS, ...over };
  const positive: Array<keyof SimParams> = ['unitBwBps', 'peerBwBps', 'epochNs', 'tickNs', 'compress'];
  for (const f of positive) {
    const v = p[f] as number;
    if (!(Number.isFinite(v) && v > 0)) throw new ConfigError(`sim.${f}`, `must be a positive number, got ${v}`);
  }
  const nonNeg: Array<keyof SimParams> = ['ctrlToUnitNs', 'peerOneWayNs', 'storeReadNs', 'storeWriteNs', 'stateBytes', 'adversarialEvery'];
  for (const f of nonNeg) {
    const v = p[f] as number;
    if (!(Number.isFinite(v) && v >= 0)) throw new ConfigError(`sim.${f}`, `must be a number >= 0, got ${v}`);
  }
  if (!['proactive', 'reactive', 'external'].includes(p.stateMode)) {
    throw new ConfigError('sim.stateMode', `must be proactive, reactive or external, got ${p.stateMode}`);
  }
  return p;
}

/** Push: serialize the state on the peer link, then one way. */
export function pushNs(p: SimParams): number {
  return (p.stateBytes * 8 * 1e9) / p.peerBwBps + p.peerOneWayNs;
}

/** Pull: a request one way, the state back one way plus its serialization. */
export function pullNs(p: SimParams): number {
  return 2 * p.peerOneWayNs + (p.stateBytes * 8 * 1e9) / p.peerBwBps;
}
