import { DropReasonId, DropReasonTable } from '../../../sdk/drop-reasons';

describe('DropReasonTable', () => {
  test('runtime reasons first, then declared ones in order, then late ones on first use', () => {
    const t = new DropReasonTable(['a', 'b', 'a']);
    expect(t.names.slice(1, 5)).toEqual(['unspecified', 'handler_error', 'bad_verdict', 'other']);
    expect(t.name(DropReasonId.CLASS_BASE + 4)).toBe('truncated');
    const a = t.intern('a');
    expect(t.intern('b')).toBe(a + 1);
    expect(t.declared).toBe(a + 2);
    const late = t.intern('late');
    expect(late).toBe(a + 2);
    expect(t.intern('late')).toBe(late);
    expect(t.lateInterned).toBe(1);
  });

  test('beyond the cap an unknown reason counts as other', () => {
    const t = new DropReasonTable([], 13);
    const ids = Array.from({ length: 5 }, (_, i) => t.intern(`r${i}`));
    expect(ids.slice(0, 2)).toEqual([11, 12]);
    expect(ids.slice(2)).toEqual([DropReasonId.OTHER, DropReasonId.OTHER, DropReasonId.OTHER]);
    expect(t.overflowed).toBe(3);
    expect(t.names.length).toBe(13);
  });

  test('counting a known reason allocates nothing (typed array; the table does not grow)', () => {
    const t = new DropReasonTable(['x']);
    const id = t.intern('x');
    const names = t.names.length;
    for (let i = 0; i < 1000; i++) t.count(t.intern('x'));
    expect(t.counts[id]).toBe(1000);
    expect(t.names.length).toBe(names);
    expect(t.counts).toBeInstanceOf(Float64Array);
    expect([...t.toMap()]).toEqual([['x', 1000]]);
  });
});
