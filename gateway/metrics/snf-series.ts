/**
 * The snf_* series: what the paper plots and an operator pages on, read at scrape time from each
 * watched gateway (gateway.ts): the dispatch core's counters, the controller's counters and unit
 * table, the alert hub's drop reasons and alert count, the units' STATS counters (through
 * UnitStatsReader) and the UDP egress counters. Every series carries `function_name`; the only
 * other labels are `unit` (a unit id, ≤ max units), `reason` (capped per function, see
 * ReasonLabels) and the histogram's `le`. gateway/metrics/README.md documents each one.
 */
import type { Registry } from 'prom-client';
import type { StatsField } from '../../proto/frames/stats-v1';
import type { ControllerCounters } from '../controller';
import type { GatewayCounters } from '../dispatch/dispatch-core';
import { ROUTE_TIME_BUCKETS_S, type RouteTiming } from '../dispatch/route-timing';
import type { UdpEgressCounters } from '../egress/udp-egress';
import type { RecoveryCounters } from '../recovery/unit-recovery';
import type { CheckpointCounters } from '../checkpoint/checkpointer';
import type { UnitStatsReader, UnitStatsSource } from './unit-stats-reader';
import { histogramSamples, ViewMetric, type Sample, type ViewType } from './view-metric';

/** What the series read from a gateway (gateway.ts's Gateway fits; tests pass fakes). */
export interface GatewayView extends UnitStatsSource {
  /** Undefined until the gateway started. */
  readonly controller?: {
    readonly counters: ControllerCounters;
    readonly unitCount: number;
    unitIds(): number[];
    unitStateCounts?(): { starting: number; active: number; standby: number };
    unitUtilization(unit: number): number;
  };
  readonly core?: { readonly counters: GatewayCounters; readonly pending: { readonly size: number }; readonly routeTiming: RouteTiming };
  readonly alerts: { stats(): { drops: Record<string, number>; alerts: number } };
  /** Output loggers on: dead units recovered (counters, and each recovery's duration in ms). */
  readonly recovery?: { readonly counters: RecoveryCounters; readonly recoveryMs: readonly number[] } | null;
  /** `--checkpoint`: the checkpoint writer's counters. */
  readonly checkpoint?: { readonly counters: CheckpointCounters } | null;
  stats(): Record<string, unknown>;
}

/** Distinct `reason` label values per function; later reasons count under `other`. */
export const MAX_REASON_LABELS = 64;
export const OTHER_REASON = 'other';

/**
 * Sticky reason → label map: a reason keeps its own label once given one, and reasons first seen
 * after the cap go to `other` for good, so every label's value only grows.
 */
export class ReasonLabels {
  private readonly own = new Set<string>();
  private readonly overflow = new Set<string>();

  constructor(private readonly cap = MAX_REASON_LABELS) {}

  labelOf(reason: string): string {
    if (this.own.has(reason)) return reason;
    if (this.overflow.has(reason)) return OTHER_REASON;
    if (this.own.size < this.cap - 1 && reason !== OTHER_REASON) {
      this.own.add(reason);
      return reason;
    }
    this.overflow.add(reason);
    return OTHER_REASON;
  }
}

export interface Watched {
  fn: string;
  gw: GatewayView;
  units: UnitStatsReader;
  reasons: ReasonLabels;
}

type Read = (w: Watched, out: Sample[]) => void;

/** A one-sample-per-function series. */
function each(value: (w: Watched) => number | undefined): Read {
  return (w, out) => {
    const v = value(w);
    if (v !== undefined) out.push({ labels: { function_name: w.fn }, value: v });
  };
}
const core = (f: keyof GatewayCounters) => each((w) => w.gw.core?.counters[f]);
const ctl = (f: keyof Omit<ControllerCounters, 'flowletsByReason'>) => each((w) => w.gw.controller?.counters[f]);
const unit = (f: StatsField) => each((w) => w.units.totals[f] ?? 0);
const udp = (f: keyof UdpEgressCounters) => each((w) => (w.gw.stats().udpEgress as UdpEgressCounters | null)?.[f]);

/** Runtime drop reasons (EgressReason names, lower case) and the gateway counters behind them. */
const RUNTIME_DROPS: ReadonlyArray<readonly [string, (w: Watched) => number]> = [
  ['malformed_packet', (w) => w.gw.core?.counters.malformed ?? 0],
  ['no_unit_link', (w) => w.gw.core?.counters.noLink ?? 0],
  ['pending_full', (w) => w.gw.core?.counters.pendingFull ?? 0],
  ['unit_lost', (w) => w.gw.core?.counters.lostToDeadUnit ?? 0],
  ['handler_error', (w) => w.units.totals.handlerErrors ?? 0],
];

function drops(w: Watched, out: Sample[]): void {
  if (w.gw.core === undefined) return;
  const by = new Map<string, number>();
  const add = (reason: string, n: number) => {
    const label = w.reasons.labelOf(reason);
    by.set(label, (by.get(label) ?? 0) + n);
  };
  for (const [reason, read] of RUNTIME_DROPS) add(reason, read(w));
  for (const [reason, n] of Object.entries(w.gw.alerts.stats().drops)) add(reason, n);
  for (const [reason, n] of by) out.push({ labels: { function_name: w.fn, reason }, value: n });
}

const rec = (f: keyof RecoveryCounters) => each((w) => w.gw.recovery?.counters[f]);
const ckpt = (f: keyof CheckpointCounters) => each((w) => w.gw.checkpoint?.counters[f]);

/** Recovery durations (link close → a unit under the id restored its flows), seconds. */
export const RECOVERY_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

function recoverySeconds(w: Watched, out: Sample[]): void {
  const r = w.gw.recovery;
  if (r === undefined || r === null) return;
  const counts = new Array<number>(RECOVERY_BUCKETS_S.length + 1).fill(0);
  let sum = 0;
  for (const ms of r.recoveryMs) {
    const s = ms / 1e3;
    sum += s;
    let i = 0;
    while (i < RECOVERY_BUCKETS_S.length && s > RECOVERY_BUCKETS_S[i]!) i++;
    counts[i]++;
  }
  histogramSamples(out, 'snf_recovery_seconds', { function_name: w.fn }, RECOVERY_BUCKETS_S, counts, sum);
}

/** Logger records rejected, by why (the loggers' STATS fields). */
const LOGGER_REJECTS: ReadonlyArray<readonly [string, StatsField]> = [
  ['corrupt_frame', 'logCorruptFrames'], ['unknown_flow', 'logUnknownFlow'], ['stale_clock', 'logStale'], ['wrong_unit', 'logWrongUnit'],
];

function loggerRejects(w: Watched, out: Sample[]): void {
  if (w.gw.recovery === undefined || w.gw.recovery === null) return;
  for (const [reason, f] of LOGGER_REJECTS) out.push({ labels: { function_name: w.fn, reason }, value: w.units.totals[f] ?? 0 });
}

function utilization(w: Watched, out: Sample[]): void {
  const c = w.gw.controller;
  if (c === undefined) return;
  for (const u of c.unitIds()) out.push({ labels: { function_name: w.fn, unit: u }, value: c.unitUtilization(u) });
}

/** Units by state: `starting` (not up yet), `active` (taking work), `standby` (warm, no work: paid for all the same). */
function unitsByState(w: Watched, out: Sample[]): void {
  const c = w.gw.controller?.unitStateCounts?.();
  if (c === undefined) return;
  for (const state of ['starting', 'active', 'standby'] as const) out.push({ labels: { function_name: w.fn, state }, value: c[state] });
}

function decisionTime(w: Watched, out: Sample[]): void {
  const t = w.gw.core?.routeTiming;
  if (t === undefined) return;
  histogramSamples(out, 'snf_controller_decision_seconds', { function_name: w.fn }, ROUTE_TIME_BUCKETS_S, t.counts, t.sumSeconds);
}

/** name, type, help, reader. The README table lists the same rows. */
export const SNF_SERIES: ReadonlyArray<readonly [string, ViewType, string, Read]> = [
  ['snf_active_units', 'gauge', 'Compute units the controller runs for work (starting or active; warm standbys are in snf_units{state="standby"})', each((w) => w.gw.controller?.unitCount)],
  ['snf_units', 'gauge', 'Compute unit processes by state: starting, active, standby (warm, given no work until promoted, still billed as running)', unitsByState],
  ['snf_unit_utilization', 'gauge', 'Load the bin-packer sees on each unit, as a fraction of unit capacity (may exceed 1 when overloaded)', utilization],
  ['snf_packets_in_flight', 'gauge', 'Packets sent to units whose answer has not come back', each((w) => w.gw.core?.pending.size)],
  ['snf_packets_received_total', 'counter', 'Packets in at the gateway (stream and UDP ingress)', core('ingress')],
  ['snf_packets_released_total', 'counter', 'Packets released to egress in per-flow order, any verdict', core('egress')],
  ['snf_packets_forwarded_total', 'counter', 'Packets the units forwarded (NF verdict pass), summed over all units including retired ones', unit('forwarded')],
  ['snf_packets_dropped_total', 'counter', 'Packets dropped, by reason: runtime reasons and the NF\'s own drop reasons', drops],
  ['snf_udp_egress_packets_total', 'counter', 'Datagrams handed to the UDP egress socket', udp('packets')],
  ['snf_udp_egress_dropped_total', 'counter', 'UDP egress datagrams dropped because the send queue was full', udp('dropped')],
  ['snf_udp_egress_send_errors_total', 'counter', 'UDP egress sends that failed', udp('sendErrors')],
  ['snf_ids_alerts_total', 'counter', 'Alerts the NF raised (IDS signatures matched)', each((w) => w.gw.alerts.stats().alerts)],
  ['snf_flowlets_started_total', 'counter', 'Flowlets the controller started (each placed by the bin-packer)', ctl('flowlets')],
  ['snf_flowlets_moved_total', 'counter', 'Flowlets placed on a different unit than the flow\'s previous flowlet', ctl('flowletsMoved')],
  ['snf_flowlets_seamless_total', 'counter', 'Moved flowlets whose state had already been pushed to the new unit (no wait)', unit('seamless')],
  ['snf_flowlets_pulled_total', 'counter', 'Flowlets whose held packets were released by a state pull', unit('pulled')],
  ['snf_packets_waited_total', 'counter', 'Packets a unit held while waiting for their flow\'s state', unit('waited')],
  ['snf_replication_bytes_total', 'counter', 'State bytes units pushed to replication targets', unit('pushBytesSent')],
  ['snf_state_lost_total', 'counter', 'Held flows given up on after retries (processed on the state the unit had)', unit('stateLost')],
  ['snf_overload_fallbacks_total', 'counter', 'Flowlet placements where no unit had room and none could be started', ctl('overloadAssignments')],
  ['snf_billed_packets_total', 'counter', 'Packets the units reported processed (billing)', core('billedPackets')],
  ['snf_billed_cpu_seconds_total', 'counter', 'CPU time the units reported for the function (billing)', each((w) => (w.gw.core ? w.gw.core.counters.billedCpuMicros / 1e6 : undefined))],
  ['snf_units_started_total', 'counter', 'Compute units the controller started', ctl('unitsStarted')],
  ['snf_units_stopped_total', 'counter', 'Compute units the controller retired', ctl('unitsStopped')],
  ['snf_standby_promoted_total', 'counter', 'Warm standby units that took work at once (a flowlet fit nowhere else, scale-up or the floor)', ctl('standbyPromoted')],
  ['snf_flows_total', 'counter', 'Flows the controller has seen (new entries in its flow table)', ctl('flows')],
  ['snf_unit_stats_timeouts_total', 'counter', 'Scrapes that used older unit counters because the units did not answer in time', each((w) => w.units.timeouts)],
  ['snf_controller_decision_seconds', 'histogram', 'Time of one controller routing decision, sampled on one packet in 1024', decisionTime],
  ['snf_recovery_units_total', 'counter', 'Dead units whose flows a unit under their id restored (from the dead unit\'s logger or a logger rebuilt from Kafka)', rec('unitsRecovered')],
  ['snf_recovery_from_kafka_total', 'counter', 'Of those, recovered from a logger rebuilt from Kafka (unit and logger both died)', rec('fromKafka')],
  ['snf_recovery_flows_restored_total', 'counter', 'Flows output loggers restored to units taking over a dead unit\'s id', unit('logRestoredFlows')],
  ['snf_recovery_seconds', 'histogram', 'Time from a unit\'s death to a unit under its id having restored its flows', recoverySeconds],
  ['snf_recovery_packets_resent_total', 'counter', 'Packets in flight at a dead unit re-sent to the unit taking over', core('resent')],
  ['snf_recovery_duplicates_suppressed_total', 'counter', 'Packets in flight at a dead unit not re-sent because the log already had their effect', core('loggedNotReleased')],
  ['snf_recovery_state_lost_total', 'counter', 'Dead units whose flows could not be recovered (no durable log): their flows started afresh', rec('stateLostNoLog')],
  ['snf_recovery_errors_total', 'counter', 'Recovery steps that failed (successor start, logger replacement, reading the log)', rec('recoveryErrors')],
  ['snf_logger_records_total', 'counter', 'State records the output loggers applied to their mirrors', unit('logApplied')],
  ['snf_logger_records_rejected_total', 'counter', 'Logger records rejected, by reason: corrupt_frame, unknown_flow, stale_clock, wrong_unit', loggerRejects],
  ['snf_logger_kafka_errors_total', 'counter', 'Kafka sends of the output loggers that failed (retried)', unit('logKafkaErrors')],
  ['snf_checkpoint_flushes_total', 'counter', 'Gateway checkpoint flushes to Redis', ckpt('flushes')],
  ['snf_checkpoint_flows_written_total', 'counter', 'Flow entries the gateway checkpoint wrote', ckpt('flowsWritten')],
  ['snf_checkpoint_errors_total', 'counter', 'Gateway checkpoint flushes that failed (retried next interval)', ckpt('flushErrors')],
];

/** Registers every snf_* series; each reads all watched gateways when scraped. */
export function registerSnfSeries(registry: Registry, watched: () => Iterable<Watched>): void {
  for (const [name, type, help, read] of SNF_SERIES) {
    new ViewMetric(name, help, type, (out) => {
      for (const w of watched()) read(w, out);
    }).registerIn(registry);
  }
}
