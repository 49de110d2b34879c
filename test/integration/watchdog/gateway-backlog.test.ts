/**
 * The controller's per-unit backlog (bytes routed − bytes drained) as the live gateway feeds it,
 * with real unit processes: drained credits are in the same bytes as routing (IP total length,
 * also for truncated captures and drops), and packets routed to a unit whose connection dies are
 * released with onDropped. Either bug leaves a phantom backlog that makes a unit look full forever.
 */
import { Gateway } from '../../../gateway/gateway';
import { defaultGatewayOptions } from '../../../gateway/options';
import { monoNs } from '../../../gateway/clock';
import { tcp } from '../../helpers/packets';

jest.setTimeout(60_000);

/** Headers only, but the IP header says 1,200 B were on the wire (like smallFlows_nopayloads). */
function truncated(i: number): Buffer {
  const b = tcp('10.0.0.1', 2000 + (i % 10), '10.0.0.2', 80);
  b.writeUInt16BE(1200, 2);
  return b;
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('gateway → controller backlog accounting', () => {
  let gw: Gateway;
  beforeAll(async () => {
    const o = defaultGatewayOptions('lb', 'backlog-token');
    o.streamPort = null;
    o.minUnits = 2;
    o.maxUnits = 2;
    o.controller = { idleRetireNs: 1e12 };
    gw = new Gateway(o);
    await gw.start();
  });
  afterAll(() => gw.stop());

  const backlog = () => gw.controller.snapshotUnits(monoNs()).map((u) => u.backlogBytes);

  test('drain credits return every unit backlog to 0 (truncated captures count their IP total length)', async () => {
    for (let i = 0; i < 200; i++) {
      const p = truncated(i);
      gw.ingest(0, p, 0, p.length, i, 0, monoNs());
    }
    expect(backlog().reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await until(() => gw.pending.size === 0);
    await until(() => backlog().every((b) => b === 0));
    expect(gw.counters.egress).toBe(200);
  });

  test('packets routed to a unit whose connection died are released from its backlog (onDropped)', async () => {
    for (let i = 0; i < 50; i++) {
      const p = truncated(i);
      gw.ingest(0, p, 0, p.length, 1000 + i, 0, monoNs());
    }
    const before = gw.controller.snapshotUnits(monoNs()).sort((a, b) => b.backlogBytes - a.backlogBytes)[0]!;
    expect(before.backlogBytes).toBeGreaterThan(0);
    const unit = before.unit;
    // Kill the connection before the batch is flushed: everything in flight to `unit` is lost.
    (gw.pool.links.get(unit) as unknown as { socket: { destroy(): void } }).socket.destroy();
    await until(() => gw.pending.size === 0);
    expect(gw.counters.lostToDeadUnit).toBeGreaterThan(0);
    const snap = gw.controller.snapshotUnits(monoNs()).find((u) => u.unit === unit);
    expect(snap).toBeDefined();
    expect(snap!.backlogBytes).toBe(0);
  });
});
