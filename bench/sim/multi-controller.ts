/**
 * Fig. 8 (paper §7, §9.5): N controllers, each handed the flows whose connection hash falls in
 * its slice. Independent: each controller runs its own SNF controller and units (the simulator,
 * whole units). With the RM: each controller's CapacityRequester asks the ResourceManager for
 * fractional capacity from its last epoch's load; the RM packs the requests onto shared units.
 * Output per controller and epoch: provisioned − load (bits/s), and units in use per epoch.
 */
import { CapacityRequester, ResourceManager } from '../../gateway/controller/resource-manager';
import type { ControllerParams } from '../../gateway/controller';
import { connectionHash } from '../../sdk/flow-key';
import type { SimInput } from './input';
import { parseModeSpec } from './mode';
import type { SimParams } from './params';
import { simulate } from './simulator';

export interface MultiControllerResult {
  controllers: number;
  /** provisioned − load per controller-epoch (bits/s). */
  independentOverBps: number[];
  rmOverBps: number[];
  /** Units in use per epoch, summed over controllers (independent) or the RM's pool. */
  independentUnits: number[];
  rmUnits: number[];
}

export function sliceInput(input: SimInput, n: number, c: number): SimInput {
  const keep: number[] = [];
  const flowSlice = input.flows.map((k) => connectionHash(k) % n);
  for (let i = 0; i < input.count; i++) if (flowSlice[input.flowOf[i]] === c) keep.push(i);
  return {
    name: `${input.name} [controller ${c + 1}/${n}]`,
    count: keep.length,
    timesNs: Float64Array.from(keep, (i) => input.timesNs[i]),
    wireBytes: Uint32Array.from(keep, (i) => input.wireBytes[i]),
    flowOf: Int32Array.from(keep, (i) => input.flowOf[i]),
    flows: input.flows,
  };
}

export function compareControllers(input: SimInput, n: number, mode: string, ctrl: Partial<ControllerParams>, sim: SimParams): MultiControllerResult {
  const spec = parseModeSpec(mode);
  const epochs = Math.max(1, Math.ceil((input.timesNs[input.count - 1] ?? 0) / sim.epochNs));
  const loadBits: number[][] = [];
  const independentOverBps: number[] = [];
  const independentUnits = new Array<number>(epochs).fill(0);
  const slices: SimInput[] = [];
  for (let c = 0; c < n; c++) {
    const s = sliceInput(input, n, c);
    slices.push(s);
    const bits = new Array<number>(epochs).fill(0);
    for (let i = 0; i < s.count; i++) bits[Math.min(epochs - 1, Math.floor(s.timesNs[i] / sim.epochNs))] += s.wireBytes[i] * 8;
    loadBits.push(bits);
    if (s.count === 0) continue;
    const run = simulate(s, spec, ctrl, sim);
    for (let e = 0; e < epochs; e++) {
      const prov = run.series.provisionedBps[e] ?? 0;
      independentUnits[e] += prov / sim.unitBwBps;
      independentOverBps.push(prov - (bits[e] * 1e9) / sim.epochNs);
    }
  }
  // RM: replay all slices in time order through their requesters; allocate at every request change.
  const rm = new ResourceManager();
  const req = slices.map(() => new CapacityRequester({ unitCapacityBps: sim.unitBwBps, epochNs: sim.epochNs }));
  const grantedSum = slices.map(() => new Array<number>(epochs).fill(0));
  const samples = new Array<number>(epochs).fill(0);
  const rmUnitSum = new Array<number>(epochs).fill(0);
  const idx = slices.map(() => 0);
  for (let t = 0; t < epochs * sim.epochNs; t += sim.tickNs) {
    let changed = false;
    for (let c = 0; c < n; c++) {
      const s = slices[c];
      while (idx[c] < s.count && s.timesNs[idx[c]] <= t) {
        const r = req[c].observe(s.wireBytes[idx[c]], s.timesNs[idx[c]]);
        if (r !== null) { rm.request(c, r); changed = true; }
        idx[c]++;
      }
    }
    if (changed) rm.allocate(t);
    const e = Math.min(epochs - 1, Math.floor(t / sim.epochNs));
    samples[e]++;
    rmUnitSum[e] += rm.unitsInUse;
    for (let c = 0; c < n; c++) grantedSum[c][e] += rm.granted(c);
  }
  const rmOverBps: number[] = [];
  for (let c = 0; c < n; c++) {
    if (slices[c].count === 0) continue;
    for (let e = 0; e < epochs; e++) rmOverBps.push((grantedSum[c][e] / Math.max(1, samples[e])) * sim.unitBwBps - (loadBits[c][e] * 1e9) / sim.epochNs);
  }
  return { controllers: n, independentOverBps, rmOverBps, independentUnits, rmUnits: rmUnitSum.map((u, e) => u / Math.max(1, samples[e])) };
}

/** Percentiles of over-provisioning (Mb/s) and of units in use, RM vs independent. */
export function summarizeControllers(r: MultiControllerResult): Record<string, unknown> {
  const q = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    if (s.length === 0) return 0;
    return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] * 1000) / 1000;
  };
  const mb = (xs: number[]) => xs.map((x) => x / 1e6);
  return {
    controllers: r.controllers,
    overProvisionMbps: {
      independent: { p50: q(mb(r.independentOverBps), 50), p90: q(mb(r.independentOverBps), 90) },
      rm: { p50: q(mb(r.rmOverBps), 50), p90: q(mb(r.rmOverBps), 90) },
    },
    unitsInUse: {
      independent: { p50: q(r.independentUnits, 50), p90: q(r.independentUnits, 90) },
      rm: { p50: q(r.rmUnits, 50), p90: q(r.rmUnits, 90) },
    },
  };
}
