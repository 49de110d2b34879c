/**
 * The external state store against a real Redis (scripts/services.sh): conditional writes by
 * logical clock and clock-gated reads — the two rules external mode's correctness rests on.
 */
import { ExternalStateStore } from '../../../watchdog/state/external-store';
import { newUnitCounters } from '../../../watchdog/runtime/counters';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = { proto: 6, srcIp: 0x0a000001, srcPort: 1000, dstIp: 0x0a000002, dstPort: 80 };
const flow = (clock: number, v: number, present = true) => ({ key: KEY, clock, present, value: Buffer.from([v]) });

describe('ExternalStateStore (Redis)', () => {
  const ns = `test-${process.pid}-${Date.now()}`;
  const c = newUnitCounters();
  const store = new ExternalStateStore(URL, ns, 'counting', 60_000, c);
  beforeAll(() => store.connect());
  afterAll(async () => {
    const keys = await store.redis.keys(`snf:ext:${ns}:*`);
    if (keys.length) await store.redis.del(...keys);
    store.close();
  });

  test('a stale write never overwrites a newer clock; reads are found only at the asked clock or later', async () => {
    expect(await store.write([flow(5, 50)])).toMatchObject({ applied: 1, stale: 0 });
    expect(await store.write([flow(3, 30), flow(5, 99)])).toMatchObject({ applied: 0, stale: 2 });
    const r = await store.read([{ key: KEY, minClock: 5 }, { key: KEY, minClock: 6 }]);
    expect(r.flows[0]).toEqual({ found: true, state: { key: KEY, clock: 5, present: true, value: Buffer.from([50]) } });
    expect(r.flows[1]).toEqual({ found: false, state: null });
    expect(await store.write([flow(6, 0, false)])).toMatchObject({ applied: 1 });
    const d = await store.read([{ key: KEY, minClock: 6 }]);
    expect(d.flows[0]!.state).toMatchObject({ clock: 6, present: false });
    expect(c).toMatchObject({ storeWrites: 4, storeReads: 3, storeFlowsMissing: 1, storeErrors: 0 });
    expect(await store.redis.pttl(`snf:ext:${ns}:counting:6:${KEY.srcIp}:1000:${KEY.dstIp}:80`)).toBeGreaterThan(50_000);
  });

  test('namespaces are separate (one per gateway run)', async () => {
    const other = new ExternalStateStore(URL, `${ns}-b`, 'counting', 60_000, newUnitCounters());
    await other.connect();
    try {
      expect((await other.read([{ key: KEY, minClock: 1 }])).flows[0]!.found).toBe(false);
    } finally {
      other.close();
    }
  });
});
