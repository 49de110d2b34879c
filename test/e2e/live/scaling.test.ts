/**
 * Scaling with real processes: the controller asks for units as demand outgrows them and retires
 * them when they go idle; the gateway starts and stops `snf watchdog` processes to match. Packets
 * routed to a unit that is still starting wait in its link (nothing is lost), and a retired unit
 * pushes its state on SIGTERM, so per-flow output stays exactly the reference's.
 */
import { generateTraffic } from '../../../trace/generator';
import { replay } from '../../../bench/replay/replayer';
import { Gateway, localProcesses } from '../../../gateway/gateway';
import type { LocalProcessProvider } from '../../../gateway/units/process/local-process-provider';
import { defaultGatewayOptions } from '../../../gateway/options';
import { repeatTrace } from '../../../bench/live/repeat-trace';
import type { LoadedTrace } from '../../../trace/types';
import { runReference, TOKEN } from './live-harness';

jest.setTimeout(120_000);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** lb on 1–4 units of 6 Mb/s each, retiring a unit after `idleRetireNs` without new flowlets; `units` sees the processes. */
function scalingGateway(idleRetireNs: number): { gw: Gateway; units: () => LocalProcessProvider } {
  const o = defaultGatewayOptions('lb', TOKEN);
  o.minUnits = 1;
  o.maxUnits = 4;
  o.nfTime = 'source';
  // No warm standby (test/e2e/live/standby.test.ts has it): the unit processes here are exactly the units taking work.
  o.controller = { unitCapacityBps: 6e6, initialDemandBps: 1e6, idleRetireNs, backlogBudgetNs: 0, standbyUnits: 0 };
  o.unitEnv = { SNF_HOLD_TIMEOUT_MS: '5000' };
  let provider: LocalProcessProvider | null = null;
  const local = localProcesses(o);
  const gw = new Gateway(o, { provider: (spec) => (provider = local(spec) as LocalProcessProvider) });
  return { gw, units: () => provider! };
}

/** Every packet's output equals the reference's (lb rewrites the destination per connection). */
function mismatches(trace: LoadedTrace, r: Awaited<ReturnType<typeof replay>>): number {
  const exp = runReference('lb', trace, r.flows.keys);
  let bad = 0;
  for (let i = 0; i < trace.count; i++) {
    const out = r.outputs![i]!;
    const want = exp.bytes[i];
    if ((want === null) !== (out.verdict !== 0) || (want !== null && !want.equals(out.bytes ?? Buffer.alloc(0)))) bad++;
  }
  return bad;
}

test('units start as load grows and stop when idle; every packet out, per flow in order, as the reference', async () => {
  // ~19 Mb/s offered (generated TCP with payloads at 3,000 pkt/s) against 6 Mb/s per unit.
  const trace = generateTraffic({ seed: 21, flows: 60, durationMs: 400 });
  const { gw, units } = scalingGateway(400e6);
  try {
    await gw.start();
    expect(units().unitPids.length).toBe(1);
    const r = await replay({ port: gw.streamPort, token: TOKEN, trace, rate: 3000, collect: true, drainTimeoutMs: 8000 });
    expect({ lost: r.lost, reordered: r.reordered }).toEqual({ lost: 0, reordered: 0 });
    // A unit started during the replay takes work only once up (awaitUnitUp): it may still be starting.
    await gw.pool.settled();
    const peakPids = units().unitPids.filter(alive);
    const started = (gw.stats().pool as { started: number }).started;
    expect(started).toBeGreaterThanOrEqual(2);

    expect(mismatches(trace, r)).toBe(0);
    // Idle: the controller retires all but the minimum; their processes exit.
    for (let t = 0; t < 60 && gw.controller.unitCount > 1; t++) await new Promise((res) => setTimeout(res, 100));
    expect(gw.controller.unitCount).toBe(1);
    for (let t = 0; t < 50 && units().unitPids.filter(alive).length > 1; t++) await new Promise((res) => setTimeout(res, 100));
    // Every unit started (counted now: the scaler may have started one after the replay) but one has stopped.
    const pool = gw.stats().pool as { started: number; stopped: number };
    expect(pool.started).toBeGreaterThanOrEqual(started);
    expect(pool.stopped).toBe(pool.started - 1);
    expect(peakPids.filter(alive).length).toBe(1);
  } finally {
    await gw.stop();
  }
});

test('units retired in a lull hand their flows on: the same connections after the lull give the reference output', async () => {
  // Two bursts of the same connections 1.2 s apart, played at trace speed: in the lull the
  // controller retires all but one unit (idle 300 ms) and hands their flows to the one left, to
  // which each retiring process pushes every flow on SIGTERM; the second burst finds the state.
  const burst = generateTraffic({ seed: 22, flows: 40, durationMs: 300 });
  const twice = repeatTrace(burst, 2);
  const times = Float64Array.from(twice.timesNs, (t, i) => (i < burst.count ? t : t + 1.2e9));
  const trace: LoadedTrace = { ...twice, timesNs: times };
  const { gw } = scalingGateway(300e6);
  try {
    await gw.start();
    const r = await replay({ port: gw.streamPort, token: TOKEN, trace, speed: 1, collect: true, drainTimeoutMs: 8000 });
    const pool = gw.stats().pool as { started: number; stopped: number };
    expect({ lost: r.lost, reordered: r.reordered }).toEqual({ lost: 0, reordered: 0 });
    expect(pool.started).toBeGreaterThanOrEqual(2);
    expect(pool.stopped).toBeGreaterThanOrEqual(1);
    const u = await gw.unitTotals();
    const why = { stateLost: u.stateLost, pullErrors: u.pullErrors, ...(gw.stats().gateway as object), pool };
    const got = { mismatches: mismatches(trace, r), stateLost: u.stateLost ?? 0 };
    // On failure the diff also shows the gateway's counters (lost to a retired unit, late egress…).
    expect(got.mismatches + got.stateLost > 0 ? { ...got, why } : got).toEqual({ mismatches: 0, stateLost: 0 });
  } finally {
    await gw.stop();
  }
});
