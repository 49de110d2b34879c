import { DEFAULT_UNIT_NAMES, newSliceSkips, unitIdOf, unitsOfSlices, type SliceLike } from '../../../../gateway/units/kubernetes/slices';

const slice = (name: string, eps: NonNullable<SliceLike['endpoints']>, ports = [{ name: 'data', port: 7000 }, { name: 'peer', port: 7001 }]): SliceLike =>
  ({ metadata: { name }, addressType: 'IPv4', ports, endpoints: eps });

describe('EndpointSlices → units', () => {
  it('reads unit ids from hostname unit-<id> or a StatefulSet ordinal', () => {
    expect(unitIdOf('unit-3', 'fn-abc')).toBe(3);
    expect(unitIdOf(undefined, 'fn-0')).toBe(1);
    expect(unitIdOf(undefined, 'fn-7d9f')).toBe(-1);
    expect(unitIdOf('unit-0', undefined)).toBe(-1);
    expect(unitIdOf('unit-40000', undefined)).toBe(-1);
  });

  it('takes ready endpoints with both named ports; skips and counts the rest', () => {
    const skips = newSliceSkips();
    const units = unitsOfSlices([
      slice('b', [
        { addresses: ['10.0.0.2'], hostname: 'unit-2', conditions: { ready: true } },
        { addresses: ['10.0.0.3'], hostname: 'unit-3', conditions: { ready: false } },
        { addresses: ['10.0.0.4'], hostname: 'unit-4', conditions: { ready: true, terminating: true } },
        { addresses: ['10.0.0.5'], conditions: {} },
      ]),
      slice('a', [{ addresses: ['10.0.0.1'], targetRef: { name: 'fn-0' } }, { addresses: ['10.0.0.9'], hostname: 'unit-2' }]),
      slice('c', [{ addresses: ['10.0.0.6'], hostname: 'unit-6' }], [{ name: 'http', port: 8080 }]),
    ], DEFAULT_UNIT_NAMES, skips);
    expect([...units.keys()]).toEqual([1, 2]);
    expect(units.get(1)).toEqual({ unit: 1, kind: 'compute', data: { host: '10.0.0.1', port: 7000 }, peer: { host: '10.0.0.1', port: 7001 }, instance: 'fn-0' });
    // Slice "a" sorts first: its unit-2 wins, the later one is a duplicate.
    expect(units.get(2)!.data.host).toBe('10.0.0.9');
    expect(skips).toEqual({ badSlice: 1, noUnitId: 1, duplicateId: 1, notReady: 2, noFreeId: 0 });
  });
});
