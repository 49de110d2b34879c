/** `snf replay`: send a pcap (or generated traffic) to a gateway and print the measurements as JSON. */
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { replay } from '../../bench/replay/replayer';
import { generateTraffic } from '../../trace/generator';
import { loadTrace } from '../../trace/load';
import { parseIntFlag, parseNumberFlag } from '../flags';

export function register(program: Command): void {
  program
    .command('replay')
    .description('replay a trace to `snf gateway` and measure latency, loss, reordering, throughput')
    .option('--trace <pcap>', 'capture to send (default: generated traffic)')
    .option('--limit <n>', 'first N packets only')
    .option('--flows <n>', 'generated TCP connections when no --trace', '200')
    .option('--host <h>', 'gateway host', '127.0.0.1')
    .option('--port <p>', 'gateway stream port', '7070')
    .option('--token <t>', 'cluster token (or SNF_TOKEN)')
    .option('--rate <pps>', 'offered packets per second')
    .option('--speed <x>', 'time compression of the trace (1 = real time)')
    .option('--max-delay-us <us>', 'a partly filled frame leaves once its oldest packet waited this long', '250')
    .action(async (f: Record<string, string | undefined>) => {
      const trace = f.trace
        ? loadTrace(f.trace, f.limit ? { limit: parseIntFlag('--limit', f.limit, 1) } : {})
        : generateTraffic({ seed: 1, flows: parseIntFlag('--flows', f.flows!, 1) });
      const bar = new SingleBar({ stream: process.stderr, format: 'replay [{bar}] {value}/{total} sent · {received} back' }, Presets.shades_classic);
      bar.start(trace.count, 0, { received: 0 });
      const r = await replay({
        host: f.host, port: parseIntFlag('--port', f.port!, 1, 65535), token: f.token ?? process.env.SNF_TOKEN ?? '', trace,
        rate: f.rate ? parseNumberFlag('--rate', f.rate, 1) : undefined,
        speed: f.speed ? parseNumberFlag('--speed', f.speed, 1e-6) : undefined,
        maxDelayUs: parseNumberFlag('--max-delay-us', f.maxDelayUs!, 0),
        onProgress: (sent, received) => bar.update(sent, { received }),
      });
      bar.stop();
      const { flows: _f, outputs: _o, order: _r, residenceNs: _n, ...out } = r;
      process.stdout.write(JSON.stringify({ trace: trace.path, ...out }) + '\n');
    });
}
