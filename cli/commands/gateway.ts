/** `snf gateway`: the live SNF gateway (gateway/). Only wiring: flags → GatewayOptions → start → stop on SIGTERM. */
import type { Command } from 'commander';
import { Gateway } from '../../gateway/gateway';
import { defaultGatewayOptions, LIVE_TIMEOUT_NS, type StateMode } from '../../gateway/options';
import { parseIntFlag, parseNumberFlag } from '../flags';

export function register(program: Command): void {
  program
    .command('gateway')
    .description('run the live SNF gateway with local compute-unit processes')
    .requiredOption('--function <nf>', 'network function the units run')
    .option('--token <t>', 'cluster token (or SNF_TOKEN)')
    .option('--config <file>', 'NF configuration file for the units')
    .option('--listen <port>', 'replayer stream port', '7070')
    .option('--udp <port>', 'UDP ingress port (one raw IPv4 packet per datagram)')
    .option('--udp-egress <dest>', 'egress for UDP ingress: udp:host:port or pcap:<file>')
    .option('--state <mode>', 'proactive | reactive | external', 'proactive')
    .option('--mode <mode>', 'flowlet | flowlet-timeout-only | flow | smartflow:<ms> | packet', 'flowlet')
    .option('--timeout-us <n>', `flowlet timeout T in µs (live default ${LIVE_TIMEOUT_NS / 1e3}, see gateway/options.ts)`)
    .option('--size-bytes <n>', 'flowlet size threshold B')
    .option('--alpha <x>', 'balancing knob α')
    .option('--min-units <n>', 'units started at once', '1')
    .option('--max-units <n>', 'upper bound on units', '8')
    .option('--nf-time <t>', 'arrival | source (ctx.nowNs from the replayer stamps)', 'arrival')
    .option('--alerts <sink>', 'IDS alerts as EVE JSON lines: stdout | file:<path> | kafka[:topic] | off (default: kafka:snf-alerts when KAFKA_BROKERS is set, else stdout)')
    .action(async (f: Record<string, string | undefined>) => {
      const o = defaultGatewayOptions(f.function!, f.token ?? process.env.SNF_TOKEN ?? '');
      o.configFile = f.config;
      o.streamPort = parseIntFlag('--listen', f.listen!, 0, 65535);
      o.udpPort = f.udp !== undefined ? parseIntFlag('--udp', f.udp, 0, 65535) : null;
      o.udpEgress = f.udpEgress ?? null;
      o.state = f.state as StateMode;
      o.mode = f.mode!;
      o.nfTime = f.nfTime === 'source' ? 'source' : 'arrival';
      o.alerts = f.alerts ?? '';
      o.minUnits = parseIntFlag('--min-units', f.minUnits!, 1, 32767);
      o.maxUnits = parseIntFlag('--max-units', f.maxUnits!, 1, 32767);
      const timeoutNs = f.timeoutUs ? parseNumberFlag('--timeout-us', f.timeoutUs, 1) * 1e3 : LIVE_TIMEOUT_NS;
      o.unitEnv.SNF_IDLE_PUSH_US = String(Math.max(1, Math.round(timeoutNs / 2e3)));
      o.controller = {
        timeoutNs,
        ...(f.sizeBytes ? { sizeThresholdBytes: parseNumberFlag('--size-bytes', f.sizeBytes, 1) } : {}),
        ...(f.alpha ? { alpha: parseNumberFlag('--alpha', f.alpha, 0, 1) } : {}),
      };
      const gw = new Gateway(o);
      await gw.start();
      process.stderr.write(`snf gateway: ${o.function}, state ${o.state}, mode ${o.mode}, stream :${gw.streamPort}${gw.udpPort ? `, udp :${gw.udpPort}` : ''}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void gw.stop().then(resolve, resolve);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      process.stderr.write(`${JSON.stringify(gw.stats())}\n`);
    });
}
