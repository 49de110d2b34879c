import fc from 'fast-check';
import { formatFlowKey, type FlowKey } from '../../../sdk/flow-key';
import { FlowTable } from '../../../sdk/flow-table';

// A small key space forces collisions, long probe chains and wrap-around at the table's end.
const smallKeyArb: fc.Arbitrary<FlowKey> = fc.record({
  proto: fc.constantFrom(6, 17),
  srcIp: fc.integer({ min: 0, max: 3 }).map((n) => (n === 3 ? 0xffffffff : n)),
  srcPort: fc.integer({ min: 0, max: 3 }),
  dstIp: fc.integer({ min: 0, max: 2 }),
  dstPort: fc.constantFrom(0, 80, 0xffff),
});

type Op = { op: 'set'; k: FlowKey; v: number } | { op: 'delete'; k: FlowKey } | { op: 'get'; k: FlowKey } | { op: 'clear' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), k: smallKeyArb, v: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), k: smallKeyArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), k: smallKeyArb }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

function checkSame(t: FlowTable<number>, model: Map<string, number>): void {
  expect(t.size).toBe(model.size);
  const seen = new Map<string, number>();
  t.forEach((v, k) => seen.set(formatFlowKey(k), v));
  expect(seen).toEqual(model);
}

describe('FlowTable', () => {
  test('model-based: random set/delete/get/clear agree with a Map', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 400, size: 'max' }), fc.constantFrom(1, 16, 64), (ops, cap) => {
        const t = new FlowTable<number>(cap);
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.op === 'clear') {
            t.clear();
            model.clear();
            continue;
          }
          const s = formatFlowKey(o.k);
          if (o.op === 'set') {
            t.set(o.k, o.v);
            model.set(s, o.v);
          } else if (o.op === 'delete') {
            expect(t.delete(o.k)).toBe(model.delete(s));
          } else {
            expect(t.get(o.k)).toBe(model.get(s));
            expect(t.has(o.k)).toBe(model.has(s));
            expect(t.getByFields(o.k.proto, o.k.srcIp, o.k.srcPort, o.k.dstIp, o.k.dstPort)).toBe(model.get(s));
          }
        }
        checkSame(t, model);
      }),
      { numRuns: 150 },
    );
  });

  test('grows past its initial capacity and keeps every entry; deletes all back to empty', () => {
    const t = new FlowTable<number>();
    const key = (i: number): FlowKey => ({ proto: 6, srcIp: 0x0a000000 + i, srcPort: i & 0xffff, dstIp: 0xc0a80001, dstPort: 443 });
    for (let i = 0; i < 20000; i++) t.set(key(i), i);
    expect(t.size).toBe(20000);
    let wrong = 0;
    for (let i = 0; i < 20000; i++) if (t.get(key(i)) !== i) wrong++;
    expect(wrong).toBe(0);
    for (let i = 0; i < 20000; i += 2) expect(t.delete(key(i))).toBe(true);
    expect(t.size).toBe(10000);
    for (let i = 0; i < 20000; i++) if (t.get(key(i)) !== (i % 2 ? i : undefined)) wrong++;
    expect(wrong).toBe(0);
    for (let i = 1; i < 20000; i += 2) t.delete(key(i));
    expect(t.size).toBe(0);
    expect(t.entries()).toEqual([]);
  });

  test('forEach may delete entries while iterating (snapshot)', () => {
    const t = new FlowTable<number>();
    for (let i = 0; i < 100; i++) t.set({ proto: 17, srcIp: i, srcPort: 1, dstIp: 2, dstPort: 3 }, i);
    let visits = 0;
    t.forEach((v, k) => {
      visits++;
      if (v % 3 !== 0) t.delete(k);
    });
    expect(visits).toBe(100);
    expect(t.size).toBe(34);
    t.forEach((v) => expect(v % 3).toBe(0));
  });

  test('keys differing only in proto or port direction are distinct', () => {
    const t = new FlowTable<string>();
    t.set({ proto: 6, srcIp: 1, srcPort: 2, dstIp: 3, dstPort: 4 }, 'tcp');
    t.set({ proto: 17, srcIp: 1, srcPort: 2, dstIp: 3, dstPort: 4 }, 'udp');
    t.set({ proto: 6, srcIp: 1, srcPort: 4, dstIp: 3, dstPort: 2 }, 'swapped ports');
    expect(t.size).toBe(3);
    expect(t.getByFields(17, 1, 2, 3, 4)).toBe('udp');
    expect(t.getByFields(6, 1, 4, 3, 2)).toBe('swapped ports');
  });
});
