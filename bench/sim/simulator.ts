/**
 * The discrete-event simulator: replays a SimInput through the real controller
 * (gateway/controller, the same code as the live gateway) and a model of compute units, state
 * movement and metrics. Deterministic for an input, parameters and seed.
 *
 * Event order at one instant: scheduled events (departures, state arrivals, push checks) in the
 * order they were scheduled, then the controller tick, then the next trace packet.
 */
import { Controller, type ControllerParams } from '../../gateway/controller';
import { unitSettings } from '../../gateway/profiles';
import { SnfError } from '../../sdk/errors';
import { EventQueue } from './event-queue';
import type { SimInput } from './input';
import { Metrics, round3, type EpochSeries } from './metrics';
import type { ModeSpec } from './mode';
import { PacketTable } from './packet-table';
import type { SimParams } from './params';
import { EV_PUSH, EV_READY, StateModel, type StateCounters } from './state-model';
import { EV_DEPART, FifoServers } from './fifo-servers';

const EV_ARRIVE_UNIT = 1;

export interface ModeResult {
  packets: number;
  flows: number;
  assignments: number;
  latencyUs: { p1: number; p25: number; p50: number; p75: number; p99: number; p999: number };
  epochs: number;
  provisionedOverDemand: { p50: number; p90: number };
  overloadedUnitEpochShare: number;
  meanUnitUtilization: number;
  seamlessShare: number;
  pulledShare: number;
  waitedShare: number;
  replicationBytesPerFlowlet: number;
}

export interface SimRun {
  mode: ModeSpec;
  result: ModeResult;
  series: EpochSeries;
  state: StateCounters;
  controller: { flowlets: number; flowletsMoved: number; unitsStarted: number; migrations: number; overloadAssignments: number };
  /** Largest number of units running at once. */
  peakUnits: number;
  perPacket?: { latencyNs: Float64Array; unit: Int32Array };
}

export interface RunOptions {
  /** Called now and then with the share of packets routed (0..1). */
  onProgress?: (done: number) => void;
  /** Keep every packet's latency (ns, input order) and unit in the result: tests. */
  keepPerPacket?: boolean;
}

export function simulate(input: SimInput, mode: ModeSpec, ctrlParams: Partial<ControllerParams>, p: SimParams, opts: RunOptions = {}): SimRun {
  const n = input.count;
  const events = new EventQueue(1024);
  const pk = new PacketTable(n);
  const metrics = new Metrics(p.epochNs, p.unitBwBps);
  let unitsRef: FifoServers | null = null;
  const ctrl = new Controller(
    { ...ctrlParams, mode: mode.assignment, unitCapacityBps: p.unitBwBps, seed: p.seed, ...(mode.smartflowPeriodNs ? { smartflowPeriodNs: mode.smartflowPeriodNs } : {}) },
    { onUnitStart: (u, _now, readyAt) => { if (unitsRef) unitsRef.readyAtNs[u] = readyAt; } },
  );
  const units = new FifoServers(ctrl.params.maxUnits, p.unitBwBps, pk.next, input.wireBytes, pk.unitOf, events);
  unitsRef = units;
  const state = new StateModel(mode.state, p, unitSettings(ctrl.params).idlePushNs, ctrl.params.k, pk, input.flowOf, input.flows.length, units, events);
  const lastUnit = new Int32Array(input.flows.length).fill(-1);

  let departed = 0;
  let duplicates = 0;
  let peakUnits = 0;
  let nextTick = 0;
  let i = 0;
  const progressEvery = Math.max(1, Math.floor(n / 100));
  const times = input.timesNs;
  const latencyNs = opts.keepPerPacket ? new Float64Array(n) : null;

  while (i < n || events.size > 0) {
    const tEv = events.peekTime();
    const tArr = i < n ? times[i] : Infinity;
    if (tEv <= nextTick && tEv <= tArr) {
      events.pop();
      const now = events.lastTime;
      const a = events.lastA;
      const b = events.lastB;
      switch (events.lastKind) {
        case EV_ARRIVE_UNIT:
          state.arrive(a, now);
          break;
        case EV_DEPART: {
          if (pk.departed[b] !== 0) { duplicates++; break; }
          pk.departed[b] = 1;
          departed++;
          ctrl.onDrained(a, input.wireBytes[b], now);
          const extra = state.depart(b, now);
          metrics.served(now, a, input.wireBytes[b], now + extra - times[b]);
          if (latencyNs) latencyNs[b] = now + extra - times[b];
          units.serveNext(a, now);
          break;
        }
        case EV_READY:
          state.ready(a, b, now);
          break;
        case EV_PUSH:
          state.pushCheck(a, b, now);
          break;
      }
      continue;
    }
    if (nextTick <= tArr) {
      ctrl.tick(nextTick);
      const ids = ctrl.unitIds();
      if (ids.length > peakUnits) peakUnits = ids.length;
      metrics.sample(nextTick, ids);
      nextTick += p.tickNs;
      continue;
    }
    // Next trace packet reaches the controller.
    const now = tArr;
    const f = input.flowOf[i];
    const d = ctrl.route(input.flows[f], input.wireBytes[i], now);
    const s = ++state.routedSeq[f];
    pk.seq[i] = s;
    pk.unitOf[i] = d.unit;
    pk.prevUnit[i] = lastUnit[f];
    pk.holdUntilNs[i] = d.holdUntilNs;
    pk.gate[i] = d.externalState || (lastUnit[f] >= 0 && lastUnit[f] !== d.unit) ? 1 : 0;
    if (d.newFlowlet) state.setTargets(f, d.targets, d.targetCount);
    lastUnit[f] = d.unit;
    metrics.routed(now, d.unit, input.wireBytes[i]);
    events.push(now + p.ctrlToUnitNs, EV_ARRIVE_UNIT, i, 0);
    i++;
    if (opts.onProgress && i % progressEvery === 0) opts.onProgress(i / n);
  }

  if (departed !== n || duplicates !== 0) {
    throw new SnfError('SNF_ERR_SIM_INVARIANT', `${mode.label}: ${n} packets in, ${departed} out, ${duplicates} duplicated`);
  }
  const sc = state.counters;
  const cc = ctrl.counters;
  const sum = metrics.summary();
  const moved = sc.moved;
  const result: ModeResult = {
    packets: n,
    flows: input.flows.length,
    // Packet mode assigns every packet (round robin); the others assign flowlets (or flows).
    assignments: mode.state === 'packet' ? n : cc.flowlets,
    latencyUs: metrics.latencyUs(),
    epochs: sum.epochs,
    provisionedOverDemand: sum.provisionedOverDemand,
    overloadedUnitEpochShare: sum.overloadedUnitEpochShare,
    meanUnitUtilization: sum.meanUnitUtilization,
    seamlessShare: round3(moved ? sc.seamless / moved : 0),
    pulledShare: round3(moved ? sc.pulled / moved : 0),
    waitedShare: round3(moved ? sc.waited / moved : 0),
    replicationBytesPerFlowlet: round3(cc.flowlets ? sc.replicationBytes / (mode.state === 'packet' ? n : cc.flowlets) : 0),
  };
  return {
    mode,
    result,
    series: metrics.series(),
    state: { ...sc },
    controller: { flowlets: cc.flowlets, flowletsMoved: cc.flowletsMoved, unitsStarted: cc.unitsStarted, migrations: cc.migrations, overloadAssignments: cc.overloadAssignments },
    peakUnits,
    ...(latencyNs ? { perPacket: { latencyNs, unit: pk.unitOf } } : {}),
  };
}
