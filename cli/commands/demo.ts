/**
 * `snf demo`: SNF against vanilla per-packet invocation on this machine, no services needed.
 * Only wiring: flags → runDemo (bench/demo/) with a progress display on stderr → the table on
 * stdout → writeHtmlReport → the report's path. Any failure: a one-line reason, exit 1.
 */
import type { Command } from 'commander';
import { existsSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { DEMO_UNIT_CAPACITY_BPS, runDemo, type DemoProgress } from '../../bench/demo/demo';
import { demoTable } from '../../bench/demo/table';
import { writeHtmlReport } from '../../bench/report/html';
import { SnfError } from '../../sdk/errors';
import { parseIntFlag, parseNumberFlag } from '../flags';

/** stack.yml of this package (found from both cli/ and dist/cli/). */
function packageStack(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'stack.yml');
  }
  return 'stack.yml';
}

/** Bars on a terminal; elsewhere (a pipe, CI) a line per stage and per quarter of each replay. */
function progressDisplay(tty: boolean): DemoProgress & { stop(): void } {
  const say = (line: string): void => void process.stderr.write(`snf demo: ${line}\n`);
  if (!tty) {
    const quarter = new Map<string, number>();
    return {
      stage: (s, detail) => say(`${s}: ${detail}`),
      replay: (mode, sent, received, total) => {
        const q = Math.floor((4 * received) / Math.max(1, total));
        if (q <= (quarter.get(mode) ?? 0)) return;
        quarter.set(mode, q);
        say(`${mode}: ${sent}/${total} sent, ${received} answered`);
      },
      stop: () => undefined,
    };
  }
  const multi = new MultiBar({
    stream: process.stderr, clearOnComplete: false, hideCursor: false,
    format: '{mode} [{bar}] {value}/{total} sent · {received} answered',
  }, Presets.shades_classic);
  const bars = new Map<string, SingleBar>();
  return {
    stage: (s, detail) => (s === 'flowlet' || s === 'packet' ? multi.log(`snf demo: ${s}: ${detail}\n`) : say(`${s}: ${detail}`)),
    replay: (mode, sent, received, total) => {
      let bar = bars.get(mode);
      if (bar === undefined) {
        bar = multi.create(total, 0, { mode: mode.padEnd(7), received: 0 });
        bars.set(mode, bar);
      }
      bar.update(sent, { received });
    },
    stop: () => multi.stop(),
  };
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('SNF (flowlets) against vanilla per-packet HTTP invocation on this machine: a table and an HTML report')
    .option('--function <name>', 'function of stack.yml to run (its NF)', 'nat')
    .option('--pcap <file>', 'replay this capture (pcap or pcapng) instead of the built-in traffic')
    .option('--seconds <s>', 'length of the built-in traffic; with --pcap, at most pps × seconds packets', '8')
    .option('--pps <n>', 'offered packets per second, both modes', '2000')
    .option('--seed <n>', 'seed of the built-in traffic', '1')
    .option('--http-in-flight <n>', 'vanilla: HTTP requests in flight at most', '64')
    .option('--unit-capacity-bps <bps>', 'per-unit capacity of the demo\'s function and its twin (stack.yml says 1 Gbit/s: far above the demo\'s traffic)', String(DEMO_UNIT_CAPACITY_BPS))
    .option('--stack <file>', 'OpenFaaS stack file whose function is deployed (default: the package\'s stack.yml)')
    .option('--report <dir>', 'where the HTML report goes', 'report')
    .addHelpText('after', `
Starts SNF on embedded defaults (the OpenFaaS gateway API of \`snf up\`, on a free port, local
function units), deploys every function of stack.yml and the chosen one's vanilla twin <name>-vanilla (packet
mode: one HTTP request per packet through /function/<name>-vanilla to an \`snf watchdog --http\`
handler, state in the external store) through the OpenFaaS API, and sends the same traffic at the
same rate through both, at a per-unit capacity of 4 Mbit/s (--unit-capacity-bps) so that SNF
scales its units with the demand. The built-in traffic is generated (seeded) with the flow sizes, flowlet
sizes and inter-flowlet gaps of the real smallFlows capture (bench/traffic/README.md).
No services needed: the state store is embedded; with REDIS_URL set it is that Redis, with
KAFKA_BROKERS set IDS alerts go to Kafka. Prints a side-by-side table on stdout, progress on
stderr, writes <report>/index.html and prints its path last.`)
    .action(async (f: Record<string, string | undefined>) => {
      const seconds = parseNumberFlag('--seconds', f.seconds!, 0.1);
      const pps = parseNumberFlag('--pps', f.pps!, 1);
      const opts = {
        function: f.function!, stackFile: resolve(f.stack ?? packageStack()), pps, seconds,
        seed: parseIntFlag('--seed', f.seed!, 0), httpInFlight: parseIntFlag('--http-in-flight', f.httpInFlight!, 1, 4096),
        unitCapacityBps: parseNumberFlag('--unit-capacity-bps', f.unitCapacityBps!, 1),
        env: process.env, version: program.version() ?? 'dev',
        ...(f.pcap !== undefined ? { pcap: resolve(f.pcap) } : {}),
      };
      if (opts.pcap !== undefined && !existsSync(opts.pcap)) throw new SnfError('SNF_ERR_USAGE', `--pcap ${f.pcap}: no such file`);
      const t0 = performance.now();
      const display = progressDisplay(process.stderr.isTTY === true);
      let result;
      try {
        result = await runDemo(opts, display);
      } catch (err) {
        display.stop();
        const msg = err instanceof SnfError ? `${err.code}: ${err.message}` : (err as Error).message ?? String(err);
        process.stderr.write(`snf demo: failed: ${msg}\n`);
        process.exitCode = 1;
        return;
      }
      display.stop();
      process.stdout.write(demoTable(result));
      const index = await writeHtmlReport(result, f.report!);
      process.stderr.write(`snf demo: done in ${((performance.now() - t0) / 1e3).toFixed(1)} s\n`);
      process.stdout.write(`report: ${index}\n`);
    });
}
