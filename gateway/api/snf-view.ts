/**
 * GET /system/snf/functions/{name}: the live SNF numbers of one function as JSON (what `/ui/`
 * polls): units and their utilization, packets, flowlets started / moved / seamless / pulled,
 * state lost, billing. Counters are cumulative since the function's gateway started; a client
 * takes rates from two answers and `timeMs`. Read-only; behind the same basic auth as /system/.
 * The units' counters come through a UnitStatsReader per gateway (cached 500 ms, a slow unit
 * never holds the answer more than 500 ms), as /metrics reads them.
 */
import { Router } from 'express';
import type { Gateway } from '../gateway';
import type { GatewayView } from '../metrics/snf-series';
import { UnitStatsReader } from '../metrics/unit-stats-reader';
import type { UnitStats } from '../../proto/frames/stats-v1';
import type { ApiContext } from './context';
import { PATH_NAME, splitName } from './function-spec';
import { DEFAULT_NAMESPACE } from './types';

export interface SnfFunctionView {
  name: string;
  namespace: string;
  /** Wall clock of this answer (ms since the epoch). */
  timeMs: number;
  /** False until the function's gateway has started (every other number is 0 then). */
  running: boolean;
  units: Array<{ id: number; utilization: number }>;
  packets: { received: number; released: number; forwarded: number; inFlight: number; waited: number };
  flowlets: { started: number; moved: number; seamless: number; pulled: number };
  flows: number;
  stateLost: number;
  billed: { packets: number; cpuSeconds: number };
}

/** Pure: the JSON of one function from its gateway's counters and its units' summed counters. */
export function snfFunctionView(name: string, gw: GatewayView | undefined, units: UnitStats, timeMs: number): SnfFunctionView {
  const c = gw?.controller;
  const core = gw?.core?.counters;
  return {
    name, namespace: DEFAULT_NAMESPACE, timeMs, running: c !== undefined && core !== undefined,
    units: c ? c.unitIds().map((id) => ({ id, utilization: c.unitUtilization(id) })) : [],
    packets: {
      received: core?.ingress ?? 0, released: core?.egress ?? 0, forwarded: units.forwarded ?? 0,
      inFlight: gw?.core?.pending.size ?? 0, waited: units.waited ?? 0,
    },
    flowlets: { started: c?.counters.flowlets ?? 0, moved: c?.counters.flowletsMoved ?? 0, seamless: units.seamless ?? 0, pulled: units.pulled ?? 0 },
    flows: c?.counters.flows ?? 0,
    stateLost: units.stateLost ?? 0,
    billed: { packets: core?.billedPackets ?? 0, cpuSeconds: (core?.billedCpuMicros ?? 0) / 1e6 },
  };
}

export function snfRoutes(ctx: ApiContext): Router {
  const r = Router();
  const readers = new WeakMap<Gateway, UnitStatsReader>();
  r.get('/system/snf/functions/:name', async (req, res) => {
    const { name, namespace } = splitName(req.params.name);
    if (!PATH_NAME.test(req.params.name) || namespace !== DEFAULT_NAMESPACE || ctx.provider.get(name) === undefined) {
      ctx.counters.unknownFunction++;
      res.status(404).type('text/plain').send(`function ${name} not found\n`);
      return;
    }
    const gw = ctx.provider.gateway(name);
    let units: UnitStats = {};
    if (gw !== undefined) {
      let reader = readers.get(gw);
      if (reader === undefined) readers.set(gw, (reader = new UnitStatsReader(gw)));
      await reader.refresh();
      units = reader.totals;
    }
    res.json(snfFunctionView(name, gw, units, Date.now()));
  });
  return r;
}
