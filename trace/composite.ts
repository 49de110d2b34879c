/**
 * The composite trace of shared/data/README.md: many real captures merged into one with
 * paper-scale concurrency while per-flow timing, sizes and payloads stay real.
 *
 * Each input i: IPv4 packets only, its clock starts at t=0 plus a seeded offset in [0, W),
 * its addresses move into its own /16 (10.i.x.y; inputs past 255 continue into 11.x, 12.x …),
 * checksums kept valid. All inputs are merged by time (k-way, streaming: one packet per input
 * in memory) and optionally time-compressed (every time divided by X). The parameters and
 * per-input facts go to <out>.json so results can cite them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SnfError } from '../sdk/errors';
import { CompositeInput } from './composite-input';
import { IdMinHeap } from './min-heap';
import { Prng } from '../sdk/prng';
import { PcapWriter } from './writer';

export interface CompositeOptions {
  inputs: string[];
  out: string;
  seed?: number;
  /** Start offsets are drawn from [0, windowMs) (default 1000). */
  windowMs?: number;
  /** Divide every time by this (default 1: real time). */
  compress?: number;
  /** Longer gaps inside one input are shortened to this (default 60,000 ms; spliced captures jump years). */
  maxGapMs?: number;
}

export interface CompositeInputSummary {
  path: string;
  prefix: string;
  offsetNs: number;
  packets: number;
  skippedNonIpv4: number;
  clampedBackwards: number;
  clampedGaps: number;
  warnings: string[];
}

export interface CompositeSummary {
  tool: 'snf trace composite';
  out: string;
  seed: number;
  windowMs: number;
  compress: number;
  maxGapMs: number;
  packets: number;
  /** Distinct directional 5-tuples (protocol, addresses, ports; ports 0 for other protocols). */
  flows: number;
  spanNs: number;
  bytes: number;
  inputs: CompositeInputSummary[];
}

/** /16 blocks available: 10.0/16 … 15.255/16. */
const MAX_INPUTS = 6 * 256;
const CAPTURE_EXT = /\.(pcap|pcapng|cap)$/i;
/** Small per-input buffers: hundreds of inputs are open at once. */
const INPUT_CHUNK = 64 * 1024;

/** Files as given; directories expanded to their capture files, sorted by name (stable input numbering). */
export function expandInputs(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new SnfError('SNF_ERR_USAGE', `input ${p} does not exist`);
    }
    if (st.isDirectory()) {
      for (const f of fs.readdirSync(p).sort()) if (CAPTURE_EXT.test(f)) out.push(path.join(p, f));
    } else out.push(p);
  }
  return out;
}

/** The README's default mix: smallFlows, CIC-DDoS WebDDoS, the three CTU files, the nDPI folder. */
export function defaultInputs(data: string): string[] {
  const t = path.join(data, 'traces');
  return [
    path.join(t, 'tcpreplay-smallFlows-nopayloads', 'smallFlows_nopayloads.pcap'),
    path.join(t, 'cic-ddos2019', 'CIC-DDoS-2019-WebDDoS.pcap'),
    path.join(t, 'ctu-stratosphere-slips', 'malicious-ssh-bruteforce.pcap'),
    path.join(t, 'ctu-stratosphere-slips', 'test-cc-capture-1.pcap'),
    path.join(t, 'ctu-stratosphere-slips', 'test7-malicious.pcap'),
    path.join(t, 'ndpi', 'pcap'),
  ];
}

function prefixOf(i: number): number {
  return (0x0a00 + i) & 0xffff; // 10.i for i < 256, then 11.(i-256), …
}

function prefixText(high: number): string {
  return `${high >> 8}.${high & 0xff}.0.0/16`;
}

export function buildComposite(options: CompositeOptions): CompositeSummary {
  const files = expandInputs(options.inputs);
  const seed = options.seed ?? 1;
  const windowMs = options.windowMs ?? 1000;
  const compress = options.compress ?? 1;
  const maxGapMs = options.maxGapMs ?? 60_000;
  if (files.length === 0) throw new SnfError('SNF_ERR_USAGE', 'no input captures');
  if (files.length > MAX_INPUTS) throw new SnfError('SNF_ERR_USAGE', `at most ${MAX_INPUTS} inputs (one /16 each), got ${files.length}`);
  if (!(windowMs >= 0) || !(compress > 0) || !(maxGapMs > 0)) {
    throw new SnfError('SNF_ERR_USAGE', 'window must be >= 0, compress and max gap > 0');
  }

  const rng = new Prng(seed);
  const inputs: CompositeInput[] = [];
  const keys = new Float64Array(files.length);
  const heap = new IdMinHeap(keys);
  const writer = PcapWriter.create(options.out);
  const flows = new Set<string>();
  let first = -1;
  let last = 0;
  let bytes = 0;
  try {
    files.forEach((file, i) => {
      const offset = Math.floor(rng.next() * windowMs * 1e6);
      const input = new CompositeInput(file, offset, prefixOf(i), maxGapMs * 1e6, INPUT_CHUNK);
      inputs.push(input);
      if (input.advance()) {
        keys[i] = input.timeNs;
        heap.push(i);
      }
    });
    while (heap.size > 0) {
      const i = heap.pop();
      const input = inputs[i]!;
      const t = Math.floor(input.timeNs / compress);
      if (first < 0) first = t;
      last = t;
      const sec = Math.floor(t / 1e9);
      writer.write(input.packet, sec, t - sec * 1e9, input.wireLength);
      bytes += input.packet.length;
      flows.add(flowKey(input.packet));
      if (input.advance()) {
        keys[i] = input.timeNs;
        heap.push(i);
      }
    }
  } finally {
    writer.close();
    for (const input of inputs) input.close();
  }

  const summary: CompositeSummary = {
    tool: 'snf trace composite',
    out: options.out,
    seed,
    windowMs,
    compress,
    maxGapMs,
    packets: writer.count,
    flows: flows.size,
    spanNs: first < 0 ? 0 : last - first,
    bytes,
    inputs: inputs.map((input) => ({
      path: input.path,
      prefix: prefixText(input.prefixHigh),
      offsetNs: input.offsetNs,
      packets: input.packets,
      skippedNonIpv4: input.skipped,
      clampedBackwards: input.clampedBackwards,
      clampedGaps: input.clampedGaps,
      warnings: input.warnings.toStrings(),
    })),
  };
  fs.writeFileSync(`${options.out}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** Directional 5-tuple as a string (offline tool: a Set of strings is simple and fast enough). */
function flowKey(p: Buffer): string {
  if (p.length < 20) return 'short';
  const proto = p[9]!;
  const ihl = (p[0]! & 0x0f) * 4;
  const firstFragment = (p.readUInt16BE(6) & 0x1fff) === 0;
  const ports = (proto === 6 || proto === 17) && firstFragment && p.length >= ihl + 4 ? p.readUInt32BE(ihl) : 0;
  return `${proto}:${p.readUInt32BE(12)}:${p.readUInt32BE(16)}:${ports}`;
}
