/**
 * One NF over one packet source in this process: the body of `snf nf run`.
 * Reads a trace (or generates seeded traffic), runs the LocalRuntime, optionally writes the output.
 */
import type { NetworkFunction } from '../sdk/types';
import { Verdict } from '../sdk/types';
import { Packet } from '../sdk/packet';
import { LocalRuntime } from '../sdk/local-runtime';
import { loadTrace, type LoadedTrace } from '../trace/load';
import { generateTraffic } from '../trace/generator';
import { PcapWriter } from '../trace/writer';

export interface RunOptions {
  trace?: string;
  seed: number;
  flows: number;
  out?: string;
}

export interface RunSummary {
  function: string;
  source: string;
  packets: number;
  forwarded: number;
  dropped: number;
  dropReasons: Record<string, number>;
  alerts: number;
  alertSids: Array<{ sid: number; count: number }>;
  flowsWithState: number;
  elapsedMs: number;
  pps: number;
}

export function loadSource(opts: { trace?: string; seed: number; flows: number }): { trace: LoadedTrace; source: string } {
  if (opts.trace) return { trace: loadTrace(opts.trace), source: opts.trace };
  return {
    trace: generateTraffic({ seed: opts.seed, flows: opts.flows }),
    source: `generated (seed ${opts.seed}, ${opts.flows} connections)`,
  };
}

/** `config` is the NF schema's output (functions/config-source `loadConfig`). */
export async function runNf(fn: NetworkFunction<any, any>, config: unknown, opts: RunOptions): Promise<RunSummary> {
  const { trace, source } = loadSource(opts);
  const runtime = new LocalRuntime(fn, config, { parsed: true });
  const writer = opts.out ? PcapWriter.create(opts.out) : null;
  const packet = Packet.parse(trace.bytes, 0, 0);
  let forwarded = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < trace.count; i++) {
    const off = trace.offsets[i];
    const len = trace.lengths[i];
    packet.reset(trace.bytes, off, len);
    const verdict = runtime.process(packet, trace.timesNs[i]);
    if (verdict === Verdict.FORWARD) {
      forwarded++;
      if (writer) writeAt(writer, trace, i);
    }
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (writer) await writer.close();
  const sids = new Map<number, number>();
  for (const a of runtime.alerts) sids.set(a.sid, (sids.get(a.sid) ?? 0) + 1);
  return {
    function: fn.name,
    source,
    packets: trace.count,
    forwarded,
    dropped: trace.count - forwarded,
    dropReasons: Object.fromEntries(runtime.dropReasons()),
    alerts: runtime.alerts.length,
    alertSids: [...sids].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([sid, count]) => ({ sid, count })),
    flowsWithState: runtime.state.size,
    elapsedMs: Math.round(elapsedMs * 1000) / 1000,
    pps: Math.round(trace.count / (elapsedMs / 1000)),
  };
}

function writeAt(writer: PcapWriter, trace: LoadedTrace, i: number): void {
  const t = trace.timesNs[i];
  const sec = Math.floor(t / 1e9);
  writer.write(trace.bytes.subarray(trace.offsets[i], trace.offsets[i] + trace.lengths[i]), sec, t - sec * 1e9, trace.wireLengths[i]);
}

export function formatRunSummary(s: RunSummary): string {
  const lines = [
    `function   ${s.function}`,
    `source     ${s.source}`,
    `packets    ${s.packets}  (forwarded ${s.forwarded}, dropped ${s.dropped})`,
  ];
  for (const [reason, n] of Object.entries(s.dropReasons)) lines.push(`  drop     ${reason}: ${n}`);
  if (s.alerts > 0) {
    lines.push(`alerts     ${s.alerts}`);
    for (const a of s.alertSids) lines.push(`  sid      ${a.sid}: ${a.count}`);
  }
  lines.push(`flows      ${s.flowsWithState} with state at the end`);
  lines.push(`time       ${s.elapsedMs.toFixed(1)} ms, one cold pass (${s.pps.toLocaleString('en-US')} packets/s; \`snf bench nf\` measures warm throughput)`);
  return `${lines.join('\n')}\n`;
}
