/**
 * `snf bench assign`: cost of one work-assignment decision (route() of a packet that starts a
 * flowlet) with N active units carrying random loads (0–95 % of capacity, so most units fit and
 * the packer scans all of them). A pool of connections is revisited after more than T, so every
 * call is a timeout flowlet: flow lookup, flowlet close and measurement, estimate, packing with
 * state marks, K target draw. Paper §9.7 reports ~1 µs per flowlet for its controller.
 */
import { Controller } from '../gateway/controller';
import type { FlowKey } from '../sdk/flow-key';

export interface AssignBenchResult {
  nsPerDecision: number;
  decisions: number;
}

export interface AssignBenchOptions {
  decisions: number;
  warmup: number;
  seed: number;
}

export const DEFAULT_ASSIGN_BENCH: AssignBenchOptions = { decisions: 300_000, warmup: 100_000, seed: 7 };

/** Pool size × step must exceed T (500 µs) so each revisit is a new flowlet. */
const POOL = 4096;
const STEP_NS = 200;

export function benchAssign(units: number, opts: AssignBenchOptions = DEFAULT_ASSIGN_BENCH): AssignBenchResult {
  const c = new Controller({ initialUnits: units, maxUnits: units * 2, initialDemandBps: 1e3, seed: opts.seed, flowTableCapacity: POOL * 2 });
  let x = opts.seed >>> 0 || 1;
  const rand = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  // Random load per unit through the real meter: bytes such that rate = u × capacity over one window.
  const p = c.params;
  const windowNs = p.loadBucketNs * p.loadBuckets;
  for (let u = 1; u <= units; u++) c.onDrained(u, Math.round((rand() * 0.95 * p.unitCapacityBps * windowNs) / 8e9), 0);
  const keys: FlowKey[] = [];
  for (let i = 0; i < POOL; i++) keys.push({ proto: 6, srcIp: 0x0a000000 + i, srcPort: 1024 + (i % 50_000), dstIp: 0xc0a80001, dstPort: 443 });

  let t = windowNs - (opts.warmup + opts.decisions) * STEP_NS; // keeps the whole run inside one meter window
  t = Math.max(t, p.loadBucketNs);
  let sink = 0;
  for (let i = 0; i < opts.warmup; i++) sink += c.route(keys[i % POOL]!, 100, (t += STEP_NS)).unit;
  const flowletsBefore = c.counters.flowlets;
  const t0 = process.hrtime.bigint();
  for (let i = opts.warmup; i < opts.warmup + opts.decisions; i++) sink += c.route(keys[i % POOL]!, 100, (t += STEP_NS)).unit;
  const elapsed = Number(process.hrtime.bigint() - t0);
  const decisions = c.counters.flowlets - flowletsBefore;
  if (sink < 0 || decisions !== opts.decisions) throw new Error(`assign bench: ${decisions} flowlets for ${opts.decisions} calls`);
  return { nsPerDecision: Math.round((elapsed / decisions) * 10) / 10, decisions };
}

export function runAssignBench(unitCounts: number[], opts: AssignBenchOptions = DEFAULT_ASSIGN_BENCH): { results: Record<string, { nsPerDecision: number }> } {
  const results: Record<string, { nsPerDecision: number }> = {};
  for (const n of unitCounts) results[String(n)] = { nsPerDecision: benchAssign(n, opts).nsPerDecision };
  return { results };
}
