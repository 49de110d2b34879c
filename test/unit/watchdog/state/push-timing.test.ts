/** PushTiming: idle at send (sender, gateway's clock), flight and late flight (receiver), unstamped messages. */
import { PeerStateBackend } from '../../../../watchdog/state/peer-backend';
import { StatePeerService } from '../../../../watchdog/state/peer-service';
import { PushTiming } from '../../../../watchdog/state/push-timing';
import { monotonicNs } from '../../../../proto/frames/timing-v1';
import { canonicalKey, flowKeyOf } from '../../../../sdk/flow-key';
import { Packet } from '../../../../sdk/packet';
import { FakePeers, flowA, quietLog, unitWith } from './fixture';

const MS = 1e6;

describe('PushTiming', () => {
  test('sender: a flow placed by the sweep records how long it had been idle on the gateway\'s clock', () => {
    const timing = new PushTiming();
    const peers = new FakePeers([1, 2, 3]);
    const u = unitWith(1, (proc, after) => new PeerStateBackend(proc, peers, quietLog, () => 0, after, timing));
    u.send(1, -1, 10 * MS); // read at the gateway's 10 ms (same clock in the fixture)
    u.afterWork(10 * MS + 100); // idle 100 ns < T/2 = 250 ns: not placed
    expect(timing.idleAtSend.count).toBe(0);
    u.afterWork(17 * MS); // placed, idle 7 ms, pushed to targets 2 and 3 in one placement
    expect(timing.idleAtSend.count).toBe(1);
    expect(timing.idleAtSend.max).toBeGreaterThanOrEqual(6900);
    expect(timing.idleAtSend.max).toBeLessThanOrEqual(7100);
    expect(peers.streamedPushes.map((c) => c.unit)).toEqual([2, 3]);
    expect(timing.statsFields()).toMatchObject({ pushIdleCount: 1, pushFlightCount: 0 });
  });

  test('receiver: flight from the send stamp; a push that released a held flowlet is also counted late; bad stamps are not recorded', () => {
    const timing = new PushTiming();
    const b = unitWith(2, (proc, after) => new PeerStateBackend(proc, new FakePeers([1, 2]), quietLog, () => 0, after));
    const svc = new StatePeerService(b.proc, () => 0, 100, () => {}, 250, timing);
    const key = canonicalKey(flowKeyOf(Packet.parse(flowA)));
    const state = Buffer.alloc(4);
    state.writeUInt32BE(1);
    // Flowlet 2 of a flow that ran at unit 1 arrives first: held, waiting for its state.
    b.send(2, 1);
    expect(b.proc.heldPackets).toBe(1);
    svc.onPush({ fromUnit: 1, flows: [{ key, clock: 1, present: true, value: state }], sentMonoNs: monotonicNs() - 3 * MS });
    expect(b.proc.counters.releasedByPush).toBe(1);
    expect(timing.flight.count).toBe(1);
    expect(timing.flight.max).toBeGreaterThanOrEqual(3000);
    expect(timing.flightLate.count).toBe(1);
    // Not stamped (an older sender), or from another host's clock (future / absurdly old): counted only.
    svc.onPush({ fromUnit: 1, flows: [] });
    svc.onPush({ fromUnit: 1, flows: [], sentMonoNs: monotonicNs() + 10 * MS });
    svc.onPush({ fromUnit: 1, flows: [], sentMonoNs: 1 });
    expect(timing.flight.count).toBe(1);
    expect(timing.unstamped).toBe(3);
    expect(timing.statsFields()).toMatchObject({ pushFlightCount: 1, pushFlightUnstamped: 3 });
  });
});
