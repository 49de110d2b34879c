/**
 * `snf bench <what>`: benchmarks printing JSON. One function per subcommand; to add one, write
 * `function <what>(bench: Command): void` (here or in its own module) and add it to SUBCOMMANDS.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { SnfError } from '../../sdk/errors';
import { DEFAULT_ASSIGN_BENCH, runAssignBench } from '../../bench/assign-bench';
import { defaultWarmupRepeats, runLiveBench } from '../../bench/live/live-bench';
import { repeatTrace } from '../../bench/live/repeat-trace';
import { MODE_SYNTAX, parseRunMode } from '../../gateway/modes';
import { BENCHED_FUNCTIONS, runNfBenchSuite } from '../../bench/nf-bench-suite';
import { runSdkMicro } from '../../bench/sdk-micro';
import { loadTrace, loadTraceFiles } from '../../trace/load';
import { generateTraffic } from '../../trace/generator';
import { getFunction } from '../../functions';
import { parseCtrlFlag, parseIntFlag, parseListFlag, parseNumberFlag } from '../flags';
import { checkpointCost, runRecoveryBench } from '../../bench/recovery/recovery-bench';
import { compare } from './bench-compare';

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
    .option('--units <list>', 'comma-separated unit counts', '16,64,256,1024')
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

function live(bench: Command): void {
  bench
    .command('live')
    .description('live gateway + unit processes: proactive, reactive, external and the packet baseline at one offered load')
    .option('--trace <pcap>', 'trace (default: generated traffic)')
    .option('--limit <n>', 'first N packets', '20000')
    .option('--function <nf>', 'network function', 'lb')
    .option('--units <n>', 'units', '2')
    .option('--rate <pps>', 'offered packets/s', '20000')
    .option('--rates <list>', 'knee search: run every mode at each offered rate; prints knee.<mode> (highest rate with steady p99 ≤ 5 ms, nothing lost)')
    .option('--modes <list>', `comma-separated run modes (${MODE_SYNTAX})`, 'flowlet/proactive,flowlet/reactive,flowlet/external,packet')
    .option('--repeat <n>', 'play the trace n times back to back (steady state, not warm-up)', '1')
    .option('--idle-push-us <us>', 'units\' T/2 (default: derived from the effective T)')
    .option('--warmup <n>', 'leading trace repeats left out of steadyLatencyUs (default: the repeats of the first 0.6 s, at most half of --repeat)')
    .option('--runs <n>', 'repeat each mode n times (fresh gateway and units each time)', '1')
    .option('--timeout-us <us>', 'flowlet timeout T in µs (default: the live T); units push at T/2')
    .option('--capacity-bps <bps>', 'per-unit capacity the controller packs against')
    .option('--ctrl <name=value,...>', 'other controller parameters over the LIVE profile, as in snf sim, e.g. sizeForkStays=false')
    .option('--json', 'print JSON (the default output)')
    .action(async (f: Record<string, string | undefined>) => {
      const rate = parseNumberFlag('--rate', f.rate!, 1);
      const repeat = parseIntFlag('--repeat', f.repeat!, 1);
      const modes = parseListFlag('--modes', f.modes!);
      modes.forEach(parseRunMode);
      const base = f.trace ? loadTrace(f.trace, { limit: parseIntFlag('--limit', f.limit!, 1) }) : generateTraffic({ seed: 1, flows: 500 });
      const trace = repeatTrace(base, repeat);
      const out = await runLiveBench(trace, {
        function: f.function!, units: parseIntFlag('--units', f.units!, 1, 32767), rate, modes,
        warmupPackets: base.count * (f.warmup !== undefined ? parseIntFlag('--warmup', f.warmup, 0) : defaultWarmupRepeats(base.count, rate, repeat)),
        idlePushUs: f.idlePushUs !== undefined ? parseIntFlag('--idle-push-us', f.idlePushUs, 1) : undefined,
        runs: parseIntFlag('--runs', f.runs!, 1),
        rates: f.rates !== undefined ? parseListFlag('--rates', f.rates).map((x) => parseNumberFlag('--rates', x, 1)) : undefined,
        controller: {
          ...parseCtrlFlag(f.ctrl),
          ...(f.timeoutUs !== undefined ? { timeoutNs: parseNumberFlag('--timeout-us', f.timeoutUs, 1e-3) * 1e3 } : {}),
          ...(f.capacityBps !== undefined ? { unitCapacityBps: parseNumberFlag('--capacity-bps', f.capacityBps, 1) } : {}),
        },
      });
      // Every gateway and unit has been stopped by now; exit explicitly rather than wait on any
      // handle a library leaves open (a run on 2026-11-29 printed its JSON and then lingered).
      process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
    });
}

/** Every `snf bench` subcommand, in help order. */
const SUBCOMMANDS: ReadonlyArray<(bench: Command) => void> = [nf, assign, sdkMicro, live, compare, recovery];

function recovery(bench: Command): void {
  bench
    .command('recovery')
    .description('fault tolerance: restore from a logger, rebuild from Kafka, per-frame logger cost (fast/strict), live pkt/s without/with loggers')
    .option('--logger-flows <n>', 'flows restored from the logger', '1000')
    .option('--kafka-flows <n>', 'flows rebuilt from Kafka', '10000')
    .option('--runs <n>', 'restores timed (Kafka rebuilds: at most 5)', '20')
    .option('--cost-frames <n>', 'LOG frames timed per policy', '300')
    .option('--trace <pcap>', 'trace for the throughput runs (default: generated traffic)')
    .option('--limit <n>', 'first N packets', '20000')
    .option('--rate <pps>', 'offered packets/s for the throughput runs', '30000')
    .option('--units <n>', 'units in the throughput runs', '2')
    .option('--checkpoint-pairs <n>', 'paired gateway-checkpoint off/on runs (memory logger; 0 = skip)', '2')
    .option('--only-checkpoint', 'run only the paired checkpoint off/on part')
    .option('--json', 'print JSON (the default output)')
    .action(async (f: Record<string, string | undefined>) => {
      const trace = f.trace ? loadTrace(f.trace, { limit: parseIntFlag('--limit', f.limit!, 1) }) : generateTraffic({ seed: 1, flows: 500 });
      const run = f.onlyCheckpoint ? (o: Parameters<typeof runRecoveryBench>[0]) => checkpointCost(o, Math.max(1, o.checkpointPairs ?? 2)) : runRecoveryBench;
      const out = await run({
        loggerFlows: parseIntFlag('--logger-flows', f.loggerFlows!, 1), kafkaFlows: parseIntFlag('--kafka-flows', f.kafkaFlows!, 1),
        runs: parseIntFlag('--runs', f.runs!, 1), costFrames: parseIntFlag('--cost-frames', f.costFrames!, 10),
        brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', trace, rate: parseNumberFlag('--rate', f.rate!, 1),
        units: parseIntFlag('--units', f.units!, 1, 32767), checkpointPairs: parseIntFlag('--checkpoint-pairs', f.checkpointPairs!, 0, 100),
      });
      process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
    });
}

export function register(program: Command): void {
  const bench = program.command('bench').description('benchmarks (JSON on stdout)');
  for (const add of SUBCOMMANDS) add(bench);
}
