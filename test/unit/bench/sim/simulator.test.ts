import fc from 'fast-check';
import { inputFromArrays, type SimInput } from '../../../../bench/sim/input';
import { parseModeSpec } from '../../../../bench/sim/mode';
import { simParams } from '../../../../bench/sim/params';
import { simulate } from '../../../../bench/sim/simulator';
import { compareJson, runModes } from '../../../../bench/sim/compare';

const US = 1000;

function run(input: SimInput, mode: string, ctrl = {}, sim = {}) {
  return simulate(input, parseModeSpec(mode), ctrl, simParams(sim), { keepPerPacket: true });
}

/** Random trace: `flows` flows, Poisson-ish arrivals, sizes 64..1500. */
function randomInput(seed: number, packets: number, flows: number, meanGapNs: number): SimInput {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const t: number[] = [];
  const w: number[] = [];
  const f: number[] = [];
  let now = 0;
  for (let i = 0; i < packets; i++) {
    now += -Math.log(1 - rnd()) * meanGapNs;
    t.push(Math.round(now));
    w.push(64 + Math.floor(rnd() * 1437));
    f.push(Math.floor(rnd() * rnd() * flows)); // skewed: a few heavy flows
  }
  return inputFromArrays(`random:${seed}`, t, w, f);
}

describe('simulator: hand-computed scenarios', () => {
  it('one unit, back-to-back packets: FIFO service at BW_max gives exact latencies', () => {
    // 1250 B at 1 Gb/s = 10 µs of service each.
    const input = inputFromArrays('fifo', [0, 1 * US, 2 * US, 100 * US], [1250, 1250, 1250, 1250], [0, 0, 0, 0]);
    const r = run(input, 'flowlet');
    expect(Array.from(r.perPacket!.latencyNs)).toEqual([10 * US, 19 * US, 28 * US, 10 * US]);
    expect(Array.from(r.perPacket!.unit)).toEqual([1, 1, 1, 1]);
    expect(r.result.packets).toBe(4);
    expect(r.result.flows).toBe(1);
    expect(r.result.assignments).toBe(1);
  });

  it('controller→unit latency adds to every packet', () => {
    const input = inputFromArrays('lat', [0, 50 * US], [1250, 1250], [0, 1]);
    const r = run(input, 'flowlet', {}, { ctrlToUnitNs: 7 * US });
    expect(Array.from(r.perPacket!.latencyNs)).toEqual([17 * US, 17 * US]);
  });

  it('packet mode charges a store read before and a write after every packet, serialized per flow', () => {
    // Two packets of one flow 1 µs apart: the second reads only after the first wrote.
    const input = inputFromArrays('pkt', [0, 1 * US], [1250, 1250], [0, 0]);
    const r = run(input, 'packet', {}, { storeReadNs: 74 * US, storeWriteNs: 74 * US });
    // p0: read 74 + service 10 + write 74 = 158. p1: waits for p0's write (done at 158), read → 232, service → 242, write → 316; minus arrival 1.
    expect(Array.from(r.perPacket!.latencyNs)).toEqual([158 * US, 315 * US]);
    expect(r.state.storeReads).toBe(2);
    expect(r.state.storeWrites).toBe(2);
    expect(r.result.assignments).toBe(2);
  });

  it('flowlet mode with a size threshold starts new flowlets; flow mode keeps one assignment per flow', () => {
    const t: number[] = [];
    for (let i = 0; i < 30; i++) t.push(i * 20 * US);
    const input = inputFromArrays('size', t, t.map(() => 1500), t.map(() => 0));
    expect(run(input, 'flowlet', { sizeThresholdBytes: 15_000 }).result.assignments).toBe(3);
    expect(run(input, 'flow').result.assignments).toBe(1);
  });
});

describe('simulator: invariants', () => {
  const modes = ['flowlet', 'flowlet/reactive', 'flowlet/external', 'flowlet-timeout-only', 'flow', 'smartflow:5', 'packet'];

  it('loses and duplicates no packet in any mode over random traces (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 40 }), (seed, packets, flows) => {
        const input = randomInput(seed, packets, flows, 3 * US);
        for (const m of modes) {
          // Small units so queues, moves and scaling all happen; simulate() throws SNF_ERR_SIM_INVARIANT on loss/duplication.
          const r = run(input, m, {}, { unitBwBps: 2e8 });
          expect(r.result.packets).toBe(packets);
          const lat = r.perPacket!.latencyNs;
          for (let i = 0; i < lat.length; i++) expect(lat[i]).toBeGreaterThan(0);
          const s = r.state;
          expect(s.seamless + s.waited + s.pulled).toBe(s.moved);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('flow mode never moves a flow; reactive never finds state seamlessly', () => {
    const input = randomInput(7, 3000, 60, 2 * US);
    const flow = run(input, 'flow', {}, { unitBwBps: 2e8 });
    expect(flow.state.moved).toBe(0);
    expect(flow.result.assignments).toBe(flow.result.flows);
    const reactive = run(input, 'flowlet/reactive', {}, { unitBwBps: 2e8 });
    expect(reactive.state.moved).toBeGreaterThan(0);
    expect(reactive.result.seamlessShare).toBe(0);
    expect(reactive.result.pulledShare).toBe(1);
    expect(reactive.result.replicationBytesPerFlowlet).toBe(0);
  });

  it('proactive replication makes some moved flowlets seamless and costs replication bytes', () => {
    const input = randomInput(11, 4000, 80, 2 * US);
    const r = run(input, 'flowlet', {}, { unitBwBps: 2e8 });
    expect(r.state.moved).toBeGreaterThan(0);
    expect(r.state.seamless).toBeGreaterThan(0);
    expect(r.result.replicationBytesPerFlowlet).toBeGreaterThan(0);
  });

  it('same input and seed give the same JSON; another seed may differ only through the controller PRNG', () => {
    const input = randomInput(3, 2000, 50, 2 * US);
    const a = compareJson('x', {}, runModes(input, ['flowlet', 'smartflow:5'], {}, simParams({ unitBwBps: 2e8, seed: 5 })));
    const b = compareJson('x', {}, runModes(input, ['flowlet', 'smartflow:5'], {}, simParams({ unitBwBps: 2e8, seed: 5 })));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Object.keys(a.modes)).toEqual(['flowlet', 'smartflow:5']);
  });
});
