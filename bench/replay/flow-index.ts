/** Per-packet connection index of a trace (canonical 5-tuple → 0..flows-1), for per-flow checks. */
import { canonicalKey, flowKeyOf, newFlowKey, type FlowKey } from '../../sdk/flow-key';
import { FlowTable } from '../../sdk/flow-table';
import { Packet } from '../../sdk/packet';
import type { LoadedTrace } from '../../trace/types';

export interface FlowIndex {
  /** flowOf[i] = connection index of packet i. */
  flowOf: Int32Array;
  /** keys[f] = canonical key of connection f. */
  keys: FlowKey[];
}

export function indexFlows(trace: LoadedTrace): FlowIndex {
  const table = new FlowTable<number>(1024);
  const flowOf = new Int32Array(trace.count);
  const keys: FlowKey[] = [];
  const p = new Packet();
  const k = newFlowKey();
  for (let i = 0; i < trace.count; i++) {
    p.reset(trace.bytes, trace.offsets[i]!, trace.lengths[i]!);
    canonicalKey(flowKeyOf(p, k), k);
    let f = table.get(k);
    if (f === undefined) {
      f = keys.length;
      keys.push({ ...k });
      table.set(k, f);
    }
    flowOf[i] = f;
  }
  return { flowOf, keys };
}
