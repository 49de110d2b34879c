/**
 * `snf watchdog`: one compute unit (or, with --http, the of-watchdog HTTP baseline; with
 * --role logger, a unit's output logger).
 * Only wiring: flags + env → config (watchdog/config.ts) → construct → start → drain on SIGTERM.
 */
import type { Command } from 'commander';
import pino from 'pino';
import { watchdogConfig } from '../../watchdog/config';
import { ComputeUnit } from '../../watchdog/compute-unit';
import { HttpMode } from '../../watchdog/http-mode';
import { SnfError } from '../../sdk/errors';
import { resolveNf } from '../load-handler';
import { loadConfig } from '../../functions/config-source';
import { OutputLogger } from '../../watchdog/logger/output-logger';
import type { WatchdogConfig } from '../../watchdog/config';
import type { Logger } from 'pino';

async function unitServer(nf: any, cfg: WatchdogConfig, log: Logger): Promise<ComputeUnit<unknown, unknown> | HttpMode<unknown, unknown>> {
  const nfConfig = await loadConfig(nf, cfg.configFile ? { file: cfg.configFile } : {});
  return cfg.httpPort !== null
    ? new HttpMode(nf, nfConfig, { port: cfg.httpPort, host: cfg.host, redisUrl: cfg.redisUrl, maxInflight: cfg.maxInflight, lockFile: cfg.lockFile, readyFd: cfg.readyFd }, log)
    : new ComputeUnit(nf, nfConfig, cfg, log);
}

export function register(program: Command): void {
  program
    .command('watchdog')
    .description('run one SNF compute unit (the of-watchdog HTTP baseline with --http; a unit\'s output logger with --role logger)')
    .option('--function <nf>', 'network function name, or a chain a,b (run in order)')
    .option('--handler <path>', 'module (.js/.ts) exporting the NetworkFunction to run (SNF_HANDLER)')
    .option('--config <file>', 'NF configuration file (JSON)')
    .option('--unit-id <n>', 'this unit id')
    .option('--max-units <n>', "the gateway's max units (the NF's per-unit partitioning)")
    .option('--listen <port>', 'data-plane TCP port')
    .option('--peer-listen <port>', 'StatePeer gRPC port')
    .option('--token <t>', 'cluster token (required unless --http)')
    .option('--peers <list>', 'id=host:port,… StatePeer addresses')
    .option('--http <port>', 'serve the HTTP baseline (state in Redis) instead')
    .option('--role <role>', 'unit or logger (the output logger of unit --unit-id; SNF_LOGGER_MODE memory|kafka:fast|kafka:strict)')
    .option('--logger <host:port>', 'unit: data-plane address of its output logger (EGRESS goes through it)')
    .action(async (flags: Record<string, string | undefined>) => {
      const cfg = watchdogConfig(process.env, flags);
      // A unit outlives the gateway that started it (gateway/checkpoint/: a restarted gateway adopts
      // it): once that gateway is gone its log pipes are broken, and writing there must not kill us.
      const dest = pino.destination({ dest: 1, sync: true });
      dest.on('error', () => undefined);
      process.stdout.on('error', () => undefined);
      process.stderr.on('error', () => undefined);
      const log = pino({ level: cfg.logLevel }, dest);
      if (cfg.role === 'logger' && cfg.httpPort !== null) throw new SnfError('SNF_ERR_USAGE', '--role logger does not take --http');
      const server = cfg.role === 'logger' ? new OutputLogger(cfg, log) : await unitServer(resolveNf(cfg.function, cfg.handler) as any, cfg, log);
      await server.start();
      await new Promise<void>((resolve) => {
        const stop = () => {
          const deadline = setTimeout(() => process.exit(1), cfg.writeTimeoutMs);
          deadline.unref();
          server.stop().then(resolve, resolve);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
