/**
 * UnitLink backpressure against a real data-plane listener on port 0: once the unit's queue
 * (written − drained − held, from its CREDITs) reaches the bound, frames wait in the gateway, in
 * order with STATS_REQUEST, and each CREDIT lets them go; packets held for state do not count.
 * PEERS/LOGGER (writeControl) pass the waiting frames; `onBehind` reports when frames wait.
 */
import type { AddressInfo, Server } from 'net';
import pino from 'pino';
import { encodeCredit } from '../../../../proto/frames/credit-v1';
import { FrameType } from '../../../../proto/frames/constants';
import { encodePeers } from '../../../../proto/frames/peers-v1';
import { encodeStatsRequest } from '../../../../proto/frames/stats-v1';
import { createDataPlaneServer, type DataPlaneConnection } from '../../../../watchdog/data-plane-server';
import type { UnitCounters } from '../../../../watchdog/runtime/counters';
import { UnitLink } from '../../../../gateway/units/unit-link';

const PKT = Buffer.alloc(60, 1);
const NO_TARGETS = new Int32Array(0);

interface FakeUnit { server: Server; port: number; conn: () => DataPlaneConnection; received: () => number; types: number[] }

async function fakeUnit(): Promise<FakeUnit> {
  let conn: DataPlaneConnection | null = null;
  let received = 0;
  const types: number[] = [];
  const counters = { authRefused: 0, framesRejected: 0, connectionsClosed: 0 } as unknown as UnitCounters;
  const server = createDataPlaneServer({ unitId: 1, token: 'tok' }, {
    onFrame: (c, type, count) => {
      conn = c;
      types.push(type);
      if (type === FrameType.PACKETS) received += count;
    },
    onConnect: (c) => void (conn = c),
    onClose: () => undefined,
  }, counters, pino({ level: 'silent' }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, conn: () => conn!, received: () => received, types };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the unit');
    await new Promise((r) => setTimeout(r, 2));
  }
}

function addPackets(link: UnitLink, n: number, from: number): void {
  for (let i = 0; i < n; i++) link.add(from + i, 1, -1, NO_TARGETS, 0, 0, PKT, 0, PKT.length);
  link.flush();
}

/** A link with a window of 4 to a fake unit, connected; `behind` collects its onBehind reports. */
async function withLink(body: (u: FakeUnit, link: UnitLink, behind: boolean[]) => Promise<void>): Promise<void> {
  const u = await fakeUnit();
  const behind: boolean[] = [];
  const link = new UnitLink(1, 'tok', { onFrame: () => undefined, onClose: () => undefined, onBehind: (_l, b) => void behind.push(b) }, undefined, undefined, false, 4);
  try {
    await link.connect('127.0.0.1', u.port);
    await body(u, link, behind);
  } finally {
    link.close();
    await new Promise((r) => u.server.close(r));
  }
}

test('frames wait in the gateway once the unit has maxQueued packets queued; CREDITs release them in order', async () => {
  const u = await fakeUnit();
  const link = new UnitLink(1, 'tok', { onFrame: () => undefined, onClose: () => undefined }, undefined, undefined, false, 4);
  try {
    await link.connect('127.0.0.1', u.port);
    addPackets(link, 5, 0); // written: the unit's queue was empty
    addPackets(link, 3, 5); // waits: 5 queued ≥ 4
    link.writeRaw(encodeStatsRequest()); // behind them, in order
    await until(() => u.received() === 5);
    expect(link.counters.framesWaited).toBe(2);
    expect(link.waitingForUnit).toBe(3);
    // 2 drained, 0 held: still 3 queued at the unit < 4 → the waiting frame goes, then the control frame.
    u.conn().socket.write(encodeCredit({ drained: 2, held: 0, drainedBytes: 120, cpuMicros: 1 }));
    await until(() => u.received() === 8 && u.types.length === 3);
    expect(u.types).toEqual([FrameType.PACKETS, FrameType.PACKETS, FrameType.STATS_REQUEST]);
    expect(link.waitingForUnit).toBe(0);
    expect(link.counters.waitingPeak).toBe(3);
  } finally {
    link.close();
    await new Promise((r) => u.server.close(r));
  }
});

test('packets held for state at the unit do not count against the bound', async () => {
  const u = await fakeUnit();
  const link = new UnitLink(1, 'tok', { onFrame: () => undefined, onClose: () => undefined }, undefined, undefined, false, 4);
  try {
    await link.connect('127.0.0.1', u.port);
    addPackets(link, 4, 0);
    addPackets(link, 2, 4);
    await until(() => u.received() === 4);
    expect(link.waitingForUnit).toBe(2);
    // Nothing drained, but all 4 are held waiting for their state: the unit's queue is empty.
    u.conn().socket.write(encodeCredit({ drained: 0, held: 4, drainedBytes: 0, cpuMicros: 0 }));
    await until(() => u.received() === 6);
    expect(link.waitingForUnit).toBe(0);
  } finally {
    link.close();
    await new Promise((r) => u.server.close(r));
  }
});

test('close writes what is still waiting (nothing stays behind silently); 0 = no bound', async () => {
  const u = await fakeUnit();
  const link = new UnitLink(1, 'tok', { onFrame: () => undefined, onClose: () => undefined }, undefined, undefined, false, 2);
  const open = new UnitLink(1, 'tok', { onFrame: () => undefined, onClose: () => undefined });
  try {
    await link.connect('127.0.0.1', u.port);
    addPackets(link, 2, 0);
    addPackets(link, 2, 2);
    expect(link.waitingForUnit).toBe(2);
    link.close();
    await until(() => u.received() === 4);
    await open.connect('127.0.0.1', u.port);
    addPackets(open, 3, 10);
    addPackets(open, 3, 13);
    expect(open.counters.framesWaited).toBe(0);
    await until(() => u.received() === 10);
  } finally {
    link.close();
    open.close();
    await new Promise((r) => u.server.close(r));
  }
});

test('a PEERS frame passes packet frames waiting for room: a unit that needs it to drain gets it (no deadlock)', async () => {
  // The unit-kill chaos stall: a unit's packets wait for state from a peer whose address only the
  // next PEERS frame carries; it drains nothing (no CREDIT) until it has that frame. Queued behind
  // the waiting packet frames, the frame never went out.
  await withLink(async (u, link, behind) => {
    addPackets(link, 4, 0); // all held at the unit until it learns the peer's address
    addPackets(link, 2, 4); // wait in the gateway
    expect(behind).toEqual([true]);
    link.writeControl(encodePeers([{ unitId: 2, ip: 0x7f000001, port: 5000 }]));
    await until(() => u.types.includes(FrameType.PEERS));
    expect(u.types).toEqual([FrameType.PACKETS, FrameType.PEERS]);
    // The PEERS frame let the unit pull and run its packets: they drain, the waiting frame follows.
    u.conn().socket.write(encodeCredit({ drained: 4, held: 0, drainedBytes: 240, cpuMicros: 1 }));
    await until(() => u.received() === 6);
    expect(u.types).toEqual([FrameType.PACKETS, FrameType.PEERS, FrameType.PACKETS]);
    expect(behind).toEqual([true, false]);
    expect(link.waitingForUnit).toBe(0);
  });
});

test('behind while the window is full, also when only the open frame holds packets back; a CREDIT ends it', async () => {
  await withLink(async (u, link, behind) => {
    addPackets(link, 4, 0);
    for (let i = 0; i < 3; i++) link.add(10 + i, 1, -1, NO_TARGETS, 0, 0, PKT, 0, PKT.length); // the open frame, not flushed
    for (let i = 0; i < 6; i++) await new Promise((r) => setImmediate(r)); // the flusher's turns pass: it holds back
    expect({ behind, received: u.received(), waitingFrames: link.counters.framesWaited }).toEqual({ behind: [true], received: 4, waitingFrames: 0 });
    u.conn().socket.write(encodeCredit({ drained: 4, held: 0, drainedBytes: 240, cpuMicros: 1 }));
    await until(() => u.received() === 7);
    expect(behind).toEqual([true, false]);
    expect(link.counters.windowFull).toBe(1);
  });
});
