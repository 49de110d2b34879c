/**
 * The sub-linear assignment structures against their linear definitions: the packer's index
 * (pack-index.ts, pickUnitIndexed) against pickUnit's scan, the Fenwick target draw (ReadyWeights)
 * against drawTargets, over random unit tables with ties, backlogs, state marks and stay units.
 */
import fc from 'fast-check';
import { PackIndex } from '../../../../gateway/controller/pack-index';
import { drawTargets } from '../../../../gateway/controller/replication-targets';
import { UnitTable } from '../../../../gateway/controller/units';
import { Controller } from '../../../../gateway/controller';
import { pickUnit, pickUnitIndexed } from '../../../../gateway/controller/work-assigner';
import { Prng } from '../../../../sdk/prng';

const CAP = 1e9;

/** Loads drawn from a coarse grid so equal scores (ties) are common. */
const unitArb = fc.record({
  running: fc.boolean(),
  load: fc.integer({ min: 0, max: 10 }).map((x) => x * 0.1e9),
  backlog: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 }).map((x) => x * 0.05e9)),
  marked: fc.boolean(),
});

interface Table {
  U: UnitTable;
  ids: Int32Array;
  count: number;
  marks: Uint8Array;
  holders: Int32Array;
  holderCount: number;
}

function build(units: Array<{ running: boolean; load: number; backlog: number; marked: boolean }>): Table {
  const U = new UnitTable(units.length, CAP);
  const marks = new Uint8Array(units.length + 1);
  const holders: number[] = [];
  units.forEach((x, i) => {
    const u = i + 1;
    if (!x.running) return;
    U.start(u, 0, 0);
    U.setLoad(u, x.load);
    U.addBacklog(u, x.backlog / 8, 8);
    if (x.marked && holders.length < 4) {
      marks[u] = 1;
      holders.push(u);
    }
  });
  return { U, ids: U.ids, count: U.count, marks, holders: Int32Array.from(holders), holderCount: holders.length };
}

describe('PackIndex (the packer index)', () => {
  it('best(limit) is the scan’s fitting unit with the highest score, lowest id on ties', () => {
    fc.assert(
      fc.property(fc.array(unitArb, { minLength: 1, maxLength: 70 }), fc.integer({ min: 0, max: 12 }), (units, d) => {
        const t = build(units);
        const demand = d * 0.1e9;
        const none = new Uint8Array(units.length + 1);
        const want = pickUnit(t.ids, t.count, t.U.loadBps, CAP, demand, none, 0, -1, t.U.backlogBps);
        expect(t.U.syncPack().best(CAP - demand)).toBe(want);
      }),
      { numRuns: 400 },
    );
  });

  it('pickUnitIndexed = pickUnit with state marks, α, a stay unit and a move cost', () => {
    fc.assert(
      fc.property(
        fc.array(unitArb, { minLength: 1, maxLength: 70 }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(0, 0.1, 0.25, 1),
        fc.integer({ min: 0, max: 4 }).map((x) => x * 0.05e9),
        fc.boolean(),
        (units, d, alpha, moveCost, stay) => {
          const t = build(units);
          const demand = d * 0.1e9;
          const stayUnit = stay && t.holderCount > 0 ? t.holders[0]! : -1;
          const want = pickUnit(t.ids, t.count, t.U.loadBps, CAP, demand, t.marks, alpha, -1, t.U.backlogBps, stayUnit, moveCost);
          const got = pickUnitIndexed(t.U.syncPack(), t.U.loadBps, t.U.backlogBps, t.U.runningTest, CAP, demand, t.marks, alpha, t.holders, t.holderCount, stayUnit, moveCost);
          expect(got).toBe(want);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('follows every write since the last decision (start, stop, load, backlog, drain)', () => {
    type Op = { kind: 0 | 1 | 2 | 3 | 4; unit: number; v: number };
    const opArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom(0, 1, 2, 3, 4), unit: fc.integer({ min: 1, max: 40 }), v: fc.integer({ min: 0, max: 10 }) });
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { maxLength: 12 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 10 }), (rounds, d) => {
        const U = new UnitTable(40, CAP);
        const none = new Uint8Array(41);
        const demand = d * 0.1e9;
        for (const ops of rounds) {
          for (const o of ops) {
            if (o.kind === 0 && !U.isRunning(o.unit)) U.start(o.unit, 0, 0);
            else if (o.kind === 1 && U.isRunning(o.unit)) U.stop(o.unit);
            else if (o.kind === 2 && U.isRunning(o.unit)) U.setLoad(o.unit, o.v * 0.1e9);
            else if (o.kind === 3 && U.isRunning(o.unit)) U.addBacklog(o.unit, o.v * 1e6, 8);
            else if (o.kind === 4 && U.isRunning(o.unit)) U.releaseBacklog(o.unit, o.v * 1e6, 8);
          }
          const want = pickUnit(U.ids, U.count, U.loadBps, CAP, demand, none, 0, -1, U.backlogBps);
          expect(U.syncPack().best(CAP - demand)).toBe(want);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('an empty index has no unit; a unit over the limit is never picked', () => {
    const idx = new PackIndex(8, 1 / CAP);
    expect(idx.best(CAP)).toBe(-1);
    const U = new UnitTable(8, CAP);
    U.start(3, 0, 0);
    U.setLoad(3, 0.9e9);
    expect(U.syncPack().best(0.95e9)).toBe(3);
    U.addBacklog(3, 0.1e9 / 8, 8); // fit 1.0e9 > 0.95e9
    expect(U.syncPack().best(0.95e9)).toBe(-1);
  });
});

describe('ReadyWeights (the Fenwick target draw)', () => {
  it('draws what drawTargets draws from the same generator', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: -1, max: 300 }),
        fc.integer({ min: 0, max: 1 << 30 }),
        (ready, k, exclude, seed) => {
          const U = new UnitTable(300, CAP);
          for (const u of ready) U.start(u, 0, 0);
          const a = new Int32Array(k);
          const b = new Int32Array(k);
          const ra = new Prng(seed);
          const rb = new Prng(seed);
          for (let i = 0; i < 5; i++) {
            const na = drawTargets(U.readyIds, U.readyCount, U.readyWeight, U.invId, exclude, k, ra, a);
            const nb = U.readyWeights.draw(U.readyIds, U.readyCount, U.readyTest, exclude, k, rb, b);
            expect(nb).toBe(na);
            expect(Array.from(b.subarray(0, nb))).toEqual(Array.from(a.subarray(0, na)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('follows the ready set as units start and stop', () => {
    const U = new UnitTable(10, CAP);
    for (let u = 1; u <= 10; u++) U.start(u, 0, 0);
    const out = new Int32Array(3);
    const rng = new Prng(5);
    U.stop(2);
    U.stop(3);
    for (let i = 0; i < 500; i++) {
      expect(U.readyWeights.draw(U.readyIds, U.readyCount, U.readyTest, 1, 3, rng, out)).toBe(3);
      for (const t of out) {
        expect([2, 3, 1]).not.toContain(t);
        expect(U.isReady(t)).toBe(true);
      }
    }
  });
});

describe('the controller with the index and with the scan', () => {
  it('makes the same decisions over many units (assignScanBelow 0 vs never)', () => {
    type Op = { kind: 'pkt'; flow: number; gap: number; bytes: number } | { kind: 'drain'; unit: number; gap: number; bytes: number } | { kind: 'tick'; gap: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 10, arbitrary: fc.record({ kind: fc.constant('pkt' as const), flow: fc.integer({ min: 0, max: 400 }), gap: fc.integer({ min: 0, max: 400_000 }), bytes: fc.integer({ min: 40, max: 9000 }) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('drain' as const), unit: fc.integer({ min: 1, max: 120 }), gap: fc.integer({ min: 0, max: 50_000 }), bytes: fc.integer({ min: 100, max: 400_000 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), gap: fc.integer({ min: 0, max: 5_000_000 }) }) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 50, maxLength: 600 }), fc.integer({ min: 60, max: 120 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom(1e6, 20e6, 200e6), (ops, units, seed, demand) => {
        const base = { initialUnits: units, maxUnits: 128, seed, initialDemandBps: demand, unitCapacityBps: 1e9 };
        const indexed = new Controller({ ...base, assignScanBelow: 0 });
        const scanned = new Controller({ ...base, assignScanBelow: 1e9 });
        let t = 0;
        for (const o of ops) {
          t += o.gap;
          if (o.kind === 'pkt') {
            const key = { proto: 6, srcIp: 0x0a000000 + o.flow, srcPort: 1000 + o.flow, dstIp: 0x0a010101, dstPort: 443 };
            const a = indexed.route(key, o.bytes, t);
            const b = scanned.route(key, o.bytes, t);
            expect([a.unit, a.newFlowlet, a.overloaded, Array.from(a.targets.subarray(0, a.targetCount))]).toEqual([b.unit, b.newFlowlet, b.overloaded, Array.from(b.targets.subarray(0, b.targetCount))]);
          } else if (o.kind === 'drain') {
            indexed.onDrained(o.unit, o.bytes, t);
            scanned.onDrained(o.unit, o.bytes, t);
          } else {
            indexed.tick(t);
            scanned.tick(t);
          }
        }
        expect(indexed.counters).toEqual(scanned.counters);
      }),
      { numRuns: 60 },
    );
  });
});
