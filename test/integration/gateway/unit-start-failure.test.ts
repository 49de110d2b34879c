/**
 * A unit that never comes up (its provider's start rejects) must leave the controller's unit set:
 * before the fix the gateway released the packets queued for it but the controller kept the id
 * running, so it went on routing flowlets to a unit with no process (noLink drops, egress parked
 * behind them) — seen as a bench compare mode delivering almost nothing while units billed
 * thousands (docs/results.md §7, 2026-12-03).
 */
import { Gateway, localProcesses } from '../../../gateway/gateway';
import { defaultGatewayOptions } from '../../../gateway/options';
import { monoNs } from '../../../gateway/clock';
import type { UnitProviderFactory } from '../../../gateway/units/provider';
import { SnfError } from '../../../sdk/errors';
import { tcp } from '../../helpers/packets';
import { waitFor } from '../../helpers/services';

jest.setTimeout(60_000);

describe('gateway: a unit whose start fails', () => {
  let gw: Gateway;
  beforeAll(async () => {
    const o = defaultGatewayOptions('lb', 'start-failure-token');
    o.streamPort = null;
    o.minUnits = 1;
    o.maxUnits = 2;
    o.controller = { idleRetireNs: 1e12, standbyUnits: 0 }; // unit 2 is the one started by hand below
    const local = localProcesses(o);
    // Unit 1 is a real process; any other id fails to start, as a unit not ready in time does.
    const failing: UnitProviderFactory = (spec) => {
      const p = local(spec);
      const start = p.start.bind(p);
      p.start = (unit, kind) => (unit === 1 ? start(unit, kind) : Promise.reject(new SnfError('SNF_ERR_UNIT_START', `unit ${unit}: not ready`)));
      return p;
    };
    gw = new Gateway(o, { provider: failing });
    await gw.start();
  });
  afterAll(() => gw.stop());

  test('leaves the controller, so no flowlet is routed to it afterwards', async () => {
    const now = monoNs();
    expect(gw.controller.startUnit(now, now)).toBe(2);
    await waitFor(() => gw.pool.counters.startFailures === 1, { timeoutMs: 20_000, what: 'unit 2 start failure' });
    expect(gw.controller.unitCount).toBe(1);
    expect(gw.controller.snapshotUnits(monoNs()).map((u) => u.unit)).toEqual([1]);
    expect((gw.stats().unitStartErrors as string[])[0]).toMatch(/unit 2: .*not ready/);
    for (let i = 0; i < 200; i++) {
      const p = tcp('10.0.0.1', 1000 + i, '10.0.0.2', 80);
      gw.ingest(0, p, 0, p.length, i, 0, monoNs());
    }
    await waitFor(() => gw.pending.size === 0, { timeoutMs: 20_000, what: 'every packet answered' });
    expect(gw.counters.noLink).toBe(0);
    expect(gw.counters.egress).toBe(200);
  });
});
