/**
 * `snf trace …`: capture tools.
 *   snf trace composite --out <pcap> [--seed 1] [--window-ms 1000] [--compress 1] [--max-gap-ms 60000] [--inputs <files|dirs>...]
 *   snf trace info <pcap>
 */
import type { Command } from 'commander';
import { SnfError } from '../../sdk/errors';
import { buildComposite, defaultInputs } from '../../trace/composite';
import { dataDir } from '../../trace/data';
import { linkTypeName } from '../../trace/link-types';
import { TraceReader, recordTimeNs } from '../../trace/reader';

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
}
