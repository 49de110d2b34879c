/**
 * `LocalRuntime`: the single-process reference runtime. It runs one network function over packets
 * in order and keeps the results the distributed system must reproduce: per-flow final state,
 * verdict and drop-reason counts, and alerts with the index of the packet that raised them.
 *
 * Per packet, by class (`Packet.cls`):
 * - NOT_IPV4, TRUNCATED, BAD_HEADER: dropped before the handler; the class reason
 *   (`PACKET_CLASS_REASON`, e.g. 'truncated') is counted as the drop reason.
 * - OK: the handler runs with state bound to the canonical connection key.
 * - OTHER_PROTOCOL, FRAGMENT: the handler runs too, with state bound to the key as parsed — ports
 *   0 when no TCP/UDP header was captured (so all ICMP between two hosts shares one entry, and
 *   non-first fragments share the (proto, addresses, 0, 0) entry). The NF decides what to do.
 * A handler that throws is caught: counted as `handlerErrors` and drop reason 'handler_error', and
 * the packet is dropped; state it put before throwing stays (it is the same in every runtime). A
 * return value that is not a Verdict counts as 'bad_verdict' and drops the packet.
 * `process` never throws.
 */
import { flowKeyOf, newFlowKey, type FlowKey } from './flow-key';
import type { FlowTable } from './flow-table';
import { Invoker } from './invoke';
import { PACKET_CLASS_REASON, PacketClass, type Packet } from './packet';
import { RecordingFlowState, type DeltaKind } from './state';
import { SINGLE_UNIT, Verdict, type NetworkFunction, type PacketHandler, type UnitInfo } from './types';

export interface RuntimeAlert {
  /** The id passed to `ctx.alert` (an IDS signature id, or an NF-defined code). */
  sid: number;
  /** 0-based index of the packet in `process` call order. */
  packetIndex: number;
}

export interface RuntimeCounters {
  packets: number;
  forwarded: number;
  dropped: number;
  alerts: number;
  handlerErrors: number;
  /** Packets per `PacketClass` (index = class). */
  byClass: number[];
  /** Dropped packets per reason ('unspecified' when the handler dropped without naming one). */
  dropReasons: Map<string, number>;
}

export { DROP_REASON_BAD_VERDICT, DROP_REASON_HANDLER_ERROR, DROP_REASON_UNSPECIFIED } from './drop-reasons';

export class LocalRuntime<C = unknown, S = unknown> {
  readonly config: C;
  /** The unit the handler was created for. */
  readonly unit: UnitInfo;
  readonly handler: PacketHandler<S>;
  readonly counters: RuntimeCounters;
  readonly alerts: RuntimeAlert[] = [];
  /** The shared judgement (sdk/invoke.ts): drop-reason table, per-packet alerts, counters. */
  readonly invoker: Invoker<S>;
  private readonly flowState: RecordingFlowState<S>;
  private readonly key: FlowKey = newFlowKey();
  private readonly reasonMap = new Map<string, number>();
  private packets = 0;
  private readonly byClass = new Array<number>(PACKET_CLASS_REASON.length).fill(0);

  /**
   * `config` is raw input validated by `nf.config` (default: `nf.defaultConfig`); pass
   * `{ parsed: true }` when it already is the schema's output (e.g. from functions/config-source).
   * `unit` (default `{id: 1, maxUnits: 1}`) is passed to `nf.create`, e.g. to run one unit's
   * handler of a multi-unit deployment in a test.
   */
  constructor(
    readonly nf: NetworkFunction<C, S>,
    config: unknown = nf.defaultConfig,
    options: { parsed?: boolean; unit?: UnitInfo } = {},
  ) {
    this.config = options.parsed ? (config as C) : nf.config.parse(config);
    this.unit = options.unit ?? SINGLE_UNIT;
    this.handler = nf.create(this.config, this.unit);
    this.flowState = new RecordingFlowState<S>();
    this.invoker = new Invoker<S>(this.handler, this.flowState, { dropReasons: nf.dropReasons });
    const inv = this.invoker;
    const reasonMap = this.reasonMap;
    const self = this;
    this.counters = {
      get packets() { return self.packets; },
      byClass: this.byClass,
      get forwarded() { return inv.counters.forwarded; },
      get dropped() { return inv.counters.dropped; },
      get alerts() { return inv.counters.alerts; },
      get handlerErrors() { return inv.counters.handlerErrors; },
      get dropReasons() { return inv.reasons.toMap(reasonMap); },
    };
  }

  /** The error the handler threw last (for debugging; counted, never rethrown). */
  get lastError(): unknown {
    return this.invoker.lastError;
  }

  /** Final per-flow state, keyed by canonical connection key. */
  get state(): FlowTable<S> {
    return this.flowState.table;
  }

  /**
   * Install a flow's state as if it arrived from another unit (moved, restored from a log): it
   * replaces what this runtime held (`undefined` deletes it) and the handler hears of it
   * (`stateArrived`), as in the watchdog's runtime. For tests and simulations of several units.
   */
  arrive(key: Readonly<FlowKey>, value: S | undefined): void {
    if (value === undefined) this.state.delete(key);
    else this.state.set(key, value);
    this.handler.stateArrived?.(key, value);
  }

  /** The state change of the last processed packet (kind: 0 none, 1 put, 2 delete). */
  get lastDelta(): { kind: DeltaKind; value: S | undefined; key: FlowKey } {
    return { kind: this.flowState.deltaKind, value: this.flowState.deltaValue, key: this.flowState.key };
  }

  process(packet: Packet, nowNs: number): Verdict {
    const index = this.packets++;
    const cls = packet.cls;
    this.byClass[cls] = (this.byClass[cls] ?? 0) + 1;
    this.flowState.deltaKind = 0;
    this.flowState.deltaValue = undefined;
    const inv = this.invoker;
    if (cls > PacketClass.FRAGMENT) return inv.refuse(cls);
    this.flowState.bind(flowKeyOf(packet, this.key));
    const verdict = inv.invoke(packet, nowNs);
    for (let i = 0; i < inv.alertCount; i++) this.alerts.push({ sid: inv.alertSids[i]!, packetIndex: index });
    return verdict;
  }

  /** Dropped packets per reason (a view refreshed on each call; read-only by convention). */
  dropReasons(): ReadonlyMap<string, number> {
    return this.counters.dropReasons;
  }

  /** Counters as plain JSON-able data (drop reasons sorted by name). */
  snapshot(): Record<string, unknown> {
    const c = this.counters;
    const byClass: Record<string, number> = {};
    c.byClass.forEach((n, i) => (byClass[PACKET_CLASS_REASON[i]!] = n));
    return {
      packets: c.packets,
      forwarded: c.forwarded,
      dropped: c.dropped,
      alerts: c.alerts,
      handlerErrors: c.handlerErrors,
      byClass,
      dropReasons: Object.fromEntries([...c.dropReasons].sort(([a], [b]) => (a < b ? -1 : 1))),
      flows: this.state.size,
    };
  }
}
