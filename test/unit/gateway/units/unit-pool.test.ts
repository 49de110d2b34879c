/** The pool over a fake provider: start/stop go through the interface, unit-gone events are honoured. */
import type { AddressInfo } from 'net';
import pino from 'pino';
import { UnitPool } from '../../../../gateway/units/unit-pool';
import { createDataPlaneServer } from '../../../../watchdog/data-plane-server';
import { newUnitCounters } from '../../../../watchdog/runtime/counters';
import type { UnitEndpoint, UnitEvent, UnitKind, UnitProvider } from '../../../../gateway/units/provider';

class FakeProvider implements UnitProvider {
  readonly name = 'fake';
  readonly calls: string[] = [];
  protected readonly listeners = new Set<(e: UnitEvent) => void>();
  private readonly up = new Map<number, UnitEndpoint>();
  fail = false;

  async start(unit: number, kind: UnitKind): Promise<UnitEndpoint> {
    this.calls.push(`start ${unit} ${kind}`);
    if (this.fail) throw new Error('no capacity');
    const ep: UnitEndpoint = { unit, kind, data: { host: `10.0.0.${unit}`, port: 8080 }, peer: null, instance: `pod-${unit}` };
    this.up.set(unit, ep);
    return ep;
  }
  async stop(unit: number): Promise<void> {
    this.calls.push(`stop ${unit}`);
    this.vanish(unit);
  }
  list(): UnitEndpoint[] {
    return [...this.up.values()];
  }
  on(l: (e: UnitEvent) => void): () => void {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }
  async close(): Promise<void> {
    this.calls.push('close');
  }
  /** The unit goes (asked or on its own). */
  vanish(unit: number, instance = `pod-${unit}`): void {
    this.up.delete(unit);
    for (const l of this.listeners) l({ type: 'unit-gone', unit, instance, why: 'evicted' });
  }
}

function pool(p: FakeProvider) {
  const ready: Array<[number, string]> = [];
  const errors: number[] = [];
  const pl = new UnitPool(p, 'tok', true, {
    frame: () => undefined,
    lost: () => undefined,
    httpReady: (u, ep) => ready.push([u, `${ep.data.host}:${ep.data.port}`]),
    error: (u) => errors.push(u),
  });
  return { pl, ready, errors };
}

test('units start through the provider at the address it learnt; idempotent while starting', async () => {
  const p = new FakeProvider();
  const { pl, ready } = pool(p);
  pl.start(1);
  pl.start(1);
  pl.start(2);
  await pl.settled();
  expect(p.calls).toEqual(['start 1 http', 'start 2 http']);
  expect(ready).toEqual([[1, '10.0.0.1:8080'], [2, '10.0.0.2:8080']]);
  expect(pl.counters).toMatchObject({ started: 2, startFailures: 0 });
});

test('a unit gone on its own is forgotten and counted; an asked stop or a stale instance is not', async () => {
  const p = new FakeProvider();
  const { pl } = pool(p);
  pl.start(1);
  pl.start(2);
  await pl.settled();
  p.vanish(1, 'pod-1-old');
  expect(pl.counters.gone).toBe(0);
  p.vanish(1);
  expect(pl.counters.gone).toBe(1);
  expect([...pl.endpoints.keys()]).toEqual([2]);
  await pl.stop(2);
  expect(pl.counters).toMatchObject({ gone: 1, stopped: 1 });
  await pl.close();
  expect(p.calls.slice(-2)).toEqual(['stop 2', 'close']);
});

test('a start the provider refuses is reported and counted', async () => {
  const p = new FakeProvider();
  p.fail = true;
  const { pl, errors } = pool(p);
  pl.start(3);
  await pl.settled();
  expect(errors).toEqual([3]);
  expect(pl.counters.startFailures).toBe(1);
  expect(pl.endpoints.size).toBe(0);
});

test('a provider that replaces units: a unit the controller still runs is reconnected at its new endpoint (once), not after a stop', async () => {
  const log = pino({ level: 'silent' });
  const accepted: number[] = [];
  const srv = createDataPlaneServer({ unitId: 1, token: 'tok', admit: (h) => (accepted.push(h.unitId), { status: 0, unitId: h.unitId }) },
    { onFrame: () => undefined, onClose: () => undefined }, newUnitCounters(), log);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  class Replacing extends FakeProvider {
    readonly replacesUnits = true;
    override async start(unit: number, kind: UnitKind): Promise<UnitEndpoint> {
      await super.start(unit, kind);
      return { unit, kind, data: { host: '127.0.0.1', port }, peer: { host: '127.0.0.1', port }, instance: 'pod-a' };
    }
    ready(ep: UnitEndpoint): void {
      for (const l of this.listeners) l({ type: 'unit-ready', endpoint: ep });
    }
  }
  const p = new Replacing();
  const lost: number[] = [];
  const pl = new UnitPool(p, 'tok', false, { frame: () => undefined, lost: (u) => lost.push(u), error: () => undefined });
  try {
    pl.start(1);
    await pl.settled();
    expect(accepted).toEqual([1]);
    p.vanish(1, 'pod-a');
    expect(lost).toEqual([1]);
    const next: UnitEndpoint = { unit: 1, kind: 'compute', data: { host: '127.0.0.1', port }, peer: { host: '127.0.0.1', port }, instance: 'pod-b' };
    p.ready(next);
    p.ready(next); // already reconnecting: once
    await pl.settled();
    expect(accepted).toEqual([1, 1]);
    expect(pl.counters).toMatchObject({ replaced: 1, unitIdRefused: 0 });
    expect(pl.links.get(1)?.isConnected).toBe(true);
    await pl.stop(1);
    p.ready({ ...next, instance: 'pod-c' });
    await pl.settled();
    expect(pl.counters.replaced).toBe(1);
  } finally {
    await pl.close();
    srv.close();
  }
});

test('behind: reported from the unit\'s current link only; a failover link starts not behind', async () => {
  const log = pino({ level: 'silent' });
  // A unit that reads and never credits: its window fills at once.
  const srv = createDataPlaneServer({ unitId: 1, token: 'tok', admit: (h) => ({ status: 0, unitId: h.unitId }) },
    { onFrame: () => undefined, onClose: () => undefined }, newUnitCounters(), log);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  class Local extends FakeProvider {
    override async start(unit: number, kind: UnitKind): Promise<UnitEndpoint> {
      await super.start(unit, kind);
      return { unit, kind, data: { host: '127.0.0.1', port }, peer: null, instance: 'pod-a' };
    }
  }
  const events: Array<[number, boolean]> = [];
  const pl = new UnitPool(new Local(), 'tok', false, { frame: () => undefined, lost: () => undefined, error: () => undefined, behind: (u, b) => void events.push([u, b]) });
  pl.linkMaxQueued = 2;
  const pkt = Buffer.alloc(60, 1);
  const send = (n: number): void => {
    const l = pl.links.get(1)!;
    for (let i = 0; i < n; i++) l.add(i, 1, -1, [], 0, 0, pkt, 0, pkt.length);
    l.flush();
  };
  try {
    pl.start(1);
    await pl.settled();
    send(2);
    send(1); // waits: the unit has 2 queued
    expect(events).toEqual([[1, true]]);
    const old = pl.links.get(1)!;
    pl.prepareFailover(1); // the unit died: a new link for its id
    expect(events).toEqual([[1, true], [1, false]]);
    old.close(); // the old link writes what waited: its "not behind" is not the unit's any more
    send(2);
    send(1);
    expect(events).toEqual([[1, true], [1, false], [1, true]]);
  } finally {
    await pl.close();
    srv.close();
  }
});
