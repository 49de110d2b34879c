/** `snf bench live` subcommand (registered in cli/commands/bench.ts). */
import type { Command } from 'commander';
import { loadTrace } from '../../trace/load';
import { generateTraffic } from '../../trace/generator';
import { runLiveBench } from './live-bench';
import { repeatTrace } from './repeat-trace';

/**
 * Leading repeats left out of the steady-state figures: those of the first 0.6 s, at most half the
 * run. Measured (lb, smallFlows, 2 units, 100 k pkt/s, 2026-11-29): JIT compilation, connection
 * set-up and the controller's first demand estimates keep p50 at 6–70 ms for ~0.5 s after start,
 * then it settles at ~0.1 ms — one repeat (0.14 s) of warm-up left most of that in "steady".
 */
export function defaultWarmupRepeats(tracePackets: number, rate: number, repeat: number): number {
  if (repeat <= 1 || tracePackets <= 0) return 0;
  return Math.min(Math.floor(repeat / 2), Math.max(1, Math.ceil((0.6 * rate) / tracePackets)));
}

export function liveBenchCommand(bench: Command): void {
  bench
    .command('live')
    .description('live gateway + unit processes: proactive, reactive, external and the packet baseline at one offered load')
    .option('--trace <pcap>', 'trace (default: generated traffic)')
    .option('--limit <n>', 'first N packets', '20000')
    .option('--function <nf>', 'network function', 'lb')
    .option('--units <n>', 'units', '2')
    .option('--rate <pps>', 'offered packets/s', '20000')
    .option('--modes <list>', 'comma-separated', 'proactive,reactive,external,packet')
    .option('--repeat <n>', 'play the trace n times back to back (steady state, not warm-up)', '1')
    .option('--idle-push-us <us>', 'units\' T/2 (default: the live T/2)')
    .option('--warmup <n>', 'leading trace repeats left out of steadyLatencyUs (default: the repeats of the first 0.6 s, at most half of --repeat)')
    .option('--runs <n>', 'repeat each mode n times (fresh gateway and units each time)', '1')
    .option('--timeout-ms <ms>', 'flowlet timeout T (default: the live T); units push at T/2')
    .option('--capacity-bps <bps>', 'per-unit capacity the controller packs against')
    .option('--controller <json>', 'other controller overrides, e.g. {"sizeForkStays":true}')
    .option('--json', 'print JSON (the default output)')
    .action(async (f: Record<string, string>) => {
      const base = f.trace ? loadTrace(f.trace, { limit: Number(f.limit) }) : generateTraffic({ seed: 1, flows: 500 });
      const trace = repeatTrace(base, Number(f.repeat));
      const out = await runLiveBench(trace, {
        function: f.function!, units: Number(f.units), rate: Number(f.rate), modes: f.modes!.split(','),
        warmupPackets: base.count * (f.warmup !== undefined ? Number(f.warmup) : defaultWarmupRepeats(base.count, Number(f.rate), Number(f.repeat))),
        idlePushUs: f.idlePushUs !== undefined ? Number(f.idlePushUs) : undefined, runs: Number(f.runs),
        controller: {
          ...(f.controller ? JSON.parse(f.controller) : {}),
          ...(f.timeoutMs !== undefined ? { timeoutNs: Number(f.timeoutMs) * 1e6 } : {}),
          ...(f.capacityBps !== undefined ? { unitCapacityBps: Number(f.capacityBps) } : {}),
        },
      });
      // Every gateway and unit has been stopped by now; exit explicitly rather than wait on any
      // handle a library leaves open (a run on 2026-11-29 printed its JSON and then lingered).
      process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
    });
}
