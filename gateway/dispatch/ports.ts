/**
 * What the dispatch core talks to, as interfaces, so it runs without sockets (tests drive it
 * with fakes and packet tables). Time comes in as `nowNs` arguments, never read inside.
 */

import type { Controller } from '../controller';
import type { EgressBatchV2Reader } from '../../proto/frames/egress-batch-v2';
import type { FrameTimes } from './frame-times';

/** The controller as the core uses it (the real one, or a scripted router in tests). */
export type Router = Pick<Controller, 'route' | 'onDropped' | 'onDrained' | 'tick'> & {
  readonly params: { readonly flowTableCapacity: number; readonly loadBucketNs: number };
};

/** One unit's data-plane link (units/unit-link.ts): queue a packet record for the unit. */
export interface UnitPort {
  add(
    flowletId: number, clock: number, prevUnit: number, targets: ArrayLike<number>, targetCount: number,
    tsNs: number, buf: Buffer, off: number, len: number,
  ): boolean;
  /** Number of the frame the next record goes into (latency breakdown; optional for fakes). */
  readonly frameSeq?: number;
  /** When each frame was written (only with timing on). */
  readonly frameTimes?: FrameTimes | null;
}

/** The links of the running units by unit id (the pool's Map fits). */
export interface UnitPorts {
  get(unit: number): UnitPort | undefined;
}

/** The HTTP unit path (units/http-dispatcher.ts, `packet` mode): answers come back to onHttpDone. */
export interface HttpPort {
  send(unit: number, token: number, buf: Buffer, off: number, len: number): void;
}

/**
 * What the NF said about its packets (gateway/alerts/AlertHub): drop reasons and alerts of EGRESS
 * v2 records, names from NAMES frames. A record's alerts are held by slot until `release(slot)`,
 * called when the egress order lets that packet go, so alerts leave in flow order.
 */
export interface NfReport {
  onNames(unit: number, body: Buffer, count: number): void;
  onRecord(unit: number, slot: number, r: EgressBatchV2Reader): void;
  release(slot: number): void;
}

export type { EgressSink } from '../egress/egress-sink';
