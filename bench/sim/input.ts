/**
 * The simulator's input: per-packet arrival time, wire size and dense flow index, plus one
 * FlowKey object per flow (handed to the controller, so no key is built per packet).
 * Built from a LoadedTrace (times compressed by a factor, as the paper scaled its traces), or
 * from plain arrays in tests. Optional adversarial bursts are injected here.
 */
import type { LoadedTrace } from '../../trace/types';
import { Packet } from '../../sdk/packet';
import { canonicalKey, flowKeyOf, copyFlowKey, type FlowKey } from '../../sdk/flow-key';
import { simRng } from './params';

export interface SimInput {
  name: string;
  count: number;
  /** Arrival at the controller, ns, non-decreasing. */
  timesNs: Float64Array;
  wireBytes: Uint32Array;
  flowOf: Int32Array;
  flows: FlowKey[];
}

export const ADVERSARIAL_BURST_PACKETS = 20;
export const MTU_BYTES = 1500;
/** Back-to-back MTU packets on a 10 Gb/s ingress link: 1.2 µs apart. */
export const BURST_GAP_NS = (MTU_BYTES * 8 * 1e9) / 10e9;

/**
 * Flows of a loaded trace, keyed like the controller keys them: by connection (canonical
 * 5-tuple, both directions one flow, one state). Times divided by `compress`.
 */
export function inputFromTrace(trace: LoadedTrace, compress = 1, untilNs = Infinity): SimInput {
  // Only packets captured before `untilNs` (trace time, before compression).
  let n = trace.count;
  while (n > 0 && trace.timesNs[n - 1] >= untilNs) n--;
  const timesNs = new Float64Array(n);
  const wireBytes = new Uint32Array(n);
  const flowOf = new Int32Array(n);
  const flows: FlowKey[] = [];
  const index = new Map<string, number>(); // preprocessing only, once per packet of the file
  const p = new Packet();
  const raw = flowKeyOf(p);
  const k = flowKeyOf(p);
  for (let i = 0; i < n; i++) {
    p.reset(trace.bytes, trace.offsets[i], trace.lengths[i]);
    canonicalKey(flowKeyOf(p, raw), k);
    const key = `${k.proto}/${k.srcIp}/${k.srcPort}/${k.dstIp}/${k.dstPort}`;
    let f = index.get(key);
    if (f === undefined) {
      f = flows.length;
      index.set(key, f);
      flows.push(copyFlowKey(k));
    }
    flowOf[i] = f;
    timesNs[i] = trace.timesNs[i] / compress;
    // A stripped capture keeps the IP total length; fall back to captured bytes if it is 0.
    wireBytes[i] = trace.wireLengths[i] || trace.lengths[i];
  }
  return { name: trace.path, count: n, timesNs, wireBytes, flowOf, flows };
}

/** Synthetic flows for tests: `flowOf[i]` indexes generated keys 10.0.f.x → 10.1.0.1:80. */
export function inputFromArrays(name: string, timesNs: ArrayLike<number>, wireBytes: ArrayLike<number>, flowOf: ArrayLike<number>): SimInput {
  const n = timesNs.length;
  let maxFlow = -1;
  for (let i = 0; i < n; i++) if (flowOf[i] > maxFlow) maxFlow = flowOf[i];
  const flows: FlowKey[] = [];
  for (let f = 0; f <= maxFlow; f++) {
    flows.push({ proto: 6, srcIp: (0x0a000000 + f + 1) >>> 0, srcPort: 1024 + (f % 60000), dstIp: 0x0a010001, dstPort: 80 });
  }
  return {
    name,
    count: n,
    timesNs: Float64Array.from(timesNs),
    wireBytes: Uint32Array.from(wireBytes),
    flowOf: Int32Array.from(flowOf),
    flows,
  };
}

/**
 * Adds a 20-packet back-to-back MTU burst to every Nth flow (flows numbered by first
 * appearance, the Nth, 2Nth, …), starting just after a randomly chosen packet of that flow.
 */
export function withAdversarialBursts(input: SimInput, every: number, seed: number): SimInput {
  if (!(every >= 1)) return input;
  const rng = simRng(seed, 0xad5e);
  const perFlow: number[][] = input.flows.map(() => []);
  for (let i = 0; i < input.count; i++) {
    const f = input.flowOf[i];
    if ((f + 1) % every === 0) perFlow[f].push(i);
  }
  const extra: Array<[number, number]> = [];
  for (let f = 0; f < perFlow.length; f++) {
    const pk = perFlow[f];
    if (pk.length === 0) continue;
    const at = input.timesNs[pk[rng.int(0, pk.length - 1)]];
    for (let j = 0; j < ADVERSARIAL_BURST_PACKETS; j++) extra.push([at + (j + 1) * BURST_GAP_NS, f]);
  }
  extra.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const extraT = extra.map((e) => e[0]);
  const extraF = extra.map((e) => e[1]);
  const n = input.count + extraT.length;
  const timesNs = new Float64Array(n);
  const wireBytes = new Uint32Array(n);
  const flowOf = new Int32Array(n);
  // Merge two time-sorted lists; on equal times the original packet goes first.
  let a = 0;
  let b = 0;
  for (let k = 0; k < n; k++) {
    if (b >= extraT.length || (a < input.count && input.timesNs[a] <= extraT[b])) {
      timesNs[k] = input.timesNs[a];
      wireBytes[k] = input.wireBytes[a];
      flowOf[k] = input.flowOf[a];
      a++;
    } else {
      timesNs[k] = extraT[b];
      wireBytes[k] = MTU_BYTES;
      flowOf[k] = extraF[b];
      b++;
    }
  }
  return { name: `${input.name} +adversarial every:${every}`, count: n, timesNs, wireBytes, flowOf, flows: input.flows };
}
