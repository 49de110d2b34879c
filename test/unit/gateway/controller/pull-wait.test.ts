/**
 * Pull-wait-aware assignment (the move cost, always on; sizeForkStays and pendingStaysWhenFull,
 * LIVE profile only): per-flow outstanding bytes and hand-computed stay/move decisions. The
 * ablations `pendingMoveCost: false` and `pendingStays` were retired after commit f11934b.
 */
import { Controller, resolveParams, ROUTE_REASON_NAMES } from '../../../../gateway/controller';
import { pickUnit } from '../../../../gateway/controller/work-assigner';
import { ConfigError } from '../../../../sdk/errors';
import { flow, MS, US } from './packet-table';

describe('outstanding bytes of a flow at its unit (FIFO position from byte counters)', () => {
  it('= backlog − bytes routed after the flow’s last packet, clamped at 0', () => {
    const c = new Controller({ initialDemandBps: 1e6 });
    for (let i = 1; i <= 3; i++) c.route(flow(1), 1000, i);
    const a = c.decision.flowSlot;
    c.route(flow(2), 2000, 4);
    const b = c.decision.flowSlot;
    // Unit 1 holds A A A B(2000): backlog 5,000.
    expect(c.outstandingBytes(a)).toBe(3000);
    expect(c.outstandingBytes(b)).toBe(5000);
    c.onDrained(1, 2500, 10); // backlog 2,500; 2,000 of it is B's, routed after A's last packet
    expect(c.outstandingBytes(a)).toBe(500);
    expect(c.outstandingBytes(b)).toBe(2500);
    c.onDrained(1, 1000, 11); // A fully drained
    expect(c.outstandingBytes(a)).toBe(0);
    expect(c.outstandingBytes(b)).toBe(1500);
  });
});

/**
 * Flow 1: 15 × 1000 B at 0.9 ms + 1..15 µs on unit 1, then a 16th that exceeds B = 15 KB (SIZE).
 * After the first packet, unit 2's meter is fed 56,250 B: 450,000 bits over a 0.916 ms window = 491 Mb/s.
 * Unit 1 scores 0 + α = 0.25 (its open demand was released when the flowlet closed), unit 2 scores
 * 0.491: the paper's packer moves the size fork to unit 2, which holds no state (nothing pushed).
 */
function sizeForkScenario(extra: Record<string, boolean> = {}): { c: Controller; unit: number; hasState: boolean; reason: string } {
  const c = new Controller({ initialUnits: 2, initialDemandBps: 1e6, k: 0, ...extra });
  expect(c.route(flow(1), 1000, 0.9 * MS + US).unit).toBe(1); // both empty: lowest id
  c.onDrained(2, 56_250, 0.9 * MS + US);
  for (let i = 2; i <= 15; i++) expect(c.route(flow(1), 1000, 0.9 * MS + i * US).unit).toBe(1);
  const d = c.route(flow(1), 1000, 0.9 * MS + 16 * US);
  return { c, unit: d.unit, hasState: d.hasState, reason: ROUTE_REASON_NAMES[d.reason] };
}

describe('sizeForkStays', () => {
  it('PAPER profile: the size fork moves to the fuller unit (it has room for the 15 KB wait) and must pull', () => {
    expect(sizeForkScenario()).toMatchObject({ unit: 2, hasState: false, reason: 'size' });
  });

  it('a size fork that still fits stays on its unit, with its state', () => {
    expect(sizeForkScenario({ sizeForkStays: true })).toMatchObject({ unit: 1, hasState: true, reason: 'size' });
  });

  it('B still bounds it: once its unit is over capacity the next size fork moves', () => {
    const { c } = sizeForkScenario({ sizeForkStays: true });
    // Unit 1 drained 125,000 B by 0.917 ms: 1 Mbit / 0.917 ms = 1.09 Gb/s > capacity.
    c.onDrained(1, 125_000, 0.917 * MS);
    expect(c.unitLoadBps(1)).toBeGreaterThan(1e9);
    for (let i = 1; i <= 14; i++) expect(c.route(flow(1), 1000, 0.917 * MS + i * US).unit).toBe(1);
    const d = c.route(flow(1), 1000, 0.917 * MS + 15 * US); // 15,000 + 1,000 > B
    expect(ROUTE_REASON_NAMES[d.reason]).toBe('size');
    expect(d.unit).toBe(2);
    expect(d.hasState).toBe(false);
  });
});

/**
 * Backlog budget 1 ms: 1 byte outstanding = 8 kb/s of load; 50,000 B = 400 Mb/s.
 * Flow 1 sends one 50,000 B packet to unit 1 at 0.1 ms; nothing drains. Unit 2's meter gets
 * 87,500 B at 1 ms (700 Mb/s over 1 ms). At 1 ms flow 1's next packet starts a TIMEOUT flowlet;
 * unit 2 is its one replication target (k = 1), so both units score with the state bonus:
 * unit 1: 0 + 0.25, unit 2: 0.7 + 0.25. The flow's demand is a few Mb/s.
 */
function timeoutScenario(extra: Record<string, boolean>): { c: Controller; unit: number } {
  const c = new Controller({ initialUnits: 2, initialDemandBps: 1e6, k: 1, backlogBudgetNs: MS, sizeThresholdBytes: 1e9, ...extra });
  expect(c.route(flow(1), 50_000, 0.1 * MS).unit).toBe(1);
  c.onDrained(2, 87_500, MS);
  expect(c.outstandingBytes(c.decision.flowSlot)).toBe(50_000);
  return { c, unit: c.route(flow(1), 100, MS).unit };
}

describe('move cost', () => {
  it('unit 2 would need 0.7 + 0.4 (the flow’s 50 KB at unit 1) > 1, so it stays on unit 1 (0.4 + demand fits; the paper packer moved it to the fuller unit 2)', () => {
    expect(timeoutScenario({}).unit).toBe(1);
  });

  it('the same move goes ahead when the destination has room for the wait (unit 2 at 500 Mb/s: 0.5 + 0.4 + demand ≤ 1)', () => {
    const c = new Controller({ initialUnits: 2, initialDemandBps: 1e6, k: 1, backlogBudgetNs: MS, sizeThresholdBytes: 1e9 });
    c.route(flow(1), 50_000, 0.1 * MS);
    c.onDrained(2, 62_500, MS);
    expect(c.route(flow(1), 100, MS).unit).toBe(2);
  });

  it('pendingStaysWhenFull: nothing fits (unit 1: 125 KB queued = 1 Gb/s) → stay overloaded instead of starting unit 3', () => {
    const run = (extra: Record<string, boolean>): [number, number] => {
      const c = new Controller({ initialUnits: 2, maxUnits: 3, initialDemandBps: 1e6, k: 1, backlogBudgetNs: MS, sizeThresholdBytes: 1e9, ...extra });
      c.route(flow(1), 125_000, 0.1 * MS);
      c.onDrained(2, 87_500, MS);
      return [c.route(flow(1), 100, MS).unit, c.counters.overloadAssignments];
    };
    expect(run({})).toEqual([3, 0]);
    expect(run({ pendingStaysWhenFull: true })).toEqual([1, 1]);
  });
});

describe('pickUnit move cost', () => {
  it('is added to every unit but stayUnit', () => {
    const ids = Int32Array.from([1, 2]);
    const load = Float64Array.from([0, 0.1e9, 0.7e9]);
    const none = new Uint8Array(3);
    expect(pickUnit(ids, 2, load, 1e9, 0.01e9, none, 0.25, -1, undefined, 1, 0)).toBe(2);
    expect(pickUnit(ids, 2, load, 1e9, 0.01e9, none, 0.25, -1, undefined, 1, 0.3e9)).toBe(1); // 0.7 + 0.3 + 0.01 > 1
    expect(pickUnit(ids, 2, load, 1e9, 0.01e9, none, 0.25, -1, undefined, 1, 0.29e9)).toBe(2); // exactly 1.0 fits
  });
});

describe('parameters', () => {
  it('the stay rules are off in the PAPER defaults; the retired switches are unknown parameters', () => {
    const p = resolveParams();
    expect([p.sizeForkStays, p.pendingStaysWhenFull]).toEqual([false, false]);
    for (const key of ['pendingStays', 'pendingMoveCost', 'demandOverMeterWindow']) {
      expect(() => resolveParams({ [key]: true } as never)).toThrow(/unknown controller parameter/);
    }
  });
  it('are booleans', () => {
    for (const key of ['sizeForkStays', 'pendingStaysWhenFull'] as const) {
      expect(() => resolveParams({ [key]: 1 as unknown as boolean })).toThrow(ConfigError);
    }
  });
});
