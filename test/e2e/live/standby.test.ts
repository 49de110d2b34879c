/**
 * Warm standby on a live gateway (LIVE profile, `standbyUnits` 1): after start one unit takes
 * work and one more is up and idle (it gets no packets); when a flowlet fits nowhere the standby
 * takes it at once and a replacement standby starts and comes up. Real `snf watchdog` processes.
 */
import { Gateway, localProcesses } from '../../../gateway/gateway';
import { defaultGatewayOptions } from '../../../gateway/options';
import { monoNs } from '../../../gateway/clock';
import type { LocalProcessProvider } from '../../../gateway/units/process/local-process-provider';
import { tcp } from '../../helpers/packets';
import { waitFor } from '../../helpers/services';

jest.setTimeout(90_000);

describe('live gateway: one warm standby unit', () => {
  let gw: Gateway;
  let provider: LocalProcessProvider | null = null;
  beforeAll(async () => {
    const o = defaultGatewayOptions('lb', 'standby-token');
    o.streamPort = null;
    o.minUnits = 1;
    o.maxUnits = 3;
    // Each new flow is estimated at 0.7 of a unit: the second concurrent flow fits nowhere. T = 300 ms:
    // a stall of the machine between two packets of a flow does not end its flowlet.
    o.controller = { unitCapacityBps: 10e6, initialDemandBps: 7e6, idleRetireNs: 1e12, standbyUnits: 1, timeoutNs: 300e6 };
    const local = localProcesses(o);
    gw = new Gateway(o, { provider: (spec) => (provider = local(spec) as LocalProcessProvider) });
    await gw.start();
  });
  afterAll(() => gw.stop());

  /** `n` packets of connection `port`, all at once. */
  function send(port: number, n: number, seq0: number): void {
    for (let i = 0; i < n; i++) {
      const p = tcp('10.0.0.1', port, '10.0.0.2', 80);
      gw.ingest(0, p, 0, p.length, seq0 + i, 0, monoNs());
    }
  }

  test('after start: one unit takes work, one standby is up', () => {
    expect(gw.unitCounts()).toEqual({ replicas: 1, available: 1, standby: 1 });
    expect(gw.controller.unitStateCounts()).toEqual({ starting: 0, active: 1, standby: 1 });
    expect(provider!.unitPids.length).toBe(2);
  });

  test('a flowlet that fits nowhere goes to the standby at once; a replacement standby comes up', async () => {
    // Two new flows within one flowlet timeout: before any flowlet completes, each is estimated at 0.7 of a unit.
    send(1001, 5, 0); // unit 1
    send(1002, 5, 100); // fits nowhere: the standby, unit 2, takes it
    await waitFor(() => gw.pending.size === 0, { timeoutMs: 20_000, what: 'every packet answered' });
    expect(gw.controller.counters.standbyPromoted).toBe(1);
    expect(gw.controller.counters.overloadAssignments).toBe(0);
    expect(gw.pool.links.get(1)!.counters.packetsOut).toBe(5);
    expect(gw.pool.links.get(2)!.counters.packetsOut).toBe(5);
    expect(gw.counters.egress).toBe(10);
    await waitFor(() => gw.controller.unitStateCounts().starting === 0 && gw.unitCounts().standby === 1 && gw.pool.endpoints.size === 3, { timeoutMs: 40_000, what: 'the replacement standby up' });
    expect(gw.unitCounts()).toEqual({ replicas: 2, available: 2, standby: 1 });
  });

  test('the new standby stays idle while the work fits on the units taking it', async () => {
    // Once the two flowlets have ended, a new flow is estimated at their measured rate (small): it fits.
    await waitFor(() => gw.controller.units.openFlowlets[1] === 0 && gw.controller.units.openFlowlets[2] === 0, { timeoutMs: 5_000, what: 'both flowlets ended' });
    send(1003, 20, 200);
    await waitFor(() => gw.pending.size === 0, { timeoutMs: 20_000, what: 'the flow answered' });
    expect(gw.counters.egress).toBe(30);
    expect(gw.pool.links.get(3)!.counters.packetsOut).toBe(0);
    expect(gw.controller.unitStateCounts()).toEqual({ starting: 0, active: 2, standby: 1 });
  });
});
