/**
 * Load scaling by overlay: `copies` time-rotated replicas of one input, each in its own address
 * space, merged by time. Compression alone raises the rate but shortens the run; our real traces
 * hold too few bits (~100–260 Mbit) to keep several 1 Gb/s units busy for tens of epochs (see
 * docs/results-sim.md). Overlaying keeps every flow's real timing, sizes and gaps and multiplies
 * only the number of concurrent flows, which is how the shared data's composite is built too.
 *
 * Copy 0 is the input itself. Copy j ≥ 1 is rotated by a seeded offset drawn uniformly from
 * [0, span): a packet at t goes to (t + offset) mod span, so every copy covers the whole span and
 * the mean load is stationary (a front-loaded trace is spread out). A flow cut by the wrap point
 * just has one long gap. Its addresses get the top byte XORed with j, so no flow of one copy
 * shares a key with a flow of another when the input's addresses share a top byte (composites:
 * 10/8); otherwise two flows could merge, which `collisions` counts.
 */
import type { FlowKey } from '../../sdk/flow-key';
import type { SimInput } from './input';
import { simRng } from './params';

export interface OverlayResult {
  input: SimInput;
  /** Rotation of each copy (ns); copy 0 has 0. */
  offsetsNs: number[];
  /** Flows of different copies that ended up with the same key (merged into one flow). */
  collisions: number;
}

export function overlayCopies(input: SimInput, copies: number, seed: number): OverlayResult {
  if (!(copies > 1) || input.count === 0) return { input, offsetsNs: [0], collisions: 0 };
  const n = input.count;
  const span = input.timesNs[n - 1] - input.timesNs[0] + 1;
  const t0 = input.timesNs[0];
  const rng = simRng(seed, 0x0e1a);
  const offsetsNs = [0];
  for (let j = 1; j < copies; j++) offsetsNs.push(Math.floor(rng.next() * span));

  // Flows: copy j's flow f is j·F + f.
  const F = input.flows.length;
  const flows: FlowKey[] = [];
  const seen = new Map<string, number>(); // preprocessing only
  let collisions = 0;
  const flowIndex = new Int32Array(F * copies);
  for (let j = 0; j < copies; j++) {
    const x = (j << 24) >>> 0;
    for (let f = 0; f < F; f++) {
      const k = input.flows[f];
      const key: FlowKey = { proto: k.proto, srcIp: (k.srcIp ^ x) >>> 0, srcPort: k.srcPort, dstIp: (k.dstIp ^ x) >>> 0, dstPort: k.dstPort };
      const lo = Math.min(key.srcIp, key.dstIp);
      const hi = Math.max(key.srcIp, key.dstIp);
      const s = `${key.proto}/${lo}/${hi}/${Math.min(key.srcPort, key.dstPort)}/${Math.max(key.srcPort, key.dstPort)}`;
      const prior = seen.get(s);
      if (prior !== undefined && j > 0 && Math.floor(prior / F) !== j) {
        collisions++;
        flowIndex[j * F + f] = flowIndex[prior];
        continue;
      }
      seen.set(s, j * F + f);
      flowIndex[j * F + f] = flows.length;
      flows.push(key);
    }
  }

  // Each copy, rotated, is time-sorted after one split at the wrap point: merge `copies` runs.
  const total = n * copies;
  const times = new Float64Array(total);
  const src = new Uint32Array(total); // index into the input
  const copyOf = new Uint16Array(total);
  let w = 0;
  for (let j = 0; j < copies; j++) {
    const off = offsetsNs[j];
    // Packets whose rotated time wraps come first, in input order.
    let split = 0;
    while (split < n && input.timesNs[split] - t0 + off < span) split++;
    for (let i = split; i < n; i++, w++) { times[w] = t0 + input.timesNs[i] - t0 + off - span; src[w] = i; copyOf[w] = j; }
    for (let i = 0; i < split; i++, w++) { times[w] = t0 + input.timesNs[i] - t0 + off; src[w] = i; copyOf[w] = j; }
  }
  const order = Array.from({ length: total }, (_, i) => i);
  order.sort((a, b) => times[a] - times[b] || copyOf[a] - copyOf[b] || src[a] - src[b]);
  const timesNs = new Float64Array(total);
  const wireBytes = new Uint32Array(total);
  const flowOf = new Int32Array(total);
  for (let k = 0; k < total; k++) {
    const o = order[k];
    timesNs[k] = times[o];
    wireBytes[k] = input.wireBytes[src[o]];
    flowOf[k] = flowIndex[copyOf[o] * F + input.flowOf[src[o]]];
  }
  return {
    input: { name: `${input.name} ×${copies} overlay`, count: total, timesNs, wireBytes, flowOf, flows },
    offsetsNs,
    collisions,
  };
}
