/**
 * `snf bench live`: the same trace, at the same offered load, through real gateway + unit
 * processes in each state mode (proactive, reactive, external) and the per-packet HTTP baseline
 * (`packet`). Unit-side shares (seamless/pulled/waited, replication bytes) need the units'
 * counters, which they do not export yet (docs/dev/requests-gateway-to-watchdog.md): reported
 * as null until then.
 */
import { replay } from '../replay/replayer';
import { Gateway } from '../../gateway/gateway';
import { defaultGatewayOptions, LIVE_TIMEOUT_NS, type StateMode } from '../../gateway/options';
import type { LoadedTrace } from '../../trace/types';

export interface LiveBenchOptions {
  function: string;
  units: number;
  rate: number;
  modes: string[];
}

const TOKEN = 'bench-live';

async function runMode(trace: LoadedTrace, mode: string, o: LiveBenchOptions): Promise<Record<string, unknown>> {
  const g = defaultGatewayOptions(o.function, TOKEN);
  if (mode === 'packet') g.mode = 'packet';
  else g.state = mode as StateMode;
  g.minUnits = o.units;
  g.maxUnits = o.units;
  g.unitEnv = { SNF_IDLE_PUSH_US: String(LIVE_TIMEOUT_NS / 2e3) };
  const gw = new Gateway(g);
  try {
    await gw.start();
    const r = await replay({ port: gw.streamPort, token: TOKEN, trace, rate: o.rate, drainTimeoutMs: 5000 });
    const ctl = gw.controller.counters;
    return {
      pps: r.pps, offeredPps: r.offeredPps, latencyUs: r.latencyUs, lost: r.lost, reordered: r.reordered,
      flowlets: ctl.flowlets, flowletsMoved: ctl.flowletsMoved,
      seamlessShare: null, pulledShare: null, waitedShare: null, replicationBytesPerFlowlet: null,
    };
  } finally {
    await gw.stop();
  }
}

export async function runLiveBench(trace: LoadedTrace, o: LiveBenchOptions): Promise<Record<string, unknown>> {
  const modes: Record<string, unknown> = {};
  for (const m of o.modes) modes[m] = await runMode(trace, m, o);
  return { trace: trace.path, function: o.function, units: o.units, offeredPps: o.rate, modes };
}
