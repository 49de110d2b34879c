/**
 * `snf bench <what>`: benchmarks printing JSON. One function per subcommand; to add one, write
 * `function <what>(bench: Command): void` (here or in its own module) and add it to SUBCOMMANDS.
 */
import type { Command } from 'commander';
import { SnfError } from '../../sdk/errors';
import { DEFAULT_ASSIGN_BENCH, runAssignBench } from '../../bench/assign-bench';

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

/** Every `snf bench` subcommand, in help order. */
const SUBCOMMANDS: ReadonlyArray<(bench: Command) => void> = [assign];

export function register(program: Command): void {
  const bench = program.command('bench').description('benchmarks (JSON on stdout)');
  for (const add of SUBCOMMANDS) add(bench);
}
