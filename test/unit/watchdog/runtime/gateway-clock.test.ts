import { GatewayClock } from '../../../../watchdog/runtime/gateway-clock';
import { PacketProcessor } from '../../../../watchdog/runtime/packet-processor';
import { sweep } from '../../../../watchdog/runtime/sweep';
import type { FlowEntry } from '../../../../watchdog/runtime/flow-entry';
import { canonicalKey, flowKeyOf } from '../../../../sdk/flow-key';
import { Packet } from '../../../../sdk/packet';
import { tcp } from '../../../helpers/packets';
import { countingNf, type CountState } from '../counting-nf';

const A = tcp('10.0.0.1', 1000, '10.0.0.2', 80);
const B = tcp('10.0.0.3', 1000, '10.0.0.4', 80);
const KEY_A = canonicalKey(flowKeyOf(Packet.parse(A)));

describe('GatewayClock (the gateway clock estimated from PACKETS arrival times)', () => {
  test('unknown before any packet; then now minus the smallest (read − stamped) difference', () => {
    const g = new GatewayClock(1e9);
    expect(g.nowNs(5)).toBe(-Infinity);
    // The unit's clock runs 1,000,000 ns ahead of the gateway's; delays 300, 50, 5000 ns.
    g.saw(100, 1_000_400);
    g.saw(200, 1_000_250);
    g.saw(300, 1_005_300);
    expect(g.nowNs(1_010_000)).toBe(1_010_000 - 1_000_050); // low by the smallest delay only
  });

  test('a lower bound however far behind the unit is: a late read does not move it forward', () => {
    const g = new GatewayClock(1e9);
    g.saw(0, 100);
    g.saw(1000, 50_000_000); // read 50 ms late
    expect(g.nowNs(50_000_000)).toBe(50_000_000 - 100);
  });

  test('the minimum is forgotten after two windows (drift, a link that got slower for good)', () => {
    const g = new GatewayClock(1000);
    g.saw(0, 10); // difference 10
    expect(g.nowNs(500)).toBe(490);
    g.saw(1000, 1100); // difference 100, same window
    expect(g.nowNs(1100)).toBe(1090); // window rotates: the 10 is still the last window's minimum
    g.saw(2000, 2100);
    expect(g.nowNs(2200)).toBe(2100); // rotated again: only the 100s remain
  });
});

function unit() {
  const proc = new PacketProcessor<null, CountState>(countingNf, null, {
    emit: () => undefined, canPull: () => true, requestPull: () => undefined,
  }, { unitId: 2, pullDelayNs: 0, pullRetryNs: 1000, holdTimeoutNs: 1e9 });
  /** A packet stamped `ts` by the gateway, read here at `now`. */
  const send = (clock: number, prevUnit: number, ts: number, now: number, pkt = A) =>
    proc.processOne(clock, clock, prevUnit, [1, 3], 2, ts, pkt, 0, pkt.length, now);
  return { proc, send };
}

describe('idle sweep on the gateway clock (issue 12)', () => {
  const T2 = 10_000_000;
  const opts = { idlePushNs: T2, evictNs: 1e12, gatewayClock: true };

  test('a unit that read the last packet 8 ms late pushes T/2 after its arrival at the gateway, not after it ran', () => {
    const u = unit();
    const offered: number[] = [];
    const sink = (e: FlowEntry<CountState>) => (offered.push(e.clock), true);
    u.send(1, -1, 0, 100); // a first packet read promptly: the clocks' offset is 100 ns
    u.send(2, 2, 1_000_000, 9_000_100); // the flow's last packet, read 8 ms late
    sweep(u.proc, 9_000_100 + 4_000_000, opts, sink); // gateway idle 12 ms, here 4 ms (< T/4 floor of 5 ms)
    expect(offered).toEqual([]);
    sweep(u.proc, 9_000_100 + 5_000_000, opts, sink); // gateway idle 13 ms, here 5 ms
    expect(offered).toEqual([2]);
    expect(u.proc.counters.pushedByGatewayClock).toBe(1);
    expect(u.proc.store.get(KEY_A)!.pushedClock).toBe(2);
  });

  test('off (or nothing read yet): T/2 on the unit clock only, as before', () => {
    const u = unit();
    const offered: number[] = [];
    const sink = (e: FlowEntry<CountState>) => (offered.push(e.clock), true);
    u.send(1, -1, 0, 100);
    u.send(2, 2, 1_000_000, 9_000_100);
    sweep(u.proc, 9_000_100 + 9_000_000, { ...opts, gatewayClock: false }, sink);
    expect(offered).toEqual([]);
    sweep(u.proc, 9_000_100 + T2, { ...opts, gatewayClock: false }, sink);
    expect(offered).toEqual([2]);
    expect(u.proc.counters.pushedByGatewayClock).toBe(0);
  });

  test('a flow whose gateway idle time is short stops the walk; it is pushed later on the unit clock', () => {
    const u = unit();
    const offered: number[] = [];
    const sink = (e: FlowEntry<CountState>) => (offered.push(e.clock), true);
    u.send(1, -1, 0, 100);
    u.send(1, -1, 5_000_000, 5_000_100, B); // another flow keeps the link prompt
    u.send(2, 2, 5_000_000, 5_000_100); // flow A's last packet, read promptly
    sweep(u.proc, 5_000_100 + 6_000_000, opts, sink); // 6 ms idle on both clocks: not yet
    expect(offered).toEqual([]);
    sweep(u.proc, 5_000_100 + T2, opts, sink);
    expect(offered).toEqual([1, 2]);
    expect(u.proc.counters.pushedByGatewayClock).toBe(0);
  });
});

describe('how a held flowlet got its state (counters for issue 12)', () => {
  test('a push after the first packet: counted late by the time that packet waited; an older push releases nothing', () => {
    const u = unit();
    u.send(6, 1, 0, 1000); // moved here, state missing: held
    expect(u.proc.heldPackets).toBe(1);
    expect(u.proc.applyRemote(KEY_A, 4, true, Buffer.from([0, 0, 0, 4]), 2000, false)).toBe(0);
    expect(u.proc.counters.pushTooOld).toBe(1);
    expect(u.proc.heldPackets).toBe(1);
    expect(u.proc.applyRemote(KEY_A, 5, true, Buffer.from([0, 0, 0, 5]), 301_000, false)).toBe(0);
    expect(u.proc.heldPackets).toBe(0);
    expect(u.proc.counters.releasedByPush).toBe(1);
    expect(u.proc.counters.pushLateUsSum).toBe(300);
    expect(u.proc.counters.pushLateMaxUs).toBe(300);
  });
});
