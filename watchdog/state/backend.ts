/**
 * The seam for where a flow's state lives between flowlets. The per-packet runtime (runtime/)
 * never asks "which mode am I in": it asks its ports, and the ports are a StateBackend's answers.
 * A backend decides
 *  - where a missing flow's state is fetched from (`canFetch`, `requestFetch`, sent by `flush`);
 *  - where a flow idle for T/2 goes (`placeIdle`: the flow's K targets, the store, …);
 *  - what happens to every flow on retirement (`handOff`, SIGTERM);
 *  - whether it observes the deltas the NF makes (`delta`, the processor's delta port).
 *
 * Today: `peer` (push/pull between units over gRPC StatePeer; the proactive and reactive modes)
 * and `external` (Redis). The output logger of the fault-tolerance work is one more participant:
 * a backend that wraps the unit's own (`delta` → the logger's mirror; `requestFetch` for a dead
 * unit's flows → that unit's logger), chosen by configuration here, not by a flag in the runtime.
 */
import type { FlowEntry } from '../runtime/flow-entry';

export interface StateBackend<S> {
  /** `peer` | `external` (for logs and the unit's start line). */
  readonly kind: string;
  /** Connect what needs connecting before the unit takes packets. */
  start(): Promise<void>;
  /** ProcessorPorts.canPull: can state missing for a flowlet that ran at `unit` be fetched? */
  canFetch(unit: number): boolean;
  /** ProcessorPorts.requestPull: queue a fetch of `e` at clock ≥ `minClock` (sent by `flush`). */
  requestFetch(unit: number, e: FlowEntry<S>, minClock: number): void;
  /** The sweep's IdleSink: place a flow idle ≥ T/2 that changed since its last push (true = placed). */
  readonly placeIdle: (e: FlowEntry<S>, nowNs: number) => boolean;
  /** Send what this batch queued: the sweep's pushes/writes, then the fetches. Never throws. */
  flush(): void;
  /** Retirement (SIGTERM): hand every flow on; resolves once each hand-off was answered or failed. */
  handOff(): Promise<unknown>;
  /** ProcessorPorts.delta: observe every packet's state change (none of today's backends do; the output logger is wired beside them, watchdog/logger/). */
  readonly delta?: (e: FlowEntry<S>, clock: number, flowletId: number, kind: number, value: S | undefined) => void;
  /** Wait for work under way and release connections. */
  close(): Promise<void>;
}
