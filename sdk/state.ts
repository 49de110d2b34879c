/**
 * Per-flow state as the runtime sees it: a `FlowState<S>` facade over a `FlowTable`, bound to
 * one connection at a time, that records what the handler changed (the delta the distributed
 * runtime replicates to peers and the output logger writes).
 */
import { canonicalKey, newFlowKey, type FlowKey } from './flow-key';
import { FlowTable } from './flow-table';
import type { FlowState, StateCodec } from './types';

export const DELTA_NONE = 0;
export const DELTA_PUT = 1;
export const DELTA_DELETE = 2;
export type DeltaKind = typeof DELTA_NONE | typeof DELTA_PUT | typeof DELTA_DELETE;

export class RecordingFlowState<S> implements FlowState<S> {
  /** The canonical connection key currently bound (owned; overwritten by `bind`). */
  readonly key: FlowKey = newFlowKey();
  /** What the handler did to this connection's state since `bind` (the last call wins). */
  deltaKind: DeltaKind = DELTA_NONE;
  /** The value of the last `put` (undefined after a delete or no change). */
  deltaValue: S | undefined = undefined;

  constructor(readonly table: FlowTable<S> = new FlowTable<S>()) {}

  /** Bind to the connection of `key` (either direction; canonicalised here) and clear the delta. */
  bind(key: FlowKey): void {
    canonicalKey(key, this.key);
    this.deltaKind = DELTA_NONE;
    this.deltaValue = undefined;
  }

  get(): S | undefined {
    return this.table.get(this.key);
  }

  put(value: S): void {
    this.table.set(this.key, value);
    this.deltaKind = DELTA_PUT;
    this.deltaValue = value;
  }

  delete(): void {
    this.table.delete(this.key);
    this.deltaKind = DELTA_DELETE;
    this.deltaValue = undefined;
  }
}

/** The default codec: UTF-8 JSON (fine for plain objects, numbers, strings, arrays). */
export function jsonCodec<S>(): StateCodec<S> {
  return {
    encode: (value: S): Buffer => Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'),
    decode: (bytes: Buffer): S => JSON.parse(bytes.toString('utf8')) as S,
  };
}
