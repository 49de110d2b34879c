import fc from 'fast-check';
import { NO_SLOT, PendingTable } from '../../../../gateway/dispatch/pending-table';

describe('PendingTable (typed-array hash index)', () => {
  test('behaves like a Map of (flowletId, clock) under random add/take/drainUnit, with collisions', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 })), { maxLength: 400 }), (ops) => {
      const t = new PendingTable(64);
      const model = new Map<string, { slot: number; unit: number }>();
      for (const [op, f, c, unit] of ops) {
        const key = `${f}:${c}`;
        if (op <= 1) {
          const s = t.add(f, c, 0, 0, 0, 100, unit);
          if (model.has(key) || model.size === 64) expect(s).toBe(NO_SLOT);
          else {
            expect(s).not.toBe(NO_SLOT);
            model.set(key, { slot: s, unit });
          }
        } else if (op === 2) {
          const s = t.take(f, c);
          expect(s).toBe(model.get(key)?.slot ?? NO_SLOT);
          if (s !== NO_SLOT) (t.release(s), model.delete(key));
        } else {
          const got: number[] = [];
          t.drainUnit(unit, (s) => (got.push(s), t.release(s)));
          const want = [...model].filter(([, v]) => v.unit === unit);
          expect(got.sort()).toEqual(want.map(([, v]) => v.slot).sort());
          for (const [k] of want) model.delete(k);
        }
        expect(t.size).toBe(model.size);
      }
    }));
  });

  test('clocks above 2^20 and flowlet ids up to 2^32−1 stay distinct', () => {
    const t = new PendingTable(8);
    const a = t.add(0xffffffff, 1, 0, 0, 0, 0, 1);
    const b = t.add(0xffffffff, 1 + (1 << 20), 0, 0, 0, 0, 1);
    expect(a).not.toBe(b);
    expect(t.take(0xffffffff, 1 + (1 << 20))).toBe(b);
    expect(t.take(0xffffffff, 1)).toBe(a);
  });
});
