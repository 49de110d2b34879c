/**
 * The metrics series from known counter movements: a real DispatchCore (scripted router, fake
 * links) for the gateway counters, billing from CREDIT frames and the sampled decision timing;
 * fakes for the controller view, the alert hub and the units' STATS answers. Checks the text
 * exposition value by value, the stock series' names/labels, monotonic unit totals, the bounded
 * reason label and that a unit that never answers does not hang a scrape.
 */
import { DispatchCore } from '../../../../gateway/dispatch/dispatch-core';
import type { Router, UnitPort } from '../../../../gateway/dispatch/ports';
import { ROUTE_SAMPLE_EVERY } from '../../../../gateway/dispatch/route-timing';
import type { ControllerCounters, RouteDecision } from '../../../../gateway/controller';
import { encodeCredit } from '../../../../proto/frames/credit-v1';
import { FRAME_HEADER_BYTES } from '../../../../proto/frames/frame-header-v1';
import { FrameType } from '../../../../proto/frames/constants';
import type { UnitStats } from '../../../../proto/frames/stats-v1';
import { SnfMetrics, SNF_SERIES, MAX_REASON_LABELS, type GatewayView } from '../../../../gateway/metrics';
import { tcp } from '../../../helpers/packets';

const FN = 'nat.openfaas-fn';

class OneUnitRouter implements Router {
  readonly params = { flowTableCapacity: 64, loadBucketNs: 1e9 };
  private n = 0;
  private readonly d: RouteDecision = {
    unit: 1, newFlowlet: false, flowletId: 0, clock: 0, prevUnit: -1, targets: new Int32Array(1), targetCount: 0,
    reason: 0 as RouteDecision['reason'], hasState: false, holdUntilNs: 0, externalState: false, overloaded: false, flowSlot: 0,
  };
  route(): RouteDecision {
    this.d.flowletId = 1;
    this.d.clock = ++this.n;
    return this.d;
  }
  onDropped(): void {}
  onDrained(): void {}
  tick(): readonly never[] {
    return [];
  }
}

const link: UnitPort = { add: () => true };

function controllerCounters(): ControllerCounters {
  return {
    packets: 0, flowlets: 0, flowletsByReason: [0, 0, 0, 0, 0], flowletsWithState: 0, flowletsMoved: 0, flowletsMovedBySize: 0, flowletsMovedNotTarget: 0,
    flows: 0, flowsExpired: 0, flowsEvicted: 0, unitsStarted: 0, unitsStopped: 0, overloadAssignments: 0,
    migrations: 0, drainsForUnknownUnit: 0, dropsReleased: 0, unitsFailed: 0,
    standbyStarted: 0, standbyPromoted: 0, standbyDemoted: 0,
  };
}

/** A gateway made of a real core and scripted views of the rest. */
function fakeGateway() {
  let t = 0;
  const core = new DispatchCore(new OneUnitRouter(), new Map([[1, link]]), null, {
    maxInFlight: 1 << 12, replicate: false, sourceTime: false, sampleClockNs: () => (t += 3000), // each timed route takes 3 µs
  });
  const cc = controllerCounters();
  const util = new Map<number, number>([[1, 0.25], [2, 0.5]]);
  const drops: Record<string, number> = {};
  let alerts = 0;
  let unitAnswer: Record<number, UnitStats> | null = {};
  const gw: GatewayView = {
    core,
    controller: { counters: cc, get unitCount() { return util.size; }, unitIds: () => [...util.keys()], unitUtilization: (u) => util.get(u) ?? 0 },
    alerts: { stats: () => ({ drops: { ...drops }, alerts }) },
    unitStats: () => (unitAnswer === null ? new Promise(() => {}) : Promise.resolve(structuredClone(unitAnswer))),
    stats: () => ({ udpEgress: { packets: 7, dropped: 2, sendErrors: 1 } }),
    recovery: {
      counters: { unitsDown: 3, unitsRecovered: 3, fromLogger: 2, fromKafka: 1, loggersLost: 1, loggersReplaced: 1, rebuiltFromKafka: 1, stateLostNoLog: 0, lostToDeadLogger: 0, recoveryErrors: 0 },
      recoveryMs: [40, 300, 2000],
    },
    checkpoint: { counters: { flushes: 5, flowsWritten: 12, flowsDeleted: 0, flushErrors: 1, lastFlushMs: 1, maxFlushMs: 2, scanUs: 10 } },
  };
  const source = core.addSink({ emit: () => {}, close: () => {} });
  const ingest = (n: number) => {
    const p = tcp('10.0.0.1', 1000, '10.0.1.1', 80, 0x10, 'x');
    for (let i = 0; i < n; i++) core.ingest(source, p, 0, p.length, i, 0, 0);
  };
  const credit = (drained: number, cpuMicros: number) => {
    const f = encodeCredit({ drained, held: 0, drainedBytes: drained * 60, cpuMicros });
    core.onUnitFrame(1, FrameType.CREDIT, 1, f.subarray(FRAME_HEADER_BYTES), 0);
  };
  return {
    gw, core, cc, util, drops, ingest, credit,
    setAlerts: (n: number) => void (alerts = n),
    setUnits: (a: Record<number, UnitStats> | null) => void (unitAnswer = a),
  };
}

/** `name{labels}` → value from the text format. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const fresh = { maxAgeMs: 0, timeoutMs: 200, abandonMs: 10_000 };

test('snf_* series carry the gateway, controller, alert, unit and UDP egress counters', async () => {
  const f = fakeGateway();
  const m = new SnfMetrics({ processMetrics: false, unitStats: fresh });
  m.watch(FN, f.gw);
  f.ingest(2 * ROUTE_SAMPLE_EVERY + 5);
  f.credit(100, 2500);
  f.credit(50, 500);
  Object.assign(f.cc, { flowlets: 9, flowletsMoved: 4, overloadAssignments: 2, unitsStarted: 3, unitsStopped: 1, flows: 6 });
  f.drops.nat_no_mapping = 5;
  f.setAlerts(3);
  f.setUnits({ 0: { forwarded: 10, seamless: 1, pushBytesSent: 100 }, 1: { forwarded: 20, pulled: 2, waited: 4, stateLost: 1, handlerErrors: 3, logRestoredFlows: 7, logStale: 2 } });
  const s = parse(await m.render());
  const l = `{function_name="${FN}"}`;
  expect(s.get(`snf_active_units${l}`)).toBe(2);
  expect(s.get(`snf_unit_utilization{function_name="${FN}",unit="2"}`)).toBe(0.5);
  expect(s.get(`snf_packets_received_total${l}`)).toBe(2 * ROUTE_SAMPLE_EVERY + 5);
  expect(s.get(`snf_packets_in_flight${l}`)).toBe(2 * ROUTE_SAMPLE_EVERY + 5);
  expect(s.get(`snf_packets_forwarded_total${l}`)).toBe(30);
  expect(s.get(`snf_flowlets_started_total${l}`)).toBe(9);
  expect(s.get(`snf_flowlets_moved_total${l}`)).toBe(4);
  expect(s.get(`snf_flowlets_seamless_total${l}`)).toBe(1);
  expect(s.get(`snf_flowlets_pulled_total${l}`)).toBe(2);
  expect(s.get(`snf_packets_waited_total${l}`)).toBe(4);
  expect(s.get(`snf_replication_bytes_total${l}`)).toBe(100);
  expect(s.get(`snf_state_lost_total${l}`)).toBe(1);
  expect(s.get(`snf_overload_fallbacks_total${l}`)).toBe(2);
  expect(s.get(`snf_billed_packets_total${l}`)).toBe(150);
  expect(s.get(`snf_billed_cpu_seconds_total${l}`)).toBeCloseTo(0.003, 9);
  expect(s.get(`snf_ids_alerts_total${l}`)).toBe(3);
  expect(s.get(`snf_udp_egress_dropped_total${l}`)).toBe(2);
  expect(s.get(`snf_packets_dropped_total{function_name="${FN}",reason="nat_no_mapping"}`)).toBe(5);
  expect(s.get(`snf_packets_dropped_total{function_name="${FN}",reason="handler_error"}`)).toBe(3);
  expect(s.get(`snf_packets_dropped_total{function_name="${FN}",reason="pending_full"}`)).toBe(0);
  // Two sampled decisions of 3 µs each: in the 5 µs bucket, not the 2.5 µs one.
  expect(s.get(`snf_controller_decision_seconds_count${l}`)).toBe(2);
  expect(s.get(`snf_controller_decision_seconds_bucket{function_name="${FN}",le="0.0000025"}`)).toBe(0);
  expect(s.get(`snf_controller_decision_seconds_bucket{function_name="${FN}",le="0.000005"}`)).toBe(2);
  expect(s.get(`snf_controller_decision_seconds_bucket{function_name="${FN}",le="+Inf"}`)).toBe(2);
  expect(s.get(`snf_controller_decision_seconds_sum${l}`)).toBeCloseTo(6e-6, 12);
  // Recovery and checkpoint: counters, the loggers' STATS fields, the recovery histogram.
  expect(s.get(`snf_recovery_units_total${l}`)).toBe(3);
  expect(s.get(`snf_recovery_from_kafka_total${l}`)).toBe(1);
  expect(s.get(`snf_recovery_flows_restored_total${l}`)).toBe(7);
  expect(s.get(`snf_logger_records_rejected_total{function_name="${FN}",reason="stale_clock"}`)).toBe(2);
  expect(s.get(`snf_recovery_seconds_bucket{function_name="${FN}",le="0.05"}`)).toBe(1);
  expect(s.get(`snf_recovery_seconds_bucket{function_name="${FN}",le="0.5"}`)).toBe(2);
  expect(s.get(`snf_recovery_seconds_count${l}`)).toBe(3);
  expect(s.get(`snf_checkpoint_errors_total${l}`)).toBe(1);
  // Every documented series is exposed.
  for (const [name, type] of SNF_SERIES) expect([...s.keys()].some((k) => k.startsWith(type === 'histogram' ? `${name}_bucket` : name))).toBe(true);
});

test('unit totals never go down: a retiring unit counted twice, then a unit gone unannounced', async () => {
  const f = fakeGateway();
  const m = new SnfMetrics({ processMetrics: false, unitStats: fresh });
  m.watch(FN, f.gw);
  const fwd = async () => parse(await m.render()).get(`snf_packets_forwarded_total{function_name="${FN}"}`);
  f.setUnits({ 1: { forwarded: 10 }, 2: { forwarded: 5 } });
  expect(await fwd()).toBe(15);
  f.setUnits({ 0: { forwarded: 6 }, 1: { forwarded: 12 }, 2: { forwarded: 6 } }); // 2 read into the retired sum, not yet gone
  expect(await fwd()).toBe(24);
  f.setUnits({ 0: { forwarded: 6 }, 1: { forwarded: 13 } });
  expect(await fwd()).toBe(24);
  f.setUnits({ 0: { forwarded: 6 }, 1: { forwarded: 20 } });
  expect(await fwd()).toBe(26);
});

test('a unit that never answers does not hang the scrape: last totals, counted as a timeout', async () => {
  const f = fakeGateway();
  const m = new SnfMetrics({ processMetrics: false, unitStats: { maxAgeMs: 0, timeoutMs: 50, abandonMs: 10_000 } });
  m.watch(FN, f.gw);
  f.setUnits({ 1: { forwarded: 10 } });
  await m.render();
  f.setUnits(null);
  const t0 = Date.now();
  const s = parse(await m.render());
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(s.get(`snf_packets_forwarded_total{function_name="${FN}"}`)).toBe(10);
  expect(s.get(`snf_unit_stats_timeouts_total{function_name="${FN}"}`)).toBe(1);
});

test('drop reasons are capped per function; later reasons count under "other"', async () => {
  const f = fakeGateway();
  const m = new SnfMetrics({ processMetrics: false, unitStats: fresh });
  m.watch(FN, f.gw);
  for (let i = 0; i < MAX_REASON_LABELS + 20; i++) f.drops[`r${i}`] = 1;
  const s = parse(await m.render());
  const reasons = [...s.keys()].filter((k) => k.startsWith('snf_packets_dropped_total'));
  expect(reasons.length).toBe(MAX_REASON_LABELS);
  const total = reasons.reduce((a, k) => a + s.get(k)!, 0);
  expect(total).toBe(MAX_REASON_LABELS + 20);
  expect(s.get(`snf_packets_dropped_total{function_name="${FN}",reason="other"}`)).toBeGreaterThan(1);
});

test('stock series: names, labels and types as the OpenFaaS gateway; unwatch ends the snf_* series', async () => {
  const m = new SnfMetrics({ processMetrics: false });
  m.started('env.openfaas-fn');
  m.done('env.openfaas-fn', 200, 0.02);
  m.done('env.openfaas-fn', 502, 3);
  m.setReplicas('env.openfaas-fn', 2);
  const f = fakeGateway();
  m.watch(FN, f.gw);
  m.unwatch(FN);
  const text = await m.render();
  const s = parse(text);
  expect(s.get('gateway_function_invocation_started{function_name="env.openfaas-fn"}')).toBe(1);
  expect(s.get('gateway_function_invocation_total{function_name="env.openfaas-fn",code="200"}')).toBe(1);
  expect(s.get('gateway_function_invocation_total{function_name="env.openfaas-fn",code="502"}')).toBe(1);
  expect(s.get('gateway_functions_seconds_bucket{le="0.025",function_name="env.openfaas-fn",code="200"}')).toBe(1);
  expect(s.get('gateway_functions_seconds_bucket{le="10",function_name="env.openfaas-fn",code="502"}')).toBe(1);
  expect(s.get('gateway_service_count{function_name="env.openfaas-fn"}')).toBe(2);
  expect(text).toContain('# TYPE gateway_function_invocation_total counter');
  expect(text).toContain('# TYPE gateway_functions_seconds histogram');
  expect(text).toContain('# TYPE gateway_service_count gauge');
  expect([...s.keys()].some((k) => k.includes(FN))).toBe(false);
});
