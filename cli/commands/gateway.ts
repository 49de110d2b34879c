/**
 * `snf gateway`: the live SNF gateway (gateway/). Only wiring: flags + environment →
 * gatewayConfig (gateway/config.ts; the table in README.md) → start → stop on SIGTERM.
 * Flags have no commander defaults so that SNF_GATEWAY_* settings apply; the defaults are the table's.
 */
import type { Command } from 'commander';
import { Gateway } from '../../gateway/gateway';
import { ENV_KEYS, gatewayConfig } from '../../gateway/config';
import { MODE_SYNTAX } from '../../gateway/modes';
import { LIVE } from '../../gateway/profiles';
import { SnfMetrics, startMetricsServer, type MetricsServer } from '../../gateway/metrics';

/** The namespace in `function_name` labels (`name.namespace`), as the stock gateway's default. */
const NAMESPACE = 'openfaas-fn';

export function register(program: Command): void {
  program
    .command('gateway')
    .description('run the live SNF gateway with local compute-unit processes')
    .option('--function <nf>', 'network function the units run, or a chain a,b (or SNF_GATEWAY_FUNCTION)')
    .option('--token <t>', 'cluster token (or SNF_GATEWAY_TOKEN, SNF_TOKEN)')
    .option('--config <file>', 'NF configuration file for the units')
    .option('--listen <port>', 'replayer stream port (default 7070)')
    .option('--udp <port>', 'UDP ingress port (one raw IPv4 packet per datagram)')
    .option('--udp-egress <dest>', 'egress for UDP ingress: udp:host:port or pcap:<file>')
    .option('--mode <mode>', `run mode: ${MODE_SYNTAX} (default flowlet = flowlet/proactive)`)
    .option('--timeout-us <n>', `flowlet timeout T in µs (default ${LIVE.controller.timeoutNs / 1e3}, the LIVE profile in gateway/profiles.ts)`)
    .option('--size-bytes <n>', 'flowlet size threshold B')
    .option('--alpha <x>', 'balancing knob α')
    .option('--capacity-bps <bps>', 'per-unit capacity the controller packs against (default 1e9)')
    .option('--of-watchdog <path>', 'packet mode: the real of-watchdog (http mode) in front of each snf watchdog --http unit')
    .option('--min-units <n>', 'units started at once and never retired below (default 1)')
    .option('--max-units <n>', 'upper bound on units (default 8)')
    .option('--standby-units <n>', 'warm standby units kept up beyond those taking work, promoted at once when work fits nowhere; count against --max-units (default 1; 0 = none)')
    .option('--nf-time <t>', 'arrival | source (ctx.nowNs from the replayer stamps; default arrival)')
    .option('--logger <mode>', 'output logger per unit (fault tolerance): off | memory | kafka:fast | kafka:strict (default off)')
    .option('--checkpoint <prefix>', 'checkpoint to Redis (REDIS_URL) under this key prefix and resume from it at start (needs --logger; default off)')
    .option('--checkpoint-ms <ms>', 'checkpoint flush interval (default 20)')
    .option('--alerts <sink>', 'IDS alerts as EVE JSON lines: stdout | file:<path> | kafka[:topic] | off (default: kafka:snf-alerts when KAFKA_BROKERS is set, else stdout)')
    .option('--metrics-port <port>', 'Prometheus /metrics and /healthz on this port (0 = any free port; default off)')
    .addHelpText('after', `\nEvery flag is also an SNF_GATEWAY_* variable; these have no flag (README "Gateway configuration"):\n${
      Object.entries(ENV_KEYS).filter(([, k]) => k.flag === undefined).map(([name]) => `  ${name}`).join('\n')}`)
    .action(async (f: Record<string, string | undefined>) => {
      const o = gatewayConfig(process.env, f);
      const gw = new Gateway(o);
      await gw.start();
      let metrics: MetricsServer | null = null;
      if (o.metricsPort !== null && o.metricsPort !== undefined) {
        const m = new SnfMetrics();
        m.watch(`${o.function}.${NAMESPACE}`, gw);
        metrics = await startMetricsServer({ metrics: m, host: o.host, port: o.metricsPort });
      }
      process.stderr.write(`snf gateway: ${o.function}, mode ${gw.routing.params.mode}/${gw.routing.state}, stream :${gw.streamPort}${gw.udpPort ? `, udp :${gw.udpPort}` : ''}${metrics ? `, metrics :${metrics.port}` : ''}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void Promise.all([metrics?.close(), gw.stop()]).then(() => resolve(), resolve);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      process.stderr.write(`${JSON.stringify(gw.stats())}\n`);
    });
}
