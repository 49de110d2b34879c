/**
 * `snf bench <what>`: benchmarks printing JSON. One function per subcommand; to add one, write
 * `function <what>(bench: Command): void` (here or in its own module) and add it to SUBCOMMANDS.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { SnfError } from '../../sdk/errors';
import { DEFAULT_ASSIGN_BENCH, runAssignBench } from '../../bench/assign-bench';
import { liveBenchCommand } from '../../bench/live/command';
import { BENCHED_FUNCTIONS, runNfBenchSuite } from '../../bench/nf-bench-suite';
import { runSdkMicro } from '../../bench/sdk-micro';
import { loadTraceFiles } from '../../trace/load';
import { generateTraffic } from '../../trace/generator';
import { getFunction } from '../../functions';
import { parseIntFlag, parseListFlag } from '../flags';

function positiveIntList(flag: string, text: string, max: number): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((s) => !/^\d+$/.test(s)) || out.some((n) => n < 1 || n > max)) {
    throw new SnfError('SNF_ERR_USAGE', `${flag} wants comma-separated integers in 1..${max} (got "${text}")`);
  }
  return out;
}

function assign(bench: Command): void {
  bench
    .command('assign')
    .description('ns per work-assignment decision (a packet starting a flowlet) with N loaded units')
    .option('--units <list>', 'comma-separated unit counts', '16,64,256')
    .option('--decisions <n>', 'timed decisions per unit count', String(DEFAULT_ASSIGN_BENCH.decisions))
    .option('--json', 'print JSON (the default output)')
    .action((opts: { units: string; decisions: string }) => {
      const units = positiveIntList('--units', opts.units, 32_767);
      const [decisions] = positiveIntList('--decisions', opts.decisions, 1e9);
      const out = runAssignBench(units, { ...DEFAULT_ASSIGN_BENCH, decisions: decisions! });
      process.stdout.write(JSON.stringify(out) + '\n');
    });
}

function nf(bench: Command): void {
  bench
    .command('nf')
    .description('packets/s of each NF on one core over a trace (the IDS over --ids-trace with --rules)')
    .option('-t, --trace <pcap|dir>', 'trace for nat, lb, udp-whitelist, qos (default: seeded generated traffic)')
    .option('--ids-trace <pcap|dir>', 'trace with payloads for ids (default: --trace); a folder means every capture in it')
    .option('--rules <files|dirs...>', 'IDS rule files or folders of *.rules (default: the built-in demo set)')
    .option('--functions <list>', 'NFs to measure', BENCHED_FUNCTIONS.join(','))
    .option('--min-ms <n>', 'timed milliseconds per NF', '1500')
    .option('--json', 'print JSON (the default output)')
    .action((opts: { trace?: string; idsTrace?: string; rules?: string[]; functions: string; minMs: string }) => {
      const functions = parseListFlag('--functions', opts.functions);
      functions.forEach((f) => getFunction(f));
      const trace = opts.trace ? loadTraceFiles([opts.trace]) : generateTraffic({ seed: 1, flows: 500 });
      const idsTrace = opts.idsTrace ? loadTraceFiles([opts.idsTrace]) : trace;
      const ruleFiles = opts.rules ? expandRuleFiles(opts.rules) : [];
      const out = runNfBenchSuite({
        trace,
        idsTrace,
        ruleFiles,
        functions,
        minMs: parseIntFlag('--min-ms', opts.minMs, 1),
        onProgress: (name) => process.stderr.write(`bench nf: ${name}…\n`),
      });
      process.stdout.write(JSON.stringify(out) + '\n');
    });
}

/** Rule files as given; folders expanded to their *.rules files, sorted. */
function expandRuleFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new SnfError('SNF_ERR_USAGE', `--rules: ${p} does not exist`);
    if (fs.statSync(p).isDirectory()) {
      for (const f of fs.readdirSync(p).sort()) if (f.endsWith('.rules')) out.push(path.join(p, f));
    } else out.push(p);
  }
  return out;
}

function sdkMicro(bench: Command): void {
  bench
    .command('sdk')
    .description('micro-benchmarks of the SDK hot path (FlowTable vs Map, Packet.reset) with mitata')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => runSdkMicro({ json: opts.json }));
}

/** Every `snf bench` subcommand, in help order. */
const SUBCOMMANDS: ReadonlyArray<(bench: Command) => void> = [nf, assign, sdkMicro, liveBenchCommand];

export function register(program: Command): void {
  const bench = program.command('bench').description('benchmarks (JSON on stdout)');
  for (const add of SUBCOMMANDS) add(bench);
}
