/**
 * What the controller hands its callers (the live gateway and the simulator). Numbers, not
 * strings, on the hot path; the name tables are for logs and metrics labels.
 */

/** Why a packet went where it went. */
export const RouteReason = {
  /** Packet belongs to the open flowlet (or, in flow/smartflow, to the flow's unit). */
  SAME_FLOWLET: 0,
  /** First packet of a flow the table does not know (or forgot). */
  NEW_FLOW: 1,
  /** Gap since the flow's previous packet > T. */
  TIMEOUT: 2,
  /** The flowlet would exceed B bytes with this packet. */
  SIZE: 3,
  /** `packet` mode: per-packet round robin. */
  PACKET: 4,
} as const;
export type RouteReason = (typeof RouteReason)[keyof typeof RouteReason];
export const ROUTE_REASON_NAMES = ['same-flowlet', 'new-flow', 'timeout', 'size', 'packet'] as const;

export const UnitState = {
  /** Id free (never started or retired). */
  NONE: 0,
  /** Started; may be assigned work; serves from `readyAtNs`. */
  STARTING: 1,
  ACTIVE: 2,
  /** Retired, but its process may still be draining (`holdRetiredIds`): the id is not reused until `unitGone`. */
  DRAINING: 3,
} as const;
export type UnitState = (typeof UnitState)[keyof typeof UnitState];
export const UNIT_STATE_NAMES = ['none', 'starting', 'active', 'draining'] as const;

/**
 * The answer to `route()`. ONE object per controller, overwritten by every call: read it before
 * the next call; copy what you keep. Unit ids start at 1.
 */
export interface RouteDecision {
  /** Unit that processes this packet. */
  unit: number;
  /** This packet starts a flowlet (the unit was chosen by the bin-packer now). */
  newFlowlet: boolean;
  /** Controller-wide flowlet sequence number (1, 2, …) of the packet's flowlet. */
  flowletId: number;
  /** Per-flow logical clock: 1 for the flow's first packet, +1 per packet (§5.3). */
  clock: number;
  /** Unit of the flow's previous flowlet (where its state is), -1 for the first flowlet. */
  prevUnit: number;
  /**
   * Replication targets of the current flowlet (where the unit pushes state after T/2 idle):
   * `targets[0..targetCount)`, distinct, never `unit`, only ready units. Length of the array is K.
   */
  readonly targets: Int32Array;
  targetCount: number;
  reason: RouteReason;
  /** The chosen unit already had the flow's state when the flowlet was assigned (prev unit or pushed-to target). */
  hasState: boolean;
  /**
   * Earliest time the unit may process this packet (ns): the unit's start-up end, or the end of a
   * smartflow state migration. 0 or ≤ nowNs means "now".
   */
  holdUntilNs: number;
  /** `packet` mode: state lives in the external store; charge one store read + write per packet. */
  externalState: boolean;
  /** No unit had room and none could be started: `unit` is the least loaded one, overloaded. */
  overloaded: boolean;
  /** Slot of the flow in the controller's flow table (stable while the flow is remembered). */
  flowSlot: number;
}

export interface ScalingAction {
  kind: 'start' | 'stop';
  unit: number;
  atNs: number;
  /** For 'start': when the unit can serve. */
  readyAtNs: number;
}

/** Side-effect ports. Called synchronously, rarely (scaling, migrations) — never per packet. */
export interface ControllerHooks {
  onUnitStart?(unit: number, nowNs: number, readyAtNs: number): void;
  onUnitStop?(unit: number, nowNs: number): void;
  /** smartflow: a flow moved; its state must migrate `fromUnit` → `toUnit` by `untilNs`. */
  onFlowMigrate?(flowSlot: number, fromUnit: number, toUnit: number, untilNs: number): void;
}

export interface UnitSnapshot {
  unit: number;
  /** `standby`: a warm standby (up or still starting), given no work until promoted. */
  state: 'starting' | 'active' | 'standby';
  readyAtNs: number;
  /** Load used for packing (bps): drain meter + open flowlets' demand + backlog·8/backlogBudgetNs (terms off per params). */
  loadBps: number;
  meterBps: number;
  openDemandBps: number;
  /** Bytes routed to the unit and not yet drained. */
  backlogBytes: number;
  utilization: number;
  lastRoutedNs: number;
}

/** Monotonic counters (become `snf_*` metrics). */
export interface ControllerCounters {
  packets: number;
  flowlets: number;
  flowletsByReason: [number, number, number, number, number];
  /** New flowlets placed on a unit that already had the flow's state. */
  flowletsWithState: number;
  /** New flowlets placed on a different unit than the previous flowlet. */
  flowletsMoved: number;
  /** Of the moved: cut by size B (no idle gap, so no push before them: they pull). */
  flowletsMovedBySize: number;
  /** Of the moved: after a timeout, onto a unit that was not among the flow's replication targets. */
  flowletsMovedNotTarget: number;
  flows: number;
  flowsExpired: number;
  /** Flows evicted because the table was full (their next packet looks like a new flow). */
  flowsEvicted: number;
  unitsStarted: number;
  unitsStopped: number;
  /** Placements where nothing fit and nothing could be started. */
  overloadAssignments: number;
  /** smartflow moves. */
  migrations: number;
  /** onDrained for a unit id that is not running (ignored). */
  drainsForUnknownUnit: number;
  /** onDropped calls: routed bytes that will never drain (refused or lost), released from the backlog. */
  dropsReleased: number;
  /** Units that died and could not be replaced under their id (unitFailed). */
  unitsFailed: number;
  /** Of unitsStarted, units started as warm standbys (standbyUnits). */
  standbyStarted: number;
  /** Standbys that became ordinary units (work fit nowhere else, scale-up, or the floor). */
  standbyPromoted: number;
  /** Idle units kept as standbys instead of retired (scale-down while fewer than standbyUnits). */
  standbyDemoted: number;
}
