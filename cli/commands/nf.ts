/**
 * `snf nf …`: run one network function in this process over a trace or generated traffic.
 * This is the reference runtime the distributed system is compared against.
 */
import type { Command } from 'commander';
import { FUNCTIONS } from '../../functions';
import { resolveNf } from '../load-handler';
import { loadConfig } from '../../functions/config-source';
import { runNf, formatRunSummary } from '../../bench/nf-run';
import { parseIntFlag } from '../flags';

export function register(program: Command): void {
  const nf = program.command('nf').description('run a network function in one process (the reference runtime)');

  nf.command('list')
    .description('list the network functions this build ships')
    .action(() => {
      for (const f of Object.values(FUNCTIONS)) process.stdout.write(`${f.name.padEnd(14)} ${f.description}\n`);
    });

  nf.command('run')
    .description('push a trace (or seeded generated traffic) through one NF and print a summary')
    .option('-f, --function <name>', `network function (${Object.keys(FUNCTIONS).join(', ')}), or a chain run in order, e.g. udp-whitelist,nat`)
    .option('--handler <path>', 'run your own NF: a module (.js or .ts) exporting a NetworkFunction (see template/snf-ts)')
    .option('-t, --trace <pcap>', 'pcap or pcapng to replay (default: seeded generated traffic)')
    .option('-c, --config <file>', 'NF configuration as JSON (default: the NF\'s built-in defaults)')
    .option('--redis-config <key>', 'read the NF configuration from this Redis key (REDIS_URL)')
    .option('--seed <n>', 'seed of the generated traffic', '1')
    .option('--flows <n>', 'connections in the generated traffic', '200')
    .option('-o, --out <pcap>', 'write the output packets to this pcap')
    .option('--json', 'print the summary as JSON')
    .action(async (opts) => {
      const fn = resolveNf(opts.function, opts.handler);
      const config = await loadConfig(fn, {
        file: opts.config,
        redis: opts.redisConfig ? { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key: opts.redisConfig } : undefined,
      });
      const summary = await runNf(fn, config, {
        trace: opts.trace,
        seed: parseIntFlag('--seed', opts.seed),
        flows: parseIntFlag('--flows', opts.flows, 1),
        out: opts.out,
      });
      process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : formatRunSummary(summary));
    });
}
