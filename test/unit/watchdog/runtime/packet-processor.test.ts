import { PacketProcessor, type ProcessorOptions } from '../../../../watchdog/runtime/packet-processor';
import { sweep } from '../../../../watchdog/runtime/sweep';
import type { FlowEntry } from '../../../../watchdog/runtime/flow-entry';
import { canonicalKey, flowKeyOf, newFlowKey } from '../../../../sdk/flow-key';
import { Packet } from '../../../../sdk/packet';
import { EgressReason } from '../../../../proto/frames/egress-batch-v1';
import { tcp, udp } from '../../../helpers/packets';
import { countingNf, type CountState } from '../counting-nf';

const A = tcp('10.0.0.1', 1000, '10.0.0.2', 80);
const A_REPLY = tcp('10.0.0.2', 80, '10.0.0.1', 1000);
const KEY = canonicalKey(flowKeyOf(Packet.parse(A)));
const NO_SINK = (): boolean => false;

interface Out { clock: number; verdict: number; reason: number; tos: number }

/** `canPull` is the state backend's answer; by default a peer backend's (never from itself). */
function unit(unitId: number, opts: Partial<ProcessorOptions> = {}, canPull = (u: number) => u !== unitId) {
  const out: Out[] = [];
  const pulls: { unit: number; minClock: number }[] = [];
  const deltas: { clock: number; kind: number }[] = [];
  const proc = new PacketProcessor<null, CountState>(countingNf, null, {
    emit: (_f, clock, verdict, reason, buf, off) => out.push({ clock, verdict, reason, tos: buf[off + 1]! }),
    canPull,
    requestPull: (u, _e, minClock) => pulls.push({ unit: u, minClock }),
    delta: (_e, clock, _f, kind) => deltas.push({ clock, kind }),
  }, { unitId, pullDelayNs: 0, pullRetryNs: 1000, holdTimeoutNs: 1e9, ...opts });
  const send = (clock: number, prevUnit: number, now = 0, pkt = A, targets = [2, 3]) =>
    proc.processOne(clock, clock, prevUnit, targets, targets.length, now, pkt, 0, pkt.length, now);
  return { proc, out, pulls, deltas, send };
}

/** Value + clock this unit would push for the flow. */
function stateOf(u: ReturnType<typeof unit>) {
  const e = u.proc.store.get(KEY)!;
  return { n: e.value?.n, clock: e.clock, present: e.present };
}

describe('PacketProcessor clock rules', () => {
  test.each([
    // [name, packets (clock, prevUnit), expected output clocks, expected final count]
    ['new flow in order', [[1, -1], [2, 1], [3, 1]], [1, 2, 3], 3],
    ['both directions share one connection state', [[1, -1], [2, 1, 'reply'], [3, 1]], [1, 2, 3], 3],
    ['a late (reordered) packet still runs, clock not lowered', [[1, -1], [2, 1], [3, 1], [2, 1]], [1, 2, 3, 2], 4],
  ] as const)('%s', (_name, pkts, clocks, count) => {
    const u = unit(1);
    for (const [c, p, dir] of pkts as readonly (readonly [number, number, string?])[]) u.send(c, p, 0, dir === 'reply' ? A_REPLY : A);
    expect(u.out.map((o) => o.clock)).toEqual(clocks);
    expect(u.out.map((o) => o.tos)).toEqual(clocks.map((_, i) => i));
    expect(stateOf(u)).toEqual({ n: count, clock: 3, present: true });
    expect(u.proc.counters.late).toBe(pkts.length - 3);
  });

  test('pushed state with clock c-1 makes the next flowlet seamless', () => {
    const b = unit(2);
    expect(b.proc.applyRemote(KEY, 5, true, Buffer.from([0, 0, 0, 5]), 0, false)).toBe(0);
    b.send(6, 1);
    expect(b.out).toEqual([{ clock: 6, verdict: 0, reason: 0, tos: 5 }]);
    expect(b.proc.counters.seamless).toBe(1);
    expect(b.pulls).toEqual([]);
  });

  test('stale push never overwrites newer state', () => {
    const b = unit(2);
    b.proc.applyRemote(KEY, 5, true, Buffer.from([0, 0, 0, 5]), 0, false);
    expect(b.proc.applyRemote(KEY, 4, true, Buffer.from([0, 0, 0, 99]), 0, false)).toBe(1);
    expect(b.proc.applyRemote(KEY, 5, true, Buffer.from([0, 0, 0, 99]), 0, false)).toBe(1);
    expect(stateOf(b)).toEqual({ n: 5, clock: 5, present: true });
    expect(b.proc.applyRemote(KEY, 6, true, Buffer.from([1, 2]), 0, false)).toBe(2); // undecodable
    expect(stateOf(b)).toEqual({ n: 5, clock: 5, present: true });
  });

  test('hold, then release in clock order when the push lands', () => {
    const b = unit(2, { pullDelayNs: 1e6 });
    b.send(8, 1, 0);
    b.send(7, 1, 0); // reordered arrival: held list keeps clock order
    b.send(9, 1, 0);
    expect(b.out).toEqual([]);
    expect(b.proc.counters.waited).toBe(3);
    expect(b.proc.heldPackets).toBe(3);
    b.proc.applyRemote(KEY, 6, true, Buffer.from([0, 0, 0, 6]), 10, false);
    expect(b.out.map((o) => [o.clock, o.tos])).toEqual([[7, 6], [8, 7], [9, 8]]);
    expect(b.proc.counters.releasedByPush).toBe(1);
    expect(b.proc.heldPackets).toBe(0);
    expect(b.proc.waiting.size).toBe(0);
  });

  test('a push older than needed releases nothing; the pull path then fetches newer state', () => {
    const b = unit(2);
    b.proc.applyRemote(KEY, 4, true, Buffer.from([0, 0, 0, 4]), 0, false); // push tagged c-1 = 4
    b.send(6, 1, 0); // lingering packet 5 went to unit 1: we need clock 5
    expect(b.out).toEqual([]);
    b.proc.firePulls(0);
    expect(b.pulls).toEqual([{ unit: 1, minClock: 5 }]);
    const e = b.proc.store.get(KEY)!;
    b.proc.applyRemote(KEY, 5, true, Buffer.from([0, 0, 0, 5]), 1, true);
    b.proc.pullDone(e, 1);
    expect(b.out.map((o) => [o.clock, o.tos])).toEqual([[6, 5]]);
    expect(b.proc.counters.pulled).toBe(1);
  });

  test('a pull answered without the needed clock is re-sent until it arrives; never given up before the hold timeout', () => {
    const b = unit(2, { pullRetryNs: 100, holdTimeoutNs: 1e6 });
    b.send(6, 1, 0);
    const e = b.proc.store.get(KEY)!;
    b.proc.firePulls(0);
    b.proc.applyRemote(KEY, 3, true, Buffer.from([0, 0, 0, 3]), 0, true);
    b.proc.pullDone(e, 0);
    b.proc.firePulls(50);
    expect(b.pulls.length).toBe(1); // retry not due yet
    for (let t = 100; t <= 1000; t += 100) {
      sweep(b.proc, t, { idlePushNs: 1e12, evictNs: 1e12 }, NO_SINK);
      b.proc.pullDone(e, t); // "not yet" answers, many of them
    }
    expect(b.pulls.length).toBeGreaterThanOrEqual(10);
    expect(b.pulls.every((p) => p.unit === 1 && p.minClock === 5)).toBe(true);
    expect(b.out).toEqual([]);
    expect(b.proc.counters.stateLost).toBe(0);
    b.proc.applyRemote(KEY, 5, true, Buffer.from([0, 0, 0, 5]), 1100, true);
    expect(b.out).toEqual([{ clock: 6, verdict: 0, reason: EgressReason.NF, tos: 5 }]);
    expect(b.proc.counters.pulled).toBe(1);
  });

  test('held packets of a later flowlet (came back here) pull from their own previous unit', () => {
    // flowlets: unit 1 (1..4) → unit 2 (5..6) → unit 3 (7..8) → unit 2 (9)
    const b = unit(2);
    b.send(5, 1, 0);
    b.send(6, 2, 0);
    b.send(9, 3, 0);
    b.proc.firePulls(0);
    expect(b.pulls).toEqual([{ unit: 1, minClock: 4 }]);
    const e = b.proc.store.get(KEY)!;
    b.proc.applyRemote(KEY, 4, true, Buffer.from([0, 0, 0, 4]), 0, true);
    b.proc.pullDone(e, 0);
    expect(b.out.map((o) => o.clock)).toEqual([5, 6]);
    b.proc.firePulls(2000);
    expect(b.pulls[b.pulls.length - 1]).toEqual({ unit: 3, minClock: 8 });
    b.proc.applyRemote(KEY, 8, true, Buffer.from([0, 0, 0, 8]), 2000, true);
    expect(b.out.map((o) => [o.clock, o.tos])).toEqual([[5, 4], [6, 5], [9, 8]]);
    expect(b.proc.counters.stateLost).toBe(0);
  });

  test('hold timeout in the sweep gives up', () => {
    const b = unit(2, { holdTimeoutNs: 1000, pullDelayNs: 1e9 });
    b.send(4, 1, 0);
    sweep(b.proc, 500, { idlePushNs: 1e12, evictNs: 1e12 }, NO_SINK);
    expect(b.out).toEqual([]);
    sweep(b.proc, 1000, { idlePushNs: 1e12, evictNs: 1e12 }, NO_SINK);
    expect(b.out.map((o) => o.reason)).toEqual([EgressReason.STATE_LOST]);
  });

  test('deltas: put per packet, delete, and drops keep their put', () => {
    const u = unit(1);
    const k = udp('10.0.0.1', 5, '10.0.0.2', 13);
    const del = udp('10.0.0.1', 5, '10.0.0.2', 9);
    u.proc.processOne(1, 1, -1, [], 0, 0, k, 0, k.length, 0);
    const dk = canonicalKey(flowKeyOf(Packet.parse(del), newFlowKey()));
    expect(u.out[0]).toMatchObject({ verdict: 1 });
    u.proc.processOne(1, 1, -1, [], 0, 0, del, 0, del.length, 0);
    expect(u.deltas).toEqual([{ clock: 1, kind: 1 }, { clock: 1, kind: 2 }]);
    expect(u.proc.store.get(dk)!.present).toBe(false);
  });

  test('malformed packet: dropped, counted, no state', () => {
    const u = unit(1);
    u.proc.processOne(1, 1, -1, [], 0, 0, Buffer.from([0x45, 0]), 0, 2, 0);
    expect(u.out).toEqual([{ clock: 1, verdict: 1, reason: EgressReason.MALFORMED_PACKET, tos: 0 }]);
    expect(u.proc.counters.malformedPackets).toBe(1);
    expect(u.proc.store.size).toBe(0);
  });
});

describe('idle sweep (offers idle changed flows to the state backend)', () => {
  test('a flow idle for T/2 is offered once per change; taken → counted pushed at its clock', () => {
    const u = unit(2);
    const offered: number[] = [];
    let take = true;
    const sink = (e: FlowEntry<CountState>) => (offered.push(e.clock), take);
    u.send(1, -1, 0, A, [1, 2, 3]);
    u.send(2, 2, 100, A, [1, 2, 3]);
    sweep(u.proc, 300, { idlePushNs: 250, evictNs: 1e9 }, sink);
    expect(offered).toEqual([]);
    sweep(u.proc, 350, { idlePushNs: 250, evictNs: 1e9 }, sink);
    expect(offered).toEqual([2]);
    expect(u.proc.store.get(KEY)!.pushedClock).toBe(2);
    sweep(u.proc, 10_000, { idlePushNs: 250, evictNs: 1e9 }, sink);
    expect(offered).toEqual([2]); // nothing new
    // a lingering packet after the push: offered again on the next idle period; refused → not pushed
    take = false;
    u.send(3, 2, 20_000, A, [1, 2, 3]);
    sweep(u.proc, 20_300, { idlePushNs: 250, evictNs: 1e9 }, sink);
    expect(offered).toEqual([2, 3]);
    expect(u.proc.store.get(KEY)!.pushedClock).toBe(2);
  });

  test('idle flows are evicted after evictNs', () => {
    const u = unit(2);
    u.send(1, -1, 0);
    sweep(u.proc, 300, { idlePushNs: 250, evictNs: 1000 }, NO_SINK);
    expect(u.proc.store.size).toBe(1);
    sweep(u.proc, 1000, { idlePushNs: 250, evictNs: 1000 }, NO_SINK);
    expect(u.proc.store.size).toBe(0);
    expect(u.proc.counters.evicted).toBe(1);
  });
});

describe('PacketProcessor: flows the controller forgot, unit info, where state is fetched from', () => {
  test('a connection restarted by the controller (clock 1, no previous unit) runs on fresh state, not late', () => {
    const u = unit(1);
    for (let c = 1; c <= 4; c++) u.send(c, c === 1 ? -1 : 1);
    // The controller expired the flow and sees it again: clock 1, no previous unit.
    u.send(1, -1);
    u.send(2, 1);
    expect(u.out.map((o) => o.tos)).toEqual([0, 1, 2, 3, 0, 1]);
    expect(u.proc.counters).toMatchObject({ restarted: 1, late: 0, waited: 0 });
    expect(stateOf(u)).toEqual({ n: 2, clock: 2, present: true });
  });

  test('the NF is created with {id: unitId, maxUnits} when maxUnits is given, else as the only unit', () => {
    const seen: unknown[] = [];
    const nf = { ...countingNf, create: (c: null, info?: unknown) => (seen.push(info), countingNf.create(c)) };
    const ports = { emit: () => {}, canPull: () => true, requestPull: () => {} };
    new PacketProcessor(nf, null, ports, { unitId: 3, pullDelayNs: 0, pullRetryNs: 0, holdTimeoutNs: 1, maxUnits: 8 });
    new PacketProcessor(nf, null, ports, { unitId: 3, pullDelayNs: 0, pullRetryNs: 0, holdTimeoutNs: 1 });
    expect(seen).toEqual([{ id: 3, maxUnits: 8 }, undefined]);
  });

  test('a backend that can fetch this unit\'s own flowlets (a store) is asked; a peer backend is not', () => {
    const u = unit(1, {}, () => true);
    u.send(5, 1);
    expect(u.pulls).toEqual([]);
    u.proc.firePulls(0);
    expect(u.pulls).toEqual([{ unit: 1, minClock: 4 }]);
    const peer = unit(1);
    peer.send(5, 1);
    peer.proc.firePulls(0);
    expect(peer.pulls).toEqual([]);
  });
});

test('the handler hears of every state applied from elsewhere (stateArrived), never of a stale one; a throwing hook is counted', () => {
  const heard: Array<{ key: string; n: number | undefined }> = [];
  let throwNext = false;
  const nf = { ...countingNf, create: () => {
    const h = countingNf.create(null);
    return { process: h.process, stateArrived: (k: { srcPort: number; dstPort: number }, v: CountState | undefined) => {
      if (throwNext) throw new Error('hook');
      heard.push({ key: `${k.srcPort}-${k.dstPort}`, n: v?.n });
    } };
  } };
  const proc = new PacketProcessor<null, CountState>(nf, null, { emit: () => {}, canPull: () => true, requestPull: () => {} },
    { unitId: 1, pullDelayNs: 0, pullRetryNs: 0, holdTimeoutNs: 1e9 });
  expect(proc.applyRemote(KEY, 5, true, Buffer.from([0, 0, 0, 5]), 0, false)).toBe(0);
  expect(proc.applyRemote(KEY, 5, true, Buffer.from([0, 0, 0, 9]), 0, true)).toBe(1);
  expect(proc.applyRemote(KEY, 6, false, Buffer.alloc(0), 0, true)).toBe(0);
  expect(heard).toEqual([{ key: '1000-80', n: 5 }, { key: '1000-80', n: undefined }]);
  throwNext = true;
  expect(proc.applyRemote(KEY, 7, true, Buffer.from([0, 0, 0, 7]), 0, false)).toBe(0);
  expect(proc.counters.handlerErrors).toBe(1);
});

test('emit reports the input wire bytes (IP total length) for forwards and drops, so the gateway backlog drains to 0', () => {
  const wires: number[] = [];
  const lens: number[] = [];
  const proc = new PacketProcessor<null, CountState>(countingNf, null, {
    emit: (_f, _c, _v, _r, _b, _o, len, wire) => (lens.push(len), wires.push(wire)),
    canPull: () => true,
    requestPull: () => {},
  }, { unitId: 1, pullDelayNs: 0, pullRetryNs: 0, holdTimeoutNs: 1e9 });
  const fwd = tcp('10.0.0.1', 1000, '10.0.0.2', 80);
  // Captured without payload (like smallFlows_nopayloads): IP total length says 1,500 B on the wire.
  fwd.writeUInt16BE(1500, 2);
  const drop = udp('10.0.0.1', 1000, '10.0.0.2', 13);
  proc.processOne(1, 1, -1, [], 0, 0, fwd, 0, fwd.length, 0);
  proc.processOne(2, 1, -1, [], 0, 0, drop, 0, drop.length, 0);
  expect(wires).toEqual([1500, drop.readUInt16BE(2)]);
  expect(lens).toEqual([fwd.length, 0]);
});
