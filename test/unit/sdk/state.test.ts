import { DELTA_DELETE, DELTA_NONE, DELTA_PUT, jsonCodec, RecordingFlowState } from '../../../sdk/state';

describe('RecordingFlowState', () => {
  const ab = { proto: 6, srcIp: 10, srcPort: 5000, dstIp: 20, dstPort: 80 };
  const ba = { proto: 6, srcIp: 20, srcPort: 80, dstIp: 10, dstPort: 5000 };

  test('both directions share one entry; deltas are recorded per bind', () => {
    const s = new RecordingFlowState<{ n: number }>();
    s.bind(ab);
    expect(s.get()).toBeUndefined();
    expect(s.deltaKind).toBe(DELTA_NONE);
    s.put({ n: 1 });
    expect([s.deltaKind, s.deltaValue]).toEqual([DELTA_PUT, { n: 1 }]);
    s.bind(ba);
    expect(s.deltaKind).toBe(DELTA_NONE);
    expect(s.get()).toEqual({ n: 1 });
    expect(s.table.size).toBe(1);
    expect(s.key).toEqual(ab); // canonical: lower address first
    s.delete();
    expect([s.deltaKind, s.deltaValue]).toEqual([DELTA_DELETE, undefined]);
    expect(s.table.size).toBe(0);
  });

  test('bind copies the key (the caller may reuse its object)', () => {
    const s = new RecordingFlowState<number>();
    const k = { ...ab };
    s.bind(k);
    k.srcPort = 1;
    s.put(7);
    expect(s.table.get(ab)).toBe(7);
  });

  test('jsonCodec round trip', () => {
    const c = jsonCodec<{ a: number[]; b: string }>();
    const v = { a: [1, 2], b: 'x' };
    expect(c.decode(c.encode(v))).toEqual(v);
    expect(c.encode(v)).toBeInstanceOf(Buffer);
  });
});
