/** PushLane: at most one PushStream message in flight; what is placed meanwhile goes as one message. */
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

describe('PushLane', () => {
  test('nothing in flight: written at once, stamped, from this unit', () => {
    const s = new FakeStream();
    const lane = new PushLane(s, 7);
    const before = monotonicNs();
    lane.push([f(1), f(2)]);
    expect(s.writes).toHaveLength(1);
    expect(s.writes[0]!.msg.fromUnit).toBe(7);
    expect(clocks(s.writes[0]!.msg)).toEqual([1, 2]);
    expect(s.writes[0]!.msg.sentMonoNs).toBeGreaterThanOrEqual(before);
    expect(s.writes[0]!.msg.sentMonoNs).toBeLessThanOrEqual(monotonicNs());
  });

  test('while a message is in flight, later placements wait and then go as ONE message, in order, stamped with the oldest', () => {
    const s = new FakeStream();
    const written: number[] = [];
    const lane = new PushLane(s, 1, (since) => written.push(since));
    lane.push([f(1)]);
    const t0 = monotonicNs();
    lane.push([f(2)]);
    lane.push([f(3), f(4)]);
    lane.push([f(5)]);
    expect(s.writes).toHaveLength(1);
    expect(lane.waiting).toBe(4);
    s.complete();
    expect(s.writes).toHaveLength(2);
    expect(clocks(s.writes[1]!.msg)).toEqual([2, 3, 4, 5]);
    expect(s.writes[1]!.msg.sentMonoNs).toBeGreaterThanOrEqual(t0);
    expect(s.writes[1]!.msg.sentMonoNs).toBeLessThan(monotonicNs());
    expect(lane.messages).toBe(2);
    expect(lane.coalesced).toBe(2);
    expect(written).toEqual([s.writes[0]!.msg.sentMonoNs]);
    s.complete();
    expect(written).toHaveLength(2);
    // Idle again: the next placement is written at once.
    lane.push([f(6)]);
    expect(s.writes).toHaveLength(3);
  });

  test('a pending batch that reaches the cap is written at once; the rest waits for both writes', () => {
    const s = new FakeStream();
    const lane = new PushLane(s, 1, null, 3);
    lane.push([f(1)]);
    lane.push([f(2), f(3)]);
    lane.push([f(4)]); // pending 3 = cap
    expect(s.writes.map((w) => clocks(w.msg))).toEqual([[1], [2, 3, 4]]);
    lane.push([f(5)]);
    s.complete();
    expect(s.writes).toHaveLength(2); // one write still in flight
    s.complete();
    expect(s.writes.map((w) => clocks(w.msg))).toEqual([[1], [2, 3, 4], [5]]);
  });

  test('end writes what is pending, then ends the stream', () => {
    const s = new FakeStream();
    const lane = new PushLane(s, 1);
    lane.push([f(1)]);
    lane.push([f(2)]);
    lane.end();
    expect(s.writes.map((w) => clocks(w.msg))).toEqual([[1], [2]]);
    expect(s.ended).toBe(true);
  });
});
