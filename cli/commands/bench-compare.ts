/**
 * `snf bench compare`: the full matrix of issue 11 at one offered load (bench/compare/), progress
 * on stderr, the CompareResult JSON on stdout, and with `--report <dir>` the HTML report
 * (bench/report/html) whose path goes to stderr.
 */
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { COMPARE_MODES, runCompare } from '../../bench/compare';
import { writeHtmlReport } from '../../bench/report/html';
import { MODE_SYNTAX, parseRunMode } from '../../gateway/modes';
import { SnfError } from '../../sdk/errors';
import { generateTraffic } from '../../trace/generator';
import { loadTrace } from '../../trace/load';
import { repeatTrace } from '../../bench/live/repeat-trace';
import { parseIntFlag, parseListFlag, parseNumberFlag } from '../flags';

export function compare(bench: Command): void {
  bench
    .command('compare')
    .description('every mode (SNF flowlet proactive/reactive/external, flow, smartflow, per-packet) on fresh processes at one offered load')
    .option('--trace <pcap>', 'trace (default: generated traffic)')
    .option('--limit <n>', 'first N packets', '20000')
    .option('--repeat <n>', 'play the trace n times back to back (flows keep their keys)', '1')
    .option('--function <nf>', 'network function', 'lb')
    .option('--modes <list>', `comma-separated run modes (${MODE_SYNTAX})`, COMPARE_MODES.join(','))
    .option('--rate <pps>', 'offered packets/s, evenly spaced (default 5000 unless --speed)')
    .option('--speed <x>', 'replay at the trace\'s own timing compressed x times (keeps its burstiness)')
    .option('--min-units <n>', 'units started at once and never retired below', '1')
    .option('--max-units <n>', 'upper bound on units (packet with --of-watchdog: 1)', '4')
    .option('--capacity-bps <bps>', 'per-unit capacity the controller packs against; demand is counted in it (default: the LIVE profile)')
    .option('--timeout-us <us>', 'flowlet timeout T in µs (default: the LIVE profile)')
    .option('--of-watchdog <path>', 'packet mode through this real of-watchdog (http mode) in front of snf watchdog --http, state in Redis')
    .option('--report <dir>', 'also write the HTML report (index.html) there')
    .option('--json', 'print JSON (the default output)')
    .action(async (f: Record<string, string | undefined>) => {
      const modes = parseListFlag('--modes', f.modes!);
      modes.forEach(parseRunMode);
      if (f.rate !== undefined && f.speed !== undefined) throw new SnfError('SNF_ERR_USAGE', 'give --rate or --speed, not both');
      const base = f.trace ? loadTrace(f.trace, { limit: parseIntFlag('--limit', f.limit!, 1) }) : generateTraffic({ seed: 1, flows: 500 });
      const trace = repeatTrace(base, parseIntFlag('--repeat', f.repeat!, 1));
      const bar = new SingleBar({ stream: process.stderr, format: 'compare {mode} ({n}/{of}) [{bar}] {value}/{total} sent · {received} back' }, Presets.shades_classic);
      bar.start(trace.count, 0, { mode: modes[0], n: 1, of: modes.length, received: 0 });
      const result = await runCompare({
        trace, modes, function: f.function!,
        ...(f.speed !== undefined ? { speed: parseNumberFlag('--speed', f.speed, 1e-6) } : { rate: parseNumberFlag('--rate', f.rate ?? '5000', 1) }),
        minUnits: parseIntFlag('--min-units', f.minUnits!, 1, 32767),
        maxUnits: parseIntFlag('--max-units', f.maxUnits!, 1, 32767),
        ...(f.capacityBps !== undefined ? { capacityBps: parseNumberFlag('--capacity-bps', f.capacityBps, 1) } : {}),
        ...(f.timeoutUs !== undefined ? { timeoutUs: parseNumberFlag('--timeout-us', f.timeoutUs, 1) } : {}),
        ...(f.ofWatchdog !== undefined ? { ofWatchdog: f.ofWatchdog } : {}),
      }, (p) => {
        if (p.phase === 'start') bar.start(p.total, 0, { mode: p.mode, n: p.index + 1, of: p.modes, received: 0 });
        else bar.update(p.sent, { received: p.received });
      });
      bar.stop();
      if (f.report !== undefined) process.stderr.write(`report: ${await writeHtmlReport(result, f.report)}\n`);
      // Every gateway and unit has stopped; exit rather than wait on a handle a library keeps open.
      process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
    });
}
