/**
 * IDS scanning speed on one core: the `ids` NF through LocalRuntime (state, alerts, verdicts
 * included) over a loaded trace, with the given rule files. Only `process()` is timed, after
 * untimed warm-up passes; state carries over between passes (as on a longer trace).
 * `payloadMBps` counts the TCP/UDP payload bytes the automata scanned (10^6 bytes per second).
 */
import { ids, type IdsFunctionHandler } from '../functions/ids';
import { LocalRuntime } from '../sdk/local-runtime';
import { Packet } from '../sdk/packet';
import type { LoadedTrace } from '../trace/load';

export interface IdsBenchResult {
  pps: number;
  nsPerPacket: number;
  payloadMBps: number;
  patterns: number;
  packets: number;
  payloadBytes: number;
  alertsPerPass: number;
  automatonStates: number;
  memoryMB: number;
  buildMs: number;
}

export interface IdsBenchOptions {
  warmupPasses: number;
  /** Keep timing passes until at least this long has been measured. */
  minMs: number;
  /** Extra IDS configuration (e.g. maxPatternsPerRule). */
  config?: Record<string, unknown>;
}

export const DEFAULT_IDS_BENCH: IdsBenchOptions = { warmupPasses: 2, minMs: 2000 };

export function benchIds(trace: LoadedTrace, ruleFiles: string[], opts: IdsBenchOptions = DEFAULT_IDS_BENCH): IdsBenchResult {
  const runtime = new LocalRuntime(ids, { ...opts.config, rules: ruleFiles });
  const handler = runtime.handler as IdsFunctionHandler;
  const packet = Packet.parse(trace.bytes, 0, 0);
  const span = trace.count > 0 ? trace.timesNs[trace.count - 1]! + 1e9 : 1e9;
  let timedNs = 0;
  let timedPackets = 0;
  let timedBytes = 0;
  let alertsPerPass = 0;
  for (let pass = 0; ; pass++) {
    runtime.alerts.length = 0; // the reference runtime keeps every alert; do not let it grow
    const bytesBefore = handler.counters.bytes;
    const base = pass * span;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < trace.count; i++) {
      packet.reset(trace.bytes, trace.offsets[i]!, trace.lengths[i]!);
      runtime.process(packet, base + trace.timesNs[i]!);
    }
    const dt = Number(process.hrtime.bigint() - t0);
    alertsPerPass = runtime.alerts.length;
    if (pass < opts.warmupPasses) continue;
    timedNs += dt;
    timedPackets += trace.count;
    timedBytes += handler.counters.bytes - bytesBefore;
    if (timedNs >= opts.minMs * 1e6 || trace.count === 0) break;
  }
  const nsPerPacket = timedPackets > 0 ? timedNs / timedPackets : 0;
  const r = handler.report;
  return {
    pps: nsPerPacket > 0 ? Math.round(1e9 / nsPerPacket) : 0,
    nsPerPacket: Math.round(nsPerPacket * 10) / 10,
    payloadMBps: timedNs > 0 ? Math.round((timedBytes / timedNs) * 1e4) / 10 : 0,
    patterns: r.patterns.patterns,
    packets: trace.count,
    payloadBytes: timedPackets > 0 ? Math.round((timedBytes * trace.count) / timedPackets) : 0,
    alertsPerPass,
    automatonStates: r.automatonStates.exact + r.automatonStates.folded,
    memoryMB: Math.round(r.memoryBytes / 1e5) / 10,
    buildMs: Math.round(r.buildMs),
  };
}
