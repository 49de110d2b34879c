/**
 * `snf trace …`: capture tools.
 *   snf trace composite --out <pcap> [--seed 1] [--window-ms 1000] [--compress 1] [--max-gap-ms 60000] [--inputs <files|dirs>...]
 *   snf trace info <pcap>
 *   snf trace generate --out <pcap> [--seed 1] [--flows 2000] | --heavy-tail [--duration-ms …] [--flows-per-s …] …
 */
import type { Command } from 'commander';
import { SnfError } from '../../sdk/errors';
import { buildComposite, defaultInputs } from '../../trace/composite';
import { dataDir } from '../../trace/data';
import { linkTypeName } from '../../trace/link-types';
import { TraceReader, recordTimeNs } from '../../trace/reader';
import { generateTraffic } from '../../trace/generator';
import { generateHeavyTail } from '../../trace/heavy-tail';
import type { LoadedTrace } from '../../trace/types';
import { PcapWriter } from '../../trace/writer';
import { writeFileSync } from 'node:fs';

function num(flag: string, min: number, integer = false): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new SnfError('SNF_ERR_USAGE', `${flag} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${v}"`);
    }
    return n;
  };
}

function seconds(ns: number | bigint): string {
  return `${(Number(ns) / 1e9).toFixed(3)} s`;
}

interface CompositeFlags {
  out: string;
  seed: number;
  windowMs: number;
  compress: number;
  maxGapMs: number;
  inputs?: string[];
}

function composite(flags: CompositeFlags): void {
  let inputs = flags.inputs;
  if (!inputs || inputs.length === 0) {
    const data = dataDir();
    if (!data) throw new SnfError('SNF_ERR_USAGE', 'no --inputs and no data directory: set SNF_DATA or pass --inputs');
    inputs = defaultInputs(data);
  }
  if (flags.compress <= 0) throw new SnfError('SNF_ERR_USAGE', '--compress must be > 0');
  if (flags.maxGapMs <= 0) throw new SnfError('SNF_ERR_USAGE', '--max-gap-ms must be > 0');
  const s = buildComposite({ ...flags, inputs });
  const clamped = s.inputs.reduce((n, i) => n + i.clampedGaps + i.clampedBackwards, 0);
  process.stdout.write(
    [
      `wrote ${s.out} (${s.inputs.length} inputs, seed ${s.seed}, window ${s.windowMs} ms, compress ×${s.compress})`,
      `packets ${s.packets}, flows ${s.flows}, span ${seconds(s.spanNs)}, IPv4 bytes ${s.bytes}`,
      `timestamps adjusted: ${clamped} (backwards steps → 0, gaps > ${s.maxGapMs} ms shortened)`,
      `parameters: ${s.out}.json`,
    ].join('\n') + '\n',
  );
}

function info(file: string): void {
  const r = TraceReader.open(file);
  let packets = 0;
  let ipv4 = 0;
  let bytes = 0;
  const linkTypes = new Map<number, number>();
  let first: bigint | null = null;
  let min = 0n;
  let max = 0n;
  try {
    for (let rec = r.next(); rec; rec = r.next()) {
      packets++;
      bytes += rec.capLen;
      if (rec.l3Offset >= 0) ipv4++;
      linkTypes.set(rec.linkType, (linkTypes.get(rec.linkType) ?? 0) + 1);
      const t = recordTimeNs(rec);
      if (first === null) first = min = max = t;
      else if (t < min) min = t;
      else if (t > max) max = t;
    }
  } finally {
    r.close();
  }
  const lt = [...linkTypes].map(([k, n]) => `${linkTypeName(k)} (${k}): ${n}`).join(', ') || r.linkTypes.map(linkTypeName).join(', ');
  const lines = [
    `${file}: ${r.format}`,
    `packets ${packets} (IPv4 ${ipv4}), captured bytes ${bytes}`,
    `link types: ${lt}`,
    `span ${seconds(max - min)}${first !== null ? ` from ${new Date(Number(min / 1_000_000n)).toISOString()}` : ''}`,
    ...r.warnings.toStrings().map((w) => `warning: ${w}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export function register(program: Command): void {
  const trace = program.command('trace').description('capture tools: composite traces, file info');
  trace
    .command('composite')
    .description('merge real captures into one paper-scale trace (each in its own /16, seeded offsets)')
    .requiredOption('--out <pcap>', 'output pcap (a <out>.json sidecar records the parameters)')
    .option('--seed <n>', 'seed for the start offsets', num('--seed', 0, true), 1)
    .option('--window-ms <ms>', 'start offsets drawn from [0, W) ms', num('--window-ms', 0), 1000)
    .option('--compress <x>', 'divide all times by X', num('--compress', 0), 1)
    .option('--max-gap-ms <ms>', 'shorten longer gaps inside one input (spliced captures)', num('--max-gap-ms', 0), 60000)
    .option('--inputs <paths...>', 'capture files or directories (default: the shared data mix)')
    .action((flags: CompositeFlags) => composite(flags));
  trace
    .command('info <pcap>')
    .description('packets, link types, time span and warnings of a capture')
    .action((file: string) => info(file));
  trace
    .command('generate')
    .description('write seeded synthetic traffic; --heavy-tail: Poisson TCP flows with bounded-Pareto sizes (SYNTHETIC, see trace/heavy-tail.ts)')
    .requiredOption('--out <pcap>', 'output pcap (a <out>.json sidecar records the parameters)')
    .option('--seed <n>', 'seed', num('--seed', 0, true), 1)
    .option('--flows <n>', 'TCP connections of the default generator (not --heavy-tail)', num('--flows', 1, true), 2000)
    .option('--heavy-tail', 'the heavy-tailed workload instead of the default generator')
    .option('--duration-ms <ms>', 'capture window (heavy tail; default 3000)', num('--duration-ms', 0))
    .option('--warmup-ms <ms>', 'flows also arrive this long before the window (heavy tail; default 0)', num('--warmup-ms', 0))
    .option('--flows-per-s <r>', 'Poisson flow arrival rate (heavy tail; default 14000)', num('--flows-per-s', 0))
    .option('--pareto-alpha <a>', 'Pareto shape (heavy tail; default 1.2)', num('--pareto-alpha', 0))
    .option('--mean-flow-kb <kb>', 'mean flow size, 1 KB = 1000 B (heavy tail; default 45)', num('--mean-flow-kb', 0))
    .option('--max-flow-mb <mb>', 'flow size cap, 1 MB = 1e6 B (heavy tail; default 50)', num('--max-flow-mb', 0))
    .option('--max-window-kb <kb>', 'receive-window cap on cwnd (heavy tail; default 256)', num('--max-window-kb', 0))
    .action((flags: GenerateFlags) => generate(flags));
}

interface GenerateFlags {
  out: string;
  seed: number;
  flows: number;
  heavyTail?: boolean;
  durationMs?: number;
  warmupMs?: number;
  flowsPerS?: number;
  paretoAlpha?: number;
  meanFlowKb?: number;
  maxFlowMb?: number;
  maxWindowKb?: number;
}

function generate(flags: GenerateFlags): void {
  let trace: LoadedTrace;
  let sidecar: Record<string, unknown>;
  if (flags.heavyTail) {
    const scale = (v: number | undefined, k: number): number | undefined => (v === undefined ? undefined : v * k);
    const r = generateHeavyTail({
      seed: flags.seed,
      durationMs: flags.durationMs,
      warmupMs: flags.warmupMs,
      flowsPerSecond: flags.flowsPerS,
      paretoAlpha: flags.paretoAlpha,
      meanFlowBytes: scale(flags.meanFlowKb, 1000),
      maxFlowBytes: scale(flags.maxFlowMb, 1e6),
      maxWindowBytes: scale(flags.maxWindowKb, 1000),
    });
    trace = r.trace;
    const sizes = Float64Array.from(r.flowSizes).sort();
    const over = (x: number): number => sizes.filter((s) => s > x).length / Math.max(1, sizes.length);
    sidecar = {
      generator: 'heavy-tail (synthetic)',
      params: r.params,
      flows: sizes.length,
      drawnSizes: { shareOver10KB: over(1e4), shareOver1MB: over(1e6), mean: sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length), max: sizes[sizes.length - 1] ?? 0 },
      capturedPayloadBytes: r.capturedBytes.reduce((a, b) => a + b, 0),
    };
  } else {
    trace = generateTraffic({ seed: flags.seed, flows: flags.flows });
    sidecar = { generator: 'default (synthetic)', params: { seed: flags.seed, flows: flags.flows } };
  }
  const w = PcapWriter.create(flags.out);
  let wire = 0;
  try {
    for (let i = 0; i < trace.count; i++) {
      const t = trace.timesNs[i];
      const sec = Math.floor(t / 1e9);
      wire += trace.wireLengths[i];
      w.writeIpv4(trace.bytes.subarray(trace.offsets[i], trace.offsets[i] + trace.lengths[i]), sec, t - sec * 1e9, trace.wireLengths[i]);
    }
  } finally {
    w.close();
  }
  const span = trace.count ? trace.timesNs[trace.count - 1] : 0;
  writeFileSync(`${flags.out}.json`, `${JSON.stringify({ ...sidecar, packets: trace.count, wireBytes: wire, spanNs: span }, null, 2)}\n`);
  process.stdout.write(
    [
      `wrote ${flags.out} (${trace.path})`,
      `packets ${trace.count}, IPv4 wire bytes ${wire}, span ${seconds(span)}, mean ${span > 0 ? ((wire * 8) / span).toFixed(3) : 0} Gb/s`,
      `parameters: ${flags.out}.json`,
    ].join('\n') + '\n',
  );
}
