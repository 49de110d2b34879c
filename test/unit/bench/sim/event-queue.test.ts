import fc from 'fast-check';
import { EventQueue } from '../../../../bench/sim/event-queue';

describe('EventQueue', () => {
  it('pops in time order, ties in scheduling order', () => {
    const q = new EventQueue(2);
    q.push(5, 1, 0, 0);
    q.push(3, 1, 1, 0);
    q.push(5, 1, 2, 0);
    q.push(3, 1, 3, 0);
    q.push(4, 2, 4, 0);
    const got: Array<[number, number, number]> = [];
    while (q.pop()) got.push([q.lastTime, q.lastKind, q.lastA]);
    expect(got).toEqual([[3, 1, 1], [3, 1, 3], [4, 2, 4], [5, 1, 0], [5, 1, 2]]);
    expect(q.peekTime()).toBe(Infinity);
  });

  it('matches a stable sort on random schedules with interleaved pops (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 300 }), (ops) => {
        const q = new EventQueue(1);
        const ref: Array<[number, number]> = [];
        let id = 0;
        for (const [t, popNow] of ops) {
          q.push(t, 0, id, 0);
          ref.push([t, id++]);
          if (popNow) {
            ref.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
            const [et, eid] = ref.shift()!;
            expect(q.pop()).toBe(true);
            expect([q.lastTime, q.lastA]).toEqual([et, eid]);
          }
        }
        ref.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        for (const [et, eid] of ref) {
          expect(q.pop()).toBe(true);
          expect([q.lastTime, q.lastA]).toEqual([et, eid]);
        }
        expect(q.pop()).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
