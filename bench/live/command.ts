/** `snf bench live` subcommand (registered in cli/commands/bench.ts). */
import type { Command } from 'commander';
import { loadTrace } from '../../trace/load';
import { generateTraffic } from '../../trace/generator';
import { runLiveBench } from './live-bench';

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
    .option('--json', 'print JSON (the default output)')
    .action(async (f: Record<string, string>) => {
      const trace = f.trace ? loadTrace(f.trace, { limit: Number(f.limit) }) : generateTraffic({ seed: 1, flows: 500 });
      const out = await runLiveBench(trace, { function: f.function!, units: Number(f.units), rate: Number(f.rate), modes: f.modes!.split(',') });
      process.stdout.write(JSON.stringify(out) + '\n');
    });
}
