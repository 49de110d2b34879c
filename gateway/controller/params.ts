/**
 * Controller parameters: paper defaults (§9 "default parameters"), one strict validator, and the
 * `--mode` parser. Pure: no environment reads here; the gateway/simulator build the raw object.
 */
import { ConfigError } from '../../sdk/errors';

/** How work is assigned (ARCHITECTURE §4: every comparison is a switch, not a fork). */
export type AssignmentMode = 'flowlet' | 'flowlet-timeout-only' | 'flow' | 'smartflow' | 'packet';

export interface ControllerParams {
  readonly mode: AssignmentMode;
  /** Flowlet inactivity timeout T (ns): a gap strictly greater than this starts a new flowlet. */
  readonly timeoutNs: number;
  /** Flowlet size threshold B (wire bytes): a packet that would take the flowlet above B starts a new one. */
  readonly sizeThresholdBytes: number;
  /** Balancing knob α of the score `utilization + α·hasState` (0..1). */
  readonly alpha: number;
  /** Replication factor K: proactive push targets per flowlet. */
  readonly k: number;
  /** EWMA weight δ of the last flowlet's measured rate (0..1]; 0.5 weighs history and news equally. */
  readonly ewmaDelta: number;
  /** Demand assumed for a new flow before any flowlet has completed (bps). */
  readonly initialDemandBps: number;
  /** BW_max of one compute unit (bps). */
  readonly unitCapacityBps: number;
  /** Drain-rate meter bucket width (ns) and number of buckets (window = product, 100 ms by default). */
  readonly loadBucketNs: number;
  readonly loadBuckets: number;
  /**
   * Count the demand of flowlets assigned and still open in a unit's load (load = meter + open
   * demand). The 100 ms drain meter lags a burst of new flowlets by up to its window; without
   * this a burst packs onto one unit (see test "burst of new flowlets spreads").
   */
  readonly countOpenDemand: boolean;
  /**
   * Count each unit's backlog (bytes routed to it and not yet drained) in its load:
   * load = meter + open demand + backlog·8 / backlogBudgetNs. The meter only sees what a unit has
   * served (capped at BW_max) and lags by up to its window; the backlog shows an over-committed
   * unit at once. Equivalently a unit fits only while its queue drains within
   * backlogBudgetNs·(1 − (meter + open + demand)/BW_max). It feeds the scale-up test too.
   * false: meter + open demand only (the behaviour before 2026-11-29).
   */
  readonly countBacklog: boolean;
  /**
   * Drain-time budget of a unit's backlog (ns): a backlog that takes this long to drain at BW_max
   * reads as a full unit. 0 (default) = the meter window W, so the term is on the same scale as
   * the meter and the demand (what the unit owes over the next window). Smaller values trade
   * units for latency (docs/results-sim.md, sweep-backlog).
   */
  readonly backlogBudgetNs: number;
  /*
   * Retired policy switches (after commit f11934b; their ablations stay in docs/results-sim.md):
   * a flowlet's load is always measured over the meter window (was `demandOverMeterWindow`),
   * a move always pays the flow's outstanding bytes at its old unit (was `pendingMoveCost`), and
   * a flowlet with outstanding bytes is not pinned where it fits (was `pendingStays`).
   * The three below differ between the PAPER and LIVE profiles (gateway/profiles.ts).
   */
  /**
   * A size-forked flowlet (reason SIZE) stays on its flow's unit whenever it still fits there
   * (meter + open demand + backlog + its demand ≤ capacity) and is packed only when it does not.
   * A size fork has no idle gap, so nothing was pushed: a move always pulls, and the pull waits
   * for the flow's previous packet to leave the old unit. B still bounds a flowlet's size, so an
   * adversarial burst moves once its unit is full (§4.2, Fig. 5). false: the paper's packer.
   */
  readonly sizeForkStays: boolean;
  /**
   * A retired unit's id is not reused until the caller reports the unit gone (`unitGone`). Live,
   * a retired process still drains (pushes its flows, answers pulls) for up to seconds; a new
   * process under the same id would meet pulls and pushes meant for the old one, and (NAT) its
   * port slice. Also hands a retired unit's flows to the lowest remaining unit (the retiring
   * process pushes them there). false: ids are free at once and flows stay with their retired unit
   * (the simulator, whose units vanish instantly).
   */
  readonly holdRetiredIds: boolean;
  /**
   * When no unit fits and the flow still has bytes outstanding at its unit, the flowlet stays
   * there (counted as an overload assignment) instead of starting a unit for it.
   */
  readonly pendingStaysWhenFull: boolean;
  /**
   * Below this many units the packer scans every unit and the replication-target draw walks the
   * ready list; from it on they use the packer's index and the Fenwick tree (sub-linear). The
   * decisions are the same either way (property tests): a cost knob only.
   */
  readonly assignScanBelow: number;
  /**
   * Start no unit (scaling up, or for a flowlet that fits nowhere) while another started unit has
   * not been reported up (`Controller.unitUp`): flowlets that fit nowhere meanwhile stay on the
   * running units as overload assignments. Live units take seconds to start; without this, the
   * backlog routed to a unit that is not up yet counts as load and every flowlet starts another
   * unit, up to the cap. false: the simulator's units are up at their readyAtNs.
   */
  readonly startOneAtATime: boolean;
  /**
   * A started unit takes no flowlets (and no pushed state) until it is reported up
   * (`Controller.unitUp`, called by the gateway when the unit's link connects): it stays STARTING
   * with readyAtNs = Infinity till then. Flowlets that fit nowhere meanwhile are overload
   * assignments on the units that are up. Live, packets sent to a unit still starting waited its
   * whole start-up (1–15 s: the p99 of `snf demo`, docs/results.md §8). false: the simulator's
   * units take work from their start and serve from readyAtNs.
   */
  readonly awaitUnitUp: boolean;
  /**
   * Warm standby units kept beyond the units that take work: started, up, given no flowlets and
   * no pushed state. When a flowlet fits nowhere (or the scaler wants a unit, or the floor) the
   * lowest-id standby that is up takes work at once and a replacement standby starts. They count
   * against maxUnits; an idle unit becomes a standby instead of retiring while fewer exist.
   * Ignored in packet mode. 0: none (the simulator).
   */
  readonly standbyUnits: number;
  /**
   * A unit whose link has frames waiting in the gateway (link backpressure: the unit is behind,
   * `Controller.unitBehind`) fits no new flowlet until they are written; flowlets already on it
   * keep going there, and a flowlet whose flow still has bytes queued there stays when nothing
   * else fits (pendingStaysWhenFull). false: the simulator's units have no links.
   */
  readonly avoidBehindUnits: boolean;
  /** Start a unit ahead of need when every ready unit is above this utilization (0..1]. */
  readonly scaleUpUtilization: number;
  /** Retire a unit that was routed nothing for this long (ns). The last unit is never retired. */
  readonly idleRetireNs: number;
  /** Modelled start-up delay: a new unit may be assigned work but serves from now + this (ns). */
  readonly unitStartupNs: number;
  /** Units started by the constructor, ready at time 0. */
  readonly initialUnits: number;
  /** Upper bound on units (ids 1..maxUnits). When all are full, the least loaded unit is overloaded (counted). */
  readonly maxUnits: number;
  /** Flow table slots; the least recently seen flow is evicted when full (counted). */
  readonly flowTableCapacity: number;
  /** A flow unseen for this long is forgotten (its next packet starts a new flow). */
  readonly flowIdleExpiryNs: number;
  /** smartflow only: rebalance period (ns). */
  readonly smartflowPeriodNs: number;
  /** smartflow only: how long a moved flow's packets wait for its migrated state (ns). */
  readonly migrationHoldNs: number;
  /** smartflow only: a unit below this utilization is emptied onto lower-id units when they fit. */
  readonly consolidateBelowUtilization: number;
  /** Seed of the PRNG that draws replication targets. */
  readonly seed: number;
}

export const DEFAULT_PARAMS: ControllerParams = Object.freeze({
  mode: 'flowlet',
  timeoutNs: 500_000,
  sizeThresholdBytes: 15_000,
  alpha: 0.25,
  k: 3,
  ewmaDelta: 0.5,
  initialDemandBps: 10e6,
  unitCapacityBps: 1e9,
  loadBucketNs: 500_000,
  loadBuckets: 200,
  countOpenDemand: true,
  countBacklog: true,
  backlogBudgetNs: 0,
  sizeForkStays: false,
  holdRetiredIds: false,
  pendingStaysWhenFull: false,
  assignScanBelow: 48,
  startOneAtATime: false,
  awaitUnitUp: false,
  standbyUnits: 0,
  avoidBehindUnits: false,
  scaleUpUtilization: 0.9,
  idleRetireNs: 1e9,
  unitStartupNs: 0,
  initialUnits: 1,
  maxUnits: 1024,
  flowTableCapacity: 1 << 20,
  flowIdleExpiryNs: 60e9,
  smartflowPeriodNs: 100e6,
  migrationHoldNs: 200_000,
  consolidateBelowUtilization: 0.3,
  seed: 1,
} as const satisfies ControllerParams);

/**
 * `flowlet`, `flowlet-timeout-only`, `flow`, `packet`, or `smartflow:<ms>` (period in ms,
 * default 100). Returns the mode and, for smartflow, the period in ns.
 */
export function parseMode(text: string): { mode: AssignmentMode; smartflowPeriodNs?: number } {
  const [name, arg] = text.split(':', 2);
  switch (name) {
    case 'flowlet':
    case 'flowlet-timeout-only':
    case 'flow':
    case 'packet':
      if (arg !== undefined) throw new ConfigError('mode', `"${name}" takes no argument (got "${text}")`);
      return { mode: name };
    case 'smartflow': {
      if (arg === undefined) return { mode: 'smartflow' };
      const ms = Number(arg);
      if (!/^\d+(\.\d+)?$/.test(arg) || !(ms > 0)) {
        throw new ConfigError('mode', `smartflow period must be a positive number of ms (got "${arg}")`);
      }
      return { mode: 'smartflow', smartflowPeriodNs: Math.round(ms * 1e6) };
    }
    default:
      throw new ConfigError('mode', `unknown mode "${text}" (flowlet, flowlet-timeout-only, flow, smartflow:<ms>, packet)`);
  }
}

type NumericKey = { [K in keyof ControllerParams]: ControllerParams[K] extends number ? K : never }[keyof ControllerParams];

const RANGES: Record<NumericKey, [min: number, max: number, integer: boolean]> = {
  timeoutNs: [1, 1e12, false],
  sizeThresholdBytes: [1, 1e12, false],
  alpha: [0, 1, false],
  k: [0, 64, true],
  ewmaDelta: [0, 1, false],
  initialDemandBps: [0, 1e15, false],
  unitCapacityBps: [1, 1e15, false],
  loadBucketNs: [1, 1e12, true],
  loadBuckets: [1, 100_000, true],
  backlogBudgetNs: [0, 1e15, false],
  scaleUpUtilization: [0, 1, false],
  idleRetireNs: [0, 1e15, false],
  unitStartupNs: [0, 1e15, false],
  initialUnits: [1, 65_535, true],
  maxUnits: [1, 65_535, true],
  flowTableCapacity: [2, 1 << 26, true],
  flowIdleExpiryNs: [1, 1e15, false],
  smartflowPeriodNs: [1, 1e15, false],
  migrationHoldNs: [0, 1e15, false],
  consolidateBelowUtilization: [0, 1, false],
  seed: [0, 2 ** 32 - 1, true],
  assignScanBelow: [0, 1e9, true],
  standbyUnits: [0, 65_535, true],
};

/** Defaults overlaid with `raw`; unknown keys and out-of-range values are ConfigErrors naming the field. */
export function resolveParams(raw: Partial<ControllerParams> = {}): ControllerParams {
  const out: Record<string, unknown> = { ...DEFAULT_PARAMS };
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_PARAMS)) throw new ConfigError(key, 'unknown controller parameter');
    out[key] = value;
  }
  for (const [key, [min, max, integer]] of Object.entries(RANGES)) {
    const v = out[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      throw new ConfigError(key, `must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}] (got ${String(v)})`);
    }
  }
  if (typeof out.countOpenDemand !== 'boolean') throw new ConfigError('countOpenDemand', 'must be a boolean');
  for (const key of ['countBacklog', 'sizeForkStays', 'holdRetiredIds', 'pendingStaysWhenFull', 'startOneAtATime', 'awaitUnitUp', 'avoidBehindUnits'] as const) {
    if (typeof out[key] !== 'boolean') throw new ConfigError(key, 'must be a boolean');
  }
  const mode = out.mode;
  if (typeof mode !== 'string' || parseMode(mode.split(':')[0] ?? '').mode !== mode) {
    throw new ConfigError('mode', `unknown mode "${String(mode)}" (use parseMode for "smartflow:<ms>")`);
  }
  if ((out.initialUnits as number) > (out.maxUnits as number)) throw new ConfigError('initialUnits', 'must not exceed maxUnits');
  return Object.freeze(out) as unknown as ControllerParams;
}
