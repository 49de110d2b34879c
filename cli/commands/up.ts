/**
 * `snf up`: SNF on embedded defaults in the foreground — the OpenFaaS gateway API (gateway/api/),
 * the local function provider (each function's units as local `snf watchdog` processes, state
 * kept in a file or Redis) or, with `--provider kubernetes` (the default in a cluster), SNF's own
 * Kubernetes provider (Deployments and Services in the functions namespace). Only wiring: flags → startUp → print → drain on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { resolve } from 'path';
import { startUp } from '../../gateway/api/up';
import { SnfMetrics, startMetricsServer } from '../../gateway/metrics';
import { FUNCTION_NAMES } from '../../functions';
import { ConfigError } from '../../sdk/errors';
import { parseIntFlag } from '../flags';

const port = (flag: string, raw: string): number => parseIntFlag(flag, raw, 0, 65535);

export function register(program: Command): void {
  program
    .command('up')
    .description('run SNF with the OpenFaaS gateway API and local function units (foreground; faas-cli deploys onto it)')
    .option('--port <n>', 'API port (faas-cli\'s gateway)', '8080')
    .option('--host <addr>', 'address the API binds to', '127.0.0.1')
    .option('--metrics-port <n>', 'Prometheus /metrics and /healthz port', '8082')
    .option('--secrets <dir>', 'directory with basic-auth-user and basic-auth-password (default: generated under --state-dir/secrets)')
    .option('--state-dir <dir>', 'where generated credentials and the state file live', '.snf/up')
    .option('--state-file <file>', 'JSON state file (default <state-dir>/state.json; REDIS_URL set: Redis key snf:up:state instead)')
    .option('--alerts <sink>', 'IDS alerts of the functions: stdout | file:<path> | kafka[:topic] | off', 'off')
    .option('--provider <name>', 'local (units as local processes) | kubernetes (Deployments + Services; default in a cluster: KUBERNETES_SERVICE_HOST set)')
    .option('--functions-provider-url <url>', 'the faas-netes proxy path: /system/* goes to this provider (default $functions_provider_url); units from EndpointSlices')
    .option('--kubeconfig <file>', 'kubernetes: kubeconfig (default KUBECONFIG, else the in-cluster service account)')
    .option('--function-namespace <ns>', 'kubernetes: the functions namespace (default $function_namespace, else openfaas-fn)')
    .action(async (f: Record<string, string | undefined>) => {
      const apiPort = port('--port', f.port!);
      const providerUrl = f.functionsProviderUrl ?? (process.env.functions_provider_url || undefined);
      const provider = f.provider ?? (process.env.KUBERNETES_SERVICE_HOST ? 'kubernetes' : 'local');
      if (provider !== 'local' && provider !== 'kubernetes') throw new ConfigError('--provider', `must be local or kubernetes, got ${JSON.stringify(provider)}`);
      if (providerUrl !== undefined && f.provider !== undefined) throw new ConfigError('--provider', 'give either --provider or a functions provider URL (the faas-netes proxy path), not both');
      if (providerUrl !== undefined && !/^https?:\/\/./.test(providerUrl)) throw new ConfigError('--functions-provider-url', `not an http(s) URL: ${JSON.stringify(providerUrl)}`);
      const metricsPort = port('--metrics-port', f.metricsPort!);
      const stateDir = resolve(f.stateDir!);
      const say = (line: string): void => void process.stderr.write(`snf up: ${line}\n`);
      const metrics = new SnfMetrics();
      const metricsServer = await startMetricsServer({ metrics, host: f.host!, port: metricsPort });
      // A start that fails (a bad kubeconfig, a port taken) closes the metrics listener too, so the process exits.
      const up = await startUp({
        port: apiPort, host: f.host!, stateDir, knownNfs: FUNCTION_NAMES, version: program.version() ?? 'dev', alerts: f.alerts!, log: say,
        ...(f.secrets !== undefined ? { secretsDir: resolve(f.secrets) } : {}),
        ...(f.stateFile !== undefined ? { stateFile: resolve(f.stateFile) } : {}),
        ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
        ...(process.env.SNF_FUNCTION ? { defaultNf: process.env.SNF_FUNCTION } : {}),
        ...(process.env.SNF_TOKEN ? { token: process.env.SNF_TOKEN } : {}),
        provider,
        ...(providerUrl !== undefined ? { providerUrl } : {}),
        kube: {
          namespace: f.functionNamespace ?? (process.env.function_namespace || 'openfaas-fn'),
          ...(f.kubeconfig !== undefined ? { kubeconfig: resolve(f.kubeconfig) } : {}),
        },
      }, { metrics }).catch(async (err: unknown) => {
        await metricsServer.close();
        throw err;
      });
      const url = `http://${f.host === '0.0.0.0' ? '127.0.0.1' : f.host}:${up.port}`;
      say(`OpenFaaS API on ${url} (basic auth; /function/<name> takes one raw IPv4 packet per request)`);
      say(`Prometheus metrics on http://${f.host === '0.0.0.0' ? '127.0.0.1' : f.host}:${metricsServer.port}/metrics (and /healthz)`);
      say(`state: ${up.stateWhere}${up.restored.restored.length > 0 ? `; restored ${up.restored.restored.join(', ')}` : ''}${up.restored.failed.length > 0 ? `; could not restore ${up.restored.failed.join(', ')}` : ''}`);
      const pwFile = up.generatedSecretsDir !== null ? `${up.generatedSecretsDir}/basic-auth-password` : `${resolve(f.secrets!)}/basic-auth-password`;
      if (up.generatedSecretsDir !== null) say(`credentials (user ${up.creds.user}) in ${up.generatedSecretsDir}`);
      process.stdout.write(`cat ${pwFile} | faas-cli login --gateway ${url} --username ${up.creds.user} --password-stdin\n`);
      say('ready');
      await new Promise<void>((done) => {
        const stop = (): void => void up.close().then(() => metricsServer.close()).then(done, done);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      say(`stopped; rejected requests: ${JSON.stringify(up.ctx.counters)}`);
    });
}
