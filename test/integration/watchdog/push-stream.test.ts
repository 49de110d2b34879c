/**
 * Proactive pushes over a real PushStream (grpc-js client and server): placements made in one loop
 * turn (or while a message is in flight) ride in one message (watchdog/push-lane.ts), so a burst
 * lands in a few messages and loop turns instead of one message per turn; flight stamps arrive.
 */
import pino from 'pino';
import type { Server } from '@grpc/grpc-js';
import { PeerClients } from '../../../watchdog/peer-clients';
import { bindServer, createPeerServer } from '../../../watchdog/peer-server';
import { newUnitCounters } from '../../../watchdog/runtime/counters';
import { PushTiming } from '../../../watchdog/state/push-timing';
import type { FlowStateMsg, PushRequestMsg } from '../../../proto/load';
import { until } from './gateway-client';

const TOKEN = 'test-token';
const log = pino({ level: 'silent' });
const flow = (i: number): FlowStateMsg => ({ key: { proto: 6, srcIp: 0x0a000001, srcPort: 1024 + i, dstIp: 0x0a000002, dstPort: 80 }, clock: i + 1, present: true, value: Buffer.alloc(8, i) });

describe('PushStream (real gRPC)', () => {
  let server: Server | null = null;
  let clients: PeerClients | null = null;
  afterEach(() => {
    clients?.close();
    server?.forceShutdown();
    server = clients = null;
  });

  test('300 placements in one turn: every flow arrives, in order, in a handful of messages, each stamped', async () => {
    const got: PushRequestMsg[] = [];
    const timing = new PushTiming();
    server = createPeerServer(TOKEN, {
      push: (req) => {
        got.push(req);
        timing.arrived(req.sentMonoNs);
        return { applied: req.flows.length, stale: 0, rejected: 0 };
      },
      pull: () => Promise.reject(new Error('no pulls here')),
    }, newUnitCounters(), log);
    const port = await bindServer(server, '127.0.0.1', 0);
    const written: number[] = [];
    clients = new PeerClients(1, TOKEN, 2000, undefined, (since) => written.push(since));
    clients.setAddress(2, `127.0.0.1:${port}`);
    for (let i = 0; i < 300; i++) await clients.pushStreamed(2, [flow(i)]);
    await until(() => got.reduce((n, r) => n + r.flows.length, 0) === 300, 'all 300 flows applied');
    // Placed in one turn: one message (at most a few if a write were still in flight).
    expect(got.length).toBeLessThanOrEqual(3);
    expect(got.flatMap((r) => r.flows.map((f) => f.clock))).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(got.every((r) => r.fromUnit === 1 && (r.sentMonoNs ?? 0) > 0)).toBe(true);
    expect(timing.flight.count).toBe(got.length);
    expect(timing.unstamped).toBe(0);
    await until(() => written.length === got.length, 'every write completed');
  });

  test('a later burst after the lane went idle is written at once again', async () => {
    let flows = 0;
    let messages = 0;
    server = createPeerServer(TOKEN, {
      push: (req) => ((messages++, flows += req.flows.length), { applied: req.flows.length, stale: 0, rejected: 0 }),
      pull: () => Promise.reject(new Error('no pulls here')),
    }, newUnitCounters(), log);
    const port = await bindServer(server, '127.0.0.1', 0);
    clients = new PeerClients(1, TOKEN);
    clients.setAddress(2, `127.0.0.1:${port}`);
    await clients.pushStreamed(2, [flow(0)]);
    await until(() => flows === 1, 'first push applied');
    await clients.pushStreamed(2, [flow(1), flow(2)]);
    await until(() => flows === 3, 'second push applied');
    expect(messages).toBe(2);
  });
});
