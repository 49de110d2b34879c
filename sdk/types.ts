/**
 * The NF programming model: what a network function is, what it receives and what it returns.
 * Function authors import only from `sdk/` (see sdk/README.md).
 *
 * Contract in one paragraph: the runtime calls `handler.process(packet, ctx)` once per packet,
 * in order within a flow. The handler reads and writes the per-flow state of the packet's
 * connection only through `ctx.state` (so the runtime can move it between units and log its
 * delta), may rewrite the packet in place through the `Packet` setters (checksums stay valid),
 * and returns a verdict. It never throws on packet contents and never reads the clock: time is
 * `ctx.nowNs`.
 */
import type { FlowKey } from './flow-key';
import type { Packet } from './packet';

/** What happens to the packet after `process`. Numbers, not strings: the hot path compares ints. */
export const Verdict = {
  /** Send the packet on (rewritten in place if the handler used the Packet setters). */
  FORWARD: 0,
  /** Drop the packet; `ctx.drop(reason)` may name why (counted per reason). */
  DROP: 1,
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/**
 * Per-flow state of the current packet's connection. The runtime keys it by the canonical
 * (direction-independent) connection 5-tuple; the NF sees one value per connection.
 * Values are treated as owned by the store: after changing a value, `put` it again so the
 * runtime observes the delta (a mutation without `put` is invisible to replication and logging).
 */
export interface FlowState<S> {
  get(): S | undefined;
  put(value: S): void;
  delete(): void;
}

/** Encodes one per-flow state value for peer transfer and the output logger. */
export interface StateCodec<S> {
  encode(value: S): Buffer;
  decode(bytes: Buffer): S;
}

export interface Context<S> {
  /** Packet arrival time in integer nanoseconds on the runtime's clock (trace time when replaying). */
  readonly nowNs: number;
  readonly state: FlowState<S>;
  /** Record why a packet is dropped (counted per reason; optional). */
  drop(reason: string): void;
  /** Raise an alert (IDS signature id, or an NF-defined code). Does not change the verdict. */
  alert(id: number): void;
}

export interface PacketHandler<S> {
  process(packet: Packet, ctx: Context<S>): Verdict;
  /**
   * Optional: what an alert id means (an IDS rule's msg and rev), for the operator's alert
   * records. Called once per id per gateway connection, never per packet.
   */
  describeAlert?(id: number): AlertInfo | undefined;
  /**
   * Optional: a flow's state arrived from outside this handler and replaced what this instance
   * held — restored from an output logger (or a logger rebuilt from Kafka) when a unit takes over
   * a dead unit's id, pulled or pushed from another unit, or read from an external store. `key`
   * is the connection it is stored under (canonical), `value` undefined when the flow's state was
   * deleted. Only an NF with a unit-local index derived from per-flow state needs it (NAT's
   * public-port table, functions/nat): it re-indexes the flow here, so the index never lags the
   * state it mirrors. Called once per arriving flow, never per packet; must not throw; it has no
   * ctx (no state writes, no drops, no clock).
   */
  stateArrived?(key: Readonly<FlowKey>, value: S | undefined): void;
}

/** An alert id described for the operator (the fields of an EVE `alert` record). */
export interface AlertInfo {
  /** Human text (an IDS rule's `msg`). */
  readonly signature: string;
  /** Generator id (1 for text rules; default 1). */
  readonly gid?: number;
  /** Rule revision (0 = unknown). */
  readonly rev?: number;
  /** 1 (high) … 255; 0 = unknown. */
  readonly severity?: number;
}

/** Validates raw configuration (from a file, Redis or defaults) into a typed, frozen value. */
export interface ConfigSchema<C> {
  /** Throws ConfigError naming the bad field (dotted path). */
  parse(raw: unknown): C;
}

/**
 * Which unit of the function a handler runs in. SNF runs each NF in several unit processes and
 * moves per-connection state between them with the flow; an NF whose unit-local tables hand out
 * shared resources (NAT public ports) uses this to split them into disjoint per-unit slices.
 * Everything else must ignore it: per-flow output and state stay a pure function of (config, the
 * flow's packets in order, their ctx.nowNs), whatever unit runs them.
 */
export interface UnitInfo {
  /** 1-based unit id, 1 ≤ id ≤ maxUnits; distinct for units that run at the same time. */
  readonly id: number;
  /** The most units that can exist at once (ids never exceed it). 1 = a single instance. */
  readonly maxUnits: number;
}

/** What a handler gets when the runtime does not say (`snf nf run`, LocalRuntime): the only unit. */
export const SINGLE_UNIT: UnitInfo = Object.freeze({ id: 1, maxUnits: 1 });

/** A network function: its name, configuration schema, state codec and handler factory. */
export interface NetworkFunction<C = unknown, S = unknown> {
  readonly name: string;
  readonly description: string;
  readonly config: ConfigSchema<C>;
  /** Configuration used when none is given (the one-command demo runs on these). */
  readonly defaultConfig: unknown;
  readonly stateCodec: StateCodec<S>;
  /**
   * Optional: every reason the handler may pass to `ctx.drop`, interned to small ids when the
   * handler is created (sdk/drop-reasons.ts). A reason used but not declared still counts
   * (interned on first use, up to a cap).
   */
  readonly dropReasons?: readonly string[];
  /**
   * Build a handler; all tables and automata are built here, never per packet. `unit` (default
   * SINGLE_UNIT) says which unit it runs in; an id outside [1, maxUnits] is a ConfigError.
   */
  create(config: C, unit?: UnitInfo): PacketHandler<S>;
}
