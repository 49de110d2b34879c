/** PushLane: an idle lane writes at once; otherwise one message per loop turn, one in flight, carrying everything placed meanwhile. */
import { PushLane, type PushWritable } from '../../../watchdog/push-lane';
import type { FlowStateMsg, PushRequestMsg } from '../../../proto/load';
import { monotonicNs } from '../../../proto/frames/timing-v1';

class FakeStream implements PushWritable {
  readonly writes: Array<{ msg: PushRequestMsg; cb: (err?: Error | null) => void }> = [];
  ended = false;
  write(msg: PushRequestMsg, cb: (err?: Error | null) => void): boolean { this.writes.push({ msg, cb }); return true; }
  end(): void { this.ended = true; }
  /** Completes the oldest write not yet completed. */
  complete(): void { const w = this.writes.find((x) => !(x as { done?: boolean }).done)!; (w as { done?: boolean }).done = true; w.cb(); }
}

const f = (clock: number): FlowStateMsg => ({ key: { proto: 6, srcIp: 1, srcPort: 2, dstIp: 3, dstPort: clock }, clock, present: true, value: Buffer.alloc(0) });
const clocks = (m: PushRequestMsg) => m.flows.map((x) => x.clock);

/** A lane whose scheduled flushes the test runs by hand (PeerClients runs them on setImmediate). */
function lane(s: FakeStream, onWritten: ((since: number) => void) | null = null, max?: number) {
  const scheduled = { n: 0 };
  const l: PushLane = new PushLane(s, 7, () => scheduled.n++, onWritten, max);
  return { l, scheduled };
}

describe('PushLane', () => {
  test('an idle lane writes a placement at once, stamped, from this unit; later ones of the turn go as ONE message at the flush', () => {
    const s = new FakeStream();
    const { l, scheduled } = lane(s);
    const before = monotonicNs();
    l.push([f(1)]);
    expect(s.writes).toHaveLength(1);
    const m = s.writes[0]!.msg;
    expect(m.fromUnit).toBe(7);
    expect(clocks(m)).toEqual([1]);
    expect(m.sentMonoNs).toBeGreaterThanOrEqual(before);
    expect(m.sentMonoNs).toBeLessThanOrEqual(monotonicNs());
    s.complete(); // even with the write done, a second message this turn waits for the flush
    l.push([f(2), f(3)]);
    l.push([f(4)]);
    expect(s.writes).toHaveLength(1);
    expect(scheduled.n).toBeGreaterThanOrEqual(1);
    l.flush();
    expect(s.writes.map((w) => clocks(w.msg))).toEqual([[1], [2, 3, 4]]);
    expect(l.coalesced).toBe(1);
  });

  test('while a message is in flight, placements wait; its completion asks for a flush, which sends them as one message', () => {
    const s = new FakeStream();
    const written: number[] = [];
    const { l, scheduled } = lane(s, (since) => written.push(since));
    l.push([f(1)]);
    l.flush(); // next turn: nothing pending
    const t0 = monotonicNs();
    l.push([f(2)]);
    l.push([f(3), f(4)]);
    const asked = scheduled.n;
    l.flush(); // a flush while in flight writes nothing
    expect(s.writes).toHaveLength(1);
    expect(l.waiting).toBe(3);
    s.complete();
    expect(written).toEqual([s.writes[0]!.msg.sentMonoNs]);
    expect(scheduled.n).toBe(asked + 1);
    l.flush();
    expect(clocks(s.writes[1]!.msg)).toEqual([2, 3, 4]);
    expect(s.writes[1]!.msg.sentMonoNs).toBeGreaterThanOrEqual(t0);
    expect(l.messages).toBe(2);
    s.complete();
    expect(written).toHaveLength(2);
    // A new turn on an idle lane: written at once again.
    l.flush();
    l.push([f(5)]);
    expect(s.writes).toHaveLength(3);
  });

  test('a pending batch that reaches the cap is written at once; the rest waits for both writes', () => {
    const s = new FakeStream();
    const { l } = lane(s, null, 3);
    l.push([f(1)]);
    l.push([f(2), f(3)]);
    l.push([f(4)]); // pending 3 = cap
    expect(s.writes.map((w) => clocks(w.msg))).toEqual([[1], [2, 3, 4]]);
    l.push([f(5)]);
    s.complete();
    l.flush();
    expect(s.writes).toHaveLength(2); // one write still in flight
    s.complete();
    l.flush();
    expect(s.writes.map((w) => clocks(w.msg))).toEqual([[1], [2, 3, 4], [5]]);
  });

  test('end writes what is pending, then ends the stream', () => {
    const s = new FakeStream();
    const { l } = lane(s);
    l.push([f(1)]);
    l.push([f(2)]);
    l.end();
    expect(s.writes.map((w) => clocks(w.msg))).toEqual([[1], [2]]);
    expect(s.ended).toBe(true);
  });
});
