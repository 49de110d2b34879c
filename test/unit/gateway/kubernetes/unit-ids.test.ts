/**
 * Unit ids for pods without one (unit-ids.ts): lowest free id, stable while the endpoint is
 * listed (ready or not), held after it goes, fixed ids respected, none free → waits (counted).
 */
import { listedOfSlices, newSliceSkips, DEFAULT_UNIT_NAMES, type SliceLike } from '../../../../gateway/units/kubernetes/slices';
import { UnitIds } from '../../../../gateway/units/kubernetes/unit-ids';

type Ep = NonNullable<SliceLike['endpoints']>[number];
const pod = (name: string, ip: string, ready = true, hostname?: string): Ep =>
  ({ addresses: [ip], conditions: { ready }, targetRef: { kind: 'Pod', name }, ...(hostname !== undefined ? { hostname } : {}) });
const slices = (...eps: Ep[]): SliceLike[] => [{
  metadata: { name: 's' }, addressType: 'IPv4', ports: [{ name: 'data', port: 9000 }, { name: 'peer', port: 9001 }], endpoints: eps,
}];

function run(ids: UnitIds, nowMs: number, ...eps: Ep[]) {
  const skips = newSliceSkips();
  const units = ids.assign(listedOfSlices(slices(...eps), DEFAULT_UNIT_NAMES, skips), nowMs, skips);
  return { byId: Object.fromEntries([...units].map(([id, ep]) => [id, ep.instance])), skips };
}

describe('UnitIds', () => {
  it('gives the lowest free id, keeps it while listed, holds it after the pod went', () => {
    const ids = new UnitIds(3, 1000);
    expect(run(ids, 0, pod('a', '10.0.0.1'), pod('b', '10.0.0.2')).byId).toEqual({ 1: 'a', 2: 'b' });
    // a not ready (it may still talk): its id stays a's; c gets 3.
    const r = run(ids, 10, pod('a', '10.0.0.1', false), pod('b', '10.0.0.2'), pod('c', '10.0.0.3'));
    expect(r.byId).toEqual({ 2: 'b', 3: 'c' });
    expect(r.skips.notReady).toBe(1);
    // a gone: id 1 held for 1 s; d waits (every id in use or held), counted.
    const w = run(ids, 20, pod('b', '10.0.0.2'), pod('c', '10.0.0.3'), pod('d', '10.0.0.4'));
    expect(w.byId).toEqual({ 2: 'b', 3: 'c' });
    expect(w.skips.noFreeId).toBe(1);
    expect(ids.heldIds).toEqual([1]);
    expect(ids.nextRelease()).toBe(1020);
    // After the hold, d takes 1.
    expect(run(ids, 1020, pod('b', '10.0.0.2'), pod('c', '10.0.0.3'), pod('d', '10.0.0.4')).byId).toEqual({ 1: 'd', 2: 'b', 3: 'c' });
    expect(ids.assigned).toBe(4);
  });

  it('a pod back within the hold gets its id back; fixed ids are respected and never handed out', () => {
    const ids = new UnitIds(4, 1000);
    expect(run(ids, 0, pod('a', '10.0.0.1'), pod('s', '10.0.0.9', true, 'unit-1')).byId).toEqual({ 1: 's', 2: 'a' });
    run(ids, 5, pod('s', '10.0.0.9', true, 'unit-1'));
    expect(run(ids, 50, pod('s', '10.0.0.9', true, 'unit-1'), pod('n', '10.0.0.3'), pod('a', '10.0.0.1')).byId).toEqual({ 1: 's', 2: 'a', 3: 'n' });
    // A second endpoint claiming fixed id 1 is a duplicate.
    const d = run(ids, 60, pod('s', '10.0.0.9', true, 'unit-1'), pod('t', '10.0.0.8', true, 'unit-1'));
    expect(d.byId).toEqual({ 1: 's' });
    expect(d.skips.duplicateId).toBe(1);
  });
});
