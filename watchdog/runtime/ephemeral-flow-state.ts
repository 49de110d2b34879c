/**
 * `FlowState<S>` as the NF sees it at a unit: bound to one FlowEntry per packet, recording the
 * packet's delta (put/delete) for the output logger. Like sdk RecordingFlowState, but over the
 * unit's entries (which carry clocks) instead of a bare FlowTable.
 */
import { DELTA_DELETE, DELTA_NONE, DELTA_PUT, type DeltaKind } from '../../sdk/state';
import type { FlowState } from '../../sdk/types';
import type { FlowEntry } from './flow-entry';

export class EphemeralFlowState<S> implements FlowState<S> {
  entry: FlowEntry<S> | null = null;
  deltaKind: DeltaKind = DELTA_NONE;
  deltaValue: S | undefined = undefined;

  bind(e: FlowEntry<S>): void {
    this.entry = e;
    this.deltaKind = DELTA_NONE;
    this.deltaValue = undefined;
  }

  get(): S | undefined {
    const e = this.entry!;
    return e.present ? e.value : undefined;
  }

  put(value: S): void {
    const e = this.entry!;
    e.value = value;
    e.present = true;
    this.deltaKind = DELTA_PUT;
    this.deltaValue = value;
  }

  delete(): void {
    const e = this.entry!;
    e.value = undefined;
    e.present = false;
    this.deltaKind = DELTA_DELETE;
    this.deltaValue = undefined;
  }
}
