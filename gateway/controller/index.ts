/**
 * The SNF controller (paper §4, §5.2, §7; ARCHITECTURE §3–§5): flowlet detection (WGM), demand
 * estimation, weighted greedy bin-packing (WAM), state metadata (SMM: logical clocks, previous
 * unit, K replication targets), drain-rate load meter, scaler, and the baseline modes.
 *
 * PURE: time is an argument (`nowNs`, integer ns on the caller's clock), randomness comes from a
 * seeded PRNG, nothing here reads a clock, sets a timer or does I/O, and nothing imports Kafka,
 * gRPC, Redis or HTTP modules. The live gateway and the discrete-event simulator run this code.
 *
 * Per packet:   const d = controller.route(key, wireBytes, nowNs)   // d is reused: read it now
 * Per service:  controller.onDrained(unit, wireBytes, nowNs)        // when the unit finished it
 * Periodically: controller.tick(nowNs)                              // ≥ every loadBucketNs is ideal
 */
export { Controller } from './controller';
export { DEFAULT_PARAMS, parseMode, resolveParams, type AssignmentMode, type ControllerParams } from './params';
export {
  RouteReason,
  ROUTE_REASON_NAMES,
  UnitState,
  UNIT_STATE_NAMES,
  type ControllerCounters,
  type ControllerHooks,
  type RouteDecision,
  type ScalingAction,
  type UnitSnapshot,
} from './types';
export type { FlowKey } from '../../sdk/flow-key';
export { ResourceManager, CapacityRequester, independentAllocation, DEFAULT_REQUESTER, type Lease, type CapacityRequesterOptions } from './resource-manager';
