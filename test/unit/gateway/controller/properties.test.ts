/** fast-check properties of the controller over random packet/drain/tick sequences. */
import fc from 'fast-check';
import { Controller, RouteReason, type AssignmentMode } from '../../../../gateway/controller';
import { pickUnit } from '../../../../gateway/controller/work-assigner';
import { flow, US } from './packet-table';

type Op = { kind: 'pkt'; flow: number; rev: boolean; gap: number; bytes: number } | { kind: 'drain'; gap: number } | { kind: 'tick'; gap: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('pkt' as const), flow: fc.integer({ min: 0, max: 11 }), rev: fc.boolean(), gap: fc.integer({ min: 0, max: 1200 * US }), bytes: fc.integer({ min: 40, max: 9000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drain' as const), gap: fc.integer({ min: 0, max: 100 * US }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), gap: fc.integer({ min: 0, max: 50_000 * US }) }) },
);

function run(c: Controller, ops: Op[], onRoute: (o: Op & { kind: 'pkt' }, t: number) => void): void {
  let t = 0;
  let lastUnit = 1;
  for (const o of ops) {
    t += o.gap;
    if (o.kind === 'pkt') {
      lastUnit = c.route(flow(o.flow, o.rev), o.bytes, t).unit;
      onRoute(o, t);
    } else if (o.kind === 'drain') {
      c.onDrained(lastUnit, 200_000, t);
    } else {
      c.tick(t);
    }
  }
}

const params = fc.record({
  initialDemandBps: fc.constantFrom(1e6, 100e6, 400e6),
  k: fc.integer({ min: 0, max: 4 }),
  alpha: fc.constantFrom(0, 0.25, 1),
  maxUnits: fc.integer({ min: 1, max: 6 }),
  idleRetireNs: fc.constantFrom(1e6, 1e9),
  flowTableCapacity: fc.integer({ min: 2, max: 16 }),
  seed: fc.integer({ min: 0, max: 1000 }),
});

describe('controller properties', () => {
  it('WAM: never picks a unit the flowlet does not fit while one fits; the pick has the best score, lowest id on ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(0, 0.25, 0.5, 1),
        (loads10, marks, demand10, alpha) => {
          const n = loads10.length;
          const ids = Int32Array.from({ length: n }, (_, i) => i + 1);
          const load = Float64Array.from([0, ...loads10.map((l) => l * 1e8)]);
          const mark = Uint8Array.from([0, ...marks.map((m) => (m ? 1 : 0))]);
          const demand = demand10 * 1e8;
          const u = pickUnit(ids, n, load, 1e9, demand, mark, alpha);
          const fits = (v: number): boolean => load[v]! + demand <= 1e9;
          // The same arithmetic as pickUnit (load × (1/capacity)): with division instead, 2e8 and
          // 7e8 (+ α 0.5 on the first) tie here but not there (seed 1871617134 found it).
          const inv = 1 / 1e9;
          const score = (v: number): number => (mark[v] ? load[v]! * inv + alpha : load[v]! * inv);
          const fitting = Array.from(ids).filter(fits);
          if (fitting.length === 0) return u === -1;
          const best = Math.max(...fitting.map(score));
          return fits(u) && score(u) === best && fitting.filter((v) => score(v) === best)[0] === u;
        },
      ),
      { examples: [[[0, 0, 2, 7, 0], [false, false, true, ...new Array<boolean>(17).fill(false)], 0, 0.5]] },
    );
  });

  it('clocks +1 per packet per connection, K distinct ready targets ≠ unit, bounded memory', () => {
    fc.assert(
      fc.property(params, fc.array(op, { maxLength: 150 }), (p, ops) => {
        const c = new Controller({ ...p, initialUnits: 1 });
        const clocks = new Map<number, number>();
        run(c, ops, (o) => {
          const d = c.decision;
          const want = d.reason === RouteReason.NEW_FLOW ? 1 : (clocks.get(o.flow) ?? 0) + 1;
          expect(d.clock).toBe(want);
          clocks.set(o.flow, d.clock);
          const targets = Array.from(d.targets.subarray(0, d.targetCount));
          expect(new Set(targets).size).toBe(targets.length);
          expect(targets).not.toContain(d.unit);
          expect(targets.length).toBeLessThanOrEqual(Math.min(p.k, c.readyUnitCount));
          for (const t of targets) expect(c.unitState(t)).not.toBe(0);
          expect(c.unitState(d.unit)).not.toBe(0);
          expect(c.flowCount).toBeLessThanOrEqual(p.flowTableCapacity);
          expect(c.flows.slots).toBeLessThanOrEqual(p.flowTableCapacity);
          expect(c.unitCount).toBeLessThanOrEqual(p.maxUnits);
        });
      }),
      { numRuns: 150 },
    );
  });

  it.each(['flow', 'smartflow'] as AssignmentMode[])('%s mode: a remembered flow never changes unit (no retirement, %s moves only at rebalance)', (mode) => {
    fc.assert(
      fc.property(params, fc.array(op, { maxLength: 150 }), (p, ops) => {
        const c = new Controller({ ...p, mode, idleRetireNs: 1e15, flowTableCapacity: 64, smartflowPeriodNs: 1e15 });
        const unitOf = new Map<number, number>();
        run(c, ops, (o) => {
          const d = c.decision;
          if (d.reason === RouteReason.NEW_FLOW) unitOf.set(o.flow, d.unit);
          else expect(d.unit).toBe(unitOf.get(o.flow));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('same seed, same decisions', () => {
    fc.assert(
      fc.property(params, fc.array(op, { maxLength: 80 }), (p, ops) => {
        const trace = (): string[] => {
          const c = new Controller(p);
          const out: string[] = [];
          run(c, ops, () => out.push(`${c.decision.unit}/${Array.from(c.decision.targets.subarray(0, c.decision.targetCount))}`));
          return out;
        };
        expect(trace()).toEqual(trace());
      }),
      { numRuns: 50 },
    );
  });
});
