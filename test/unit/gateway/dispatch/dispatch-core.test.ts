/**
 * The dispatch core without sockets: packet tables of (time, flow, the unit the router picks)
 * through a scripted router and fake unit links; the units' answers are EGRESS frames the test
 * builds, in whatever order the table says. Checks routing, refusals, per-flow egress order and
 * unit loss.
 */
import { EgressBatchWriter, EgressReason } from '../../../../proto/frames/egress-batch-v1';
import { EgressBatchV2Writer, type EgressBatchV2Reader } from '../../../../proto/frames/egress-batch-v2';
import { FrameType } from '../../../../proto/frames/constants';
import { encodeCredit, type Credit } from '../../../../proto/frames/credit-v1';
import { FRAME_HEADER_BYTES } from '../../../../proto/frames/frame-header-v1';
import { DispatchCore } from '../../../../gateway/dispatch/dispatch-core';
import type { EgressSink, NfReport, Router, UnitPort } from '../../../../gateway/dispatch/ports';
import type { RouteDecision } from '../../../../gateway/controller';
import type { FlowKey } from '../../../../sdk/flow-key';
import { tcp } from '../../../helpers/packets';

const US = 1_000;

/** Connection n's packet (the router keys on the source port). */
const packet = (n: number): Buffer => tcp('10.0.0.1', 1000 + n, '10.0.1.1', 80, 0x10, `p${n}`);

/** Routes each flow to whatever unit the next row says; one flowlet per flow (id = flow), clock +1 per packet. */
class ScriptedRouter implements Router {
  readonly params = { flowTableCapacity: 64, loadBucketNs: 1e6 };
  next = 0;
  readonly dropped: Array<{ unit: number; at: number }> = [];
  readonly drained: number[] = [];
  private readonly clocks = new Map<number, number>();
  private readonly d: RouteDecision = {
    unit: 0, newFlowlet: false, flowletId: 0, clock: 0, prevUnit: -1, targets: new Int32Array(1), targetCount: 0,
    reason: 0 as RouteDecision['reason'], hasState: false, holdUntilNs: 0, externalState: false, overloaded: false, flowSlot: 0,
  };

  route(key: FlowKey): RouteDecision {
    const flow = key.srcPort - 1000;
    const clock = (this.clocks.get(flow) ?? 0) + 1;
    this.clocks.set(flow, clock);
    Object.assign(this.d, { unit: this.next, flowletId: flow, clock, flowSlot: flow });
    return this.d;
  }
  onDropped(unit: number, _bytes: number, at: number): void {
    this.dropped.push({ unit, at });
  }
  onDrained(unit: number): void {
    this.drained.push(unit);
  }
  tick(): readonly never[] {
    return [];
  }
}

interface Sent { flowletId: number; clock: number; buf: Buffer }

class FakeLink implements UnitPort {
  readonly sent: Sent[] = [];
  add(flowletId: number, clock: number, _p: number, _t: ArrayLike<number>, _k: number, _ts: number, buf: Buffer, off: number, len: number): boolean {
    this.sent.push({ flowletId, clock, buf: Buffer.from(buf.subarray(off, off + len)) });
    return true;
  }
}

interface Out { seq: number; verdict: number; reason: number; residenceUs: number; len: number }

class RecordingSink implements EgressSink {
  readonly out: Out[] = [];
  emit(seq: number, residenceNs: number, verdict: number, reason: number, _b: Buffer, _o: number, len: number): void {
    this.out.push({ seq, verdict, reason, residenceUs: residenceNs / US, len });
  }
  close(): void {}
}

/** Row: at µs, flow n, the unit the router picks. The packet's seq is the row index. */
type Row = [atUs: number, flow: number, unit: number];

/** Records what the core reports of EGRESS v2 records, and when each slot is released. */
class RecordingReport implements NfReport {
  readonly events: string[] = [];
  onNames(unit: number, _b: Buffer, count: number): void {
    this.events.push(`names u${unit} ×${count}`);
  }
  onRecord(unit: number, slot: number, r: EgressBatchV2Reader): void {
    const sids = Array.from({ length: r.alertCount }, (_, i) => r.sid(i));
    this.events.push(`record u${unit} slot${slot} drop${r.dropId} sids[${sids.join(',')}] sport${r.tuple.srcPort}`);
  }
  release(slot: number): void {
    this.events.push(`release slot${slot}`);
  }
}

function setup(units: number[], maxInFlight = 16) {
  const router = new ScriptedRouter();
  const links = new Map<number, FakeLink>(units.map((u) => [u, new FakeLink()]));
  const report = new RecordingReport();
  const core = new DispatchCore(router, links, null, { maxInFlight, replicate: true, sourceTime: false }, report);
  const sink = new RecordingSink();
  const source = core.addSink(sink);
  const feed = (rows: Row[]) => rows.forEach(([at, flow, unit], seq) => {
    router.next = unit;
    const p = packet(flow);
    core.ingest(source, p, 0, p.length, seq, 0, at * US);
  });
  /** Unit answers (flowletId, clock) at `atUs`, forwarding the bytes it was sent (verdict 0). */
  const answer = (atUs: number, unit: number, which: Array<[flowletId: number, clock: number]>) => {
    const w = new EgressBatchWriter(1 << 16);
    for (const [f, c] of which) {
      const s = links.get(unit)!.sent.find((x) => x.flowletId === f && x.clock === c)!;
      w.add(f, c, 0, EgressReason.NF, s.buf, 0, s.buf.length);
    }
    core.onUnitFrame(unit, FrameType.EGRESS, w.count, w.finish().subarray(FRAME_HEADER_BYTES), atUs * US);
  };
  return { core, router, links, sink, feed, answer, report };
}

test('each packet goes to the link of the unit the router picked, with its flowlet id and clock', () => {
  const { core, links, feed } = setup([1, 2]);
  feed([
    [0, 1, 1],
    [10, 2, 2],
    [20, 1, 1],
    [30, 3, 2],
  ]);
  expect(links.get(1)!.sent.map((s) => [s.flowletId, s.clock])).toEqual([[1, 1], [1, 2]]);
  expect(links.get(2)!.sent.map((s) => [s.flowletId, s.clock])).toEqual([[2, 1], [3, 1]]);
  expect(core.counters).toMatchObject({ ingress: 4, noLink: 0, pendingFull: 0 });
  expect([core.inFlightAt(1), core.inFlightAt(2)]).toEqual([2, 2]);
});

test('no link for the chosen unit, or the pending table full: refused at once, counted, the controller told', () => {
  const { core, router, sink, feed } = setup([1], 2);
  feed([
    [0, 1, 1],
    [5, 2, 7], // unit 7 has no link
    [10, 3, 1],
    [15, 4, 1], // 2 in flight = full
  ]);
  expect(sink.out).toEqual([
    { seq: 1, verdict: 1, reason: EgressReason.NO_UNIT_LINK, residenceUs: 0, len: 0 },
    { seq: 3, verdict: 1, reason: EgressReason.PENDING_FULL, residenceUs: 0, len: 0 },
  ]);
  expect(core.counters).toMatchObject({ ingress: 4, noLink: 1, pendingFull: 1, egress: 0 });
  expect(router.dropped).toEqual([{ unit: 7, at: 5 * US }, { unit: 1, at: 15 * US }]);
});

test('egress leaves in per-flow clock order even when units answer out of order', () => {
  const { core, sink, feed, answer } = setup([1, 2]);
  // Flow 1 moves from unit 1 to unit 2 after its second packet; flow 2 stays on unit 2.
  feed([
    [0, 1, 1], // seq 0: flow 1 clock 1
    [10, 1, 1], // seq 1: flow 1 clock 2
    [20, 1, 2], // seq 2: flow 1 clock 3, on unit 2
    [30, 2, 2], // seq 3: flow 2 clock 1
  ]);
  // Unit 2 answers first (flow 1 clock 3 and flow 2 clock 1), then unit 1.
  answer(100, 2, [[1, 3], [2, 1]]);
  answer(200, 1, [[1, 1], [1, 2]]);
  expect(sink.out.map((o) => [o.seq, o.verdict, o.residenceUs])).toEqual([
    [3, 0, 70], // flow 2 is not held up by flow 1
    [0, 0, 200],
    [1, 0, 190],
    [2, 0, 180], // parked until clocks 1 and 2 left
  ]);
  expect(core.counters).toMatchObject({ egress: 4, unknownEgress: 0 });
  expect(core.order.parkedTotal).toBe(1);
  expect(core.pending.size).toBe(0);
});

test('an answer nobody waits for is counted, not emitted', () => {
  const { core, sink, feed, answer, links } = setup([1]);
  feed([[0, 1, 1]]);
  answer(10, 1, [[1, 1]]);
  links.get(1)!.sent.push({ flowletId: 9, clock: 9, buf: Buffer.alloc(20) });
  answer(20, 1, [[9, 9]]);
  expect(sink.out.length).toBe(1);
  expect(core.counters.unknownEgress).toBe(1);
});

test('a lost unit releases its in-flight packets as UNIT_LOST drops, in flow order, and the controller forgets them', () => {
  const { core, router, sink, feed, answer } = setup([1, 2]);
  feed([
    [0, 1, 1], // seq 0
    [10, 2, 2], // seq 1
    [20, 1, 2], // seq 2: flow 1 clock 2 on unit 2
    [30, 3, 1], // seq 3
  ]);
  answer(40, 2, [[1, 2]]); // parked behind flow 1 clock 1 (at unit 1)
  core.onUnitLost(1, 50 * US);
  expect(sink.out.map((o) => [o.seq, o.verdict, o.reason])).toEqual(expect.arrayContaining([
    [0, 1, EgressReason.UNIT_LOST],
    [2, 0, EgressReason.NF],
    [3, 1, EgressReason.UNIT_LOST],
  ]));
  const order = sink.out.map((o) => o.seq);
  expect(order.indexOf(0)).toBeLessThan(order.indexOf(2));
  expect(core.counters.lostToDeadUnit).toBe(2);
  expect(router.dropped.filter((d) => d.unit === 1).length).toBe(2);
  expect([core.inFlightAt(1), core.inFlightAt(2)]).toEqual([0, 1]);
});

test('CREDIT frames reach the controller as drained bytes of that unit; an empty credit does not', () => {
  const { core, router } = setup([1, 2]);
  const body = (c: Credit) => encodeCredit(c).subarray(FRAME_HEADER_BYTES);
  core.onUnitFrame(2, FrameType.CREDIT, 1, body({ drained: 3, held: 0, drainedBytes: 180, cpuMicros: 5 }), 0);
  core.onUnitFrame(1, FrameType.CREDIT, 1, body({ drained: 0, held: 2, drainedBytes: 0, cpuMicros: 0 }), 0);
  expect(core.counters.credits).toBe(2);
  expect(router.drained).toEqual([2]);
});

test('EGRESS v2: drop reasons and alerts go to the report; their slots are released in flow order with the packet', () => {
  const { core, sink, feed, links, report } = setup([1, 2]);
  feed([
    [0, 1, 1], // seq 0: flow 1 clock 1 on unit 1
    [10, 1, 2], // seq 1: flow 1 clock 2 on unit 2
  ]);
  // Unit 2 answers first: clock 2 raised alerts 2001, 2002 (parked behind clock 1).
  const w = new EgressBatchV2Writer(1 << 16);
  const tuple = { proto: 6, srcIp: 0x0a000001, srcPort: 1001, dstIp: 0x0a000101, dstPort: 80 };
  const s1 = links.get(2)!.sent[0]!;
  w.add(1, 2, 0, EgressReason.NF, s1.buf, 0, s1.buf.length, 0, Uint32Array.from([2001, 2002]), 2, tuple);
  core.onUnitFrame(2, FrameType.EGRESS_V2, w.count, w.finish().subarray(FRAME_HEADER_BYTES), 20 * US);
  expect(sink.out).toEqual([]);
  // Unit 1: clock 1 dropped by the NF with reason id 5.
  const w1 = new EgressBatchV2Writer(1 << 16);
  w1.add(1, 1, 1, EgressReason.NF, Buffer.alloc(0), 0, 0, 5, new Uint32Array(0), 0, null);
  core.onUnitFrame(1, FrameType.EGRESS_V2, w1.count, w1.finish().subarray(FRAME_HEADER_BYTES), 30 * US);
  expect(sink.out.map((o) => [o.seq, o.verdict])).toEqual([[0, 1], [1, 0]]);
  const slotOf = (e: string) => e.match(/slot(\d+)/)![1];
  const ev = report.events;
  expect(ev[0]).toMatch(/^record u2 slot\d+ drop0 sids\[2001,2002\] sport1001$/);
  expect(ev[1]).toMatch(/^record u1 slot\d+ drop5 sids\[\] sport/);
  // Released in flow order: clock 1's slot, then clock 2's, each once, after both records arrived.
  expect(ev.slice(2)).toEqual([`release slot${slotOf(ev[1]!)}`, `release slot${slotOf(ev[0]!)}`]);
  expect(core.pending.size).toBe(0);
});
