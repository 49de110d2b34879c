import { createStateBackend } from '../../../../watchdog/state/create-backend';
import { PeerStateBackend } from '../../../../watchdog/state/peer-backend';
import { ExternalStateBackend } from '../../../../watchdog/state/external-backend';
import { StatePeerService } from '../../../../watchdog/state/peer-service';
import { canonicalKey, flowKeyOf } from '../../../../sdk/flow-key';
import { Packet } from '../../../../sdk/packet';
import { FakePeers, FakeStore, flowA, flowB, quietLog, settle, unitWith } from './fixture';

const KEY_A = canonicalKey(flowKeyOf(Packet.parse(flowA)));
const n = (v: number): Buffer => Buffer.from([0, 0, 0, v]);

function peerUnit(unitId: number, known = [1, 2, 3]) {
  const peers = new FakePeers(known);
  const u = unitWith(unitId, (proc, after) => new PeerStateBackend(proc, peers, quietLog, () => 0, after));
  return { ...u, peers };
}

function externalUnit(unitId: number) {
  const store = new FakeStore();
  const u = unitWith(unitId, (proc, after) => new ExternalStateBackend(proc, store, quietLog, () => 0, after));
  return { ...u, store };
}

describe('state backend selection (SNF_STATE)', () => {
  const deps = (proc: never) => ({
    proc, peers: new FakePeers([]), log: quietLog, nowNs: () => 0, afterAsync: () => {},
    nf: 'counting', redisUrl: 'redis://127.0.0.1:1', stateNamespace: 't', evictMs: 1000,
  });

  test('peer → push/pull between units; external → the store; each answers where state is fetched from', async () => {
    const u = peerUnit(1);
    const peer = createStateBackend('peer', deps(u.proc as never));
    expect(peer).toBeInstanceOf(PeerStateBackend);
    expect(peer.kind).toBe('peer');
    expect([peer.canFetch(1), peer.canFetch(2)]).toEqual([false, true]);
    const ext = createStateBackend('external', deps(u.proc as never));
    expect(ext).toBeInstanceOf(ExternalStateBackend);
    expect(ext.kind).toBe('external');
    expect([ext.canFetch(1), ext.canFetch(2)]).toEqual([true, true]);
    await ext.close(); // never connected (lazy): nothing to wait for
  });

  test('an unknown kind is refused with a clear error', () => {
    const u = peerUnit(1);
    expect(() => createStateBackend('kafka' as never, deps(u.proc as never))).toThrow(/unknown state backend "kafka"/);
  });
});

describe('peer backend: push plans (no sockets)', () => {
  test('a flow idle for T/2 is pushed once per target except self, one stream push per target, one encoding', () => {
    const u = peerUnit(2);
    u.send(1, -1, 0);
    u.send(2, 2, 100);
    u.afterWork(300);
    expect(u.peers.streamedPushes).toEqual([]);
    u.afterWork(350);
    expect(u.peers.streamedPushes.map((c) => c.unit)).toEqual([1, 3]);
    const [m1, m3] = u.peers.streamedPushes.map((c) => c.arg[0]!);
    expect(m1).toBe(m3);
    expect({ clock: m1!.clock, present: m1!.present, value: m1!.value.toString('hex') }).toEqual({ clock: 2, present: true, value: '00000002' });
    expect(u.proc.counters).toMatchObject({ pushesSent: 2, pushFlowsSent: 2, pushBytesSent: 2 * (4 + 24) });
    u.afterWork(10_000);
    expect(u.peers.streamedPushes.length).toBe(2); // nothing new
  });

  test('flows to one target share a push; no targets → not pushed; unknown address → pushErrors', () => {
    const u = peerUnit(2, [1, 2]);
    u.send(1, -1, 0, flowA, []);
    u.afterWork(1000);
    expect(u.peers.streamedPushes).toEqual([]);
    expect(u.proc.store.get(KEY_A)!.pushedClock).toBe(0);
    expect((u.backend as PeerStateBackend<null, unknown>).pending().pushes).toBeNull();
    const v = peerUnit(2, [1, 2]);
    v.send(1, -1, 0, flowA, [1, 3]);
    v.send(1, -1, 0, flowB, [1]);
    v.afterWork(1000);
    expect(v.peers.streamedPushes.map((c) => [c.unit, c.arg.length])).toEqual([[1, 2]]);
    expect(v.proc.counters.pushErrors).toBe(1); // unit 3 has no address
  });

  test('pulls: one per previous unit per batch; found state releases the held packets; one arrival per answer', async () => {
    const u = peerUnit(3);
    u.send(5, 1, 0, flowA);
    u.send(7, 2, 0, flowB);
    u.send(6, 1, 0, flowA);
    expect(u.backend.canFetch(3)).toBe(false);
    u.afterWork(0);
    expect(u.peers.pulls.map((c) => [c.unit, c.arg.map((i) => i.minClock)])).toEqual([[1, [4]], [2, [6]]]);
    expect(u.proc.counters).toMatchObject({ pullsSent: 2, pullFlowsRequested: 2 });
    const pa = u.peers.pulls[0]!;
    pa.resolve({ flows: [{ found: true, state: { key: pa.arg[0]!.key, clock: 4, present: true, value: n(4) } }] });
    await settle();
    expect(u.out).toEqual([4, 5]);
    expect(u.arrivals.n).toBe(1);
    u.peers.pulls[1]!.reject(new Error('unavailable'));
    await settle();
    expect(u.proc.counters).toMatchObject({ pullFlowsFound: 1, pullErrors: 1, pulled: 1 });
    expect(u.arrivals.n).toBe(2);
    u.afterWork(2000); // the failed flow is pulled again after pullRetry
    expect(u.peers.pulls.map((c) => c.unit)).toEqual([1, 2, 2]);
  });

  test('a pull to a unit PEERS does not name yet is not sent; it fails after a pause, not at once (no spin)', async () => {
    jest.useFakeTimers();
    try {
      const u = peerUnit(3, [3]);
      u.send(5, 1, 0, flowA);
      u.afterWork(0);
      expect(u.peers.pulls).toHaveLength(0);
      expect(u.proc.counters.pullErrors).toBe(0);
      jest.advanceTimersByTime(19);
      expect(u.arrivals.n).toBe(0);
      jest.advanceTimersByTime(1);
      expect({ errors: u.proc.counters.pullErrors, arrivals: u.arrivals.n }).toEqual({ errors: 1, arrivals: 1 });
      u.peers.known.push(1); // PEERS arrived
      u.afterWork(1e6);
      expect(u.peers.pulls.map((c) => c.unit)).toEqual([1]);
    } finally {
      jest.useRealTimers();
    }
  });

  test('hand-off on retirement: every flow to every known peer but self, unary, answered before it resolves', async () => {
    const u = peerUnit(2, [1, 2, 4]);
    u.send(1, -1, 0, flowA, [1]);
    u.send(1, -1, 0, flowB, []);
    let done = false;
    const p = u.backend.handOff().then(() => (done = true));
    expect(u.peers.streamedPushes).toEqual([]);
    expect(u.peers.unaryPushes.map((c) => [c.unit, c.arg.length])).toEqual([[1, 2], [4, 2]]);
    expect(u.proc.store.get(KEY_A)!.pushedClock).toBe(1);
    u.peers.unaryPushes[0]!.resolve({ applied: 2, stale: 0, rejected: 0 });
    await settle();
    expect(done).toBe(false);
    u.peers.unaryPushes[1]!.reject(new Error('gone'));
    await p;
    expect(u.proc.counters.pushErrors).toBe(1);
  });
});

describe('external backend: the store instead of peers (no Redis)', () => {
  test('an idle changed flow is written even without targets, all in one write; once per change', async () => {
    const u = externalUnit(1);
    await u.backend.start();
    expect(u.store.connected).toBe(true);
    u.send(1, -1, 0, flowA, []);
    u.send(1, -1, 0, flowB, []);
    u.afterWork(1000);
    expect(u.store.writes.map((w) => w.arg.map((f) => f.clock))).toEqual([[1, 1]]);
    u.afterWork(2000);
    expect(u.store.writes.length).toBe(1);
  });

  test('reads: one batch for every previous unit, this unit included', async () => {
    const u = externalUnit(1);
    u.send(5, 1, 0, flowA);
    u.send(7, 2, 0, flowB);
    u.afterWork(0);
    expect(u.store.reads.map((r) => r.arg.map((i) => i.minClock))).toEqual([[4, 6]]);
    const r = u.store.reads[0]!;
    r.resolve({ flows: [{ found: true, state: { key: r.arg[0]!.key, clock: 4, present: true, value: n(4) } }, { found: false, state: null }] });
    await settle();
    expect(u.out).toEqual([4]);
    expect(u.proc.counters).toMatchObject({ pullFlowsFound: 1, pullFlowsUnknown: 1 });
    expect(u.arrivals.n).toBe(1);
  });

  test('hand-off writes only what changed since its last write, then closes the store', async () => {
    const u = externalUnit(1);
    u.send(1, -1, 0, flowA, []);
    u.afterWork(1000); // written at T/2
    u.send(1, -1, 2000, flowB, []);
    const p = u.backend.handOff();
    expect(u.store.writes.map((w) => w.arg.length)).toEqual([1, 1]);
    u.store.writes[1]!.resolve({ applied: 1, stale: 0, rejected: 0 });
    await p;
    await u.backend.close();
    expect(u.store.closed).toBe(true);
  });
});

describe('StatePeer service', () => {
  test('a push arrival runs the unit\'s after-arrival work once, which answers the waiting pull', async () => {
    const u = peerUnit(2);
    let checks = 0;
    const svc: StatePeerService<null, { n: number }> = new StatePeerService(u.proc, () => 0, 1000, () => {
      checks++;
      svc.checkWaiters();
    });
    const key = { proto: KEY_A.proto, srcIp: KEY_A.srcIp, srcPort: KEY_A.srcPort, dstIp: KEY_A.dstIp, dstPort: KEY_A.dstPort };
    const answer = svc.onPull({ fromUnit: 3, flows: [{ key, minClock: 4 }] });
    expect(svc.waiting).toBe(1);
    expect(svc.onPush({ fromUnit: 1, flows: [{ key, clock: 4, present: true, value: n(4) }] })).toEqual({ applied: 1, stale: 0, rejected: 0 });
    expect(checks).toBe(1);
    const r = await answer;
    expect(r.flows[0]).toMatchObject({ found: true, state: { clock: 4 } });
    expect(svc.waiting).toBe(0);
  });
});
