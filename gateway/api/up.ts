/**
 * `snf up` as a library: credentials, the function provider (local: with its state store, its
 * deployments restored; kubernetes: the cluster's functions found) and the API server. The CLI (cli/commands/up.ts) only parses flags and
 * prints; tests call `startUp` directly. `deps.metrics` is where a metrics server plugs in
 * (gateway/metrics/); by default nothing is recorded.
 */
import { randomBytes } from 'crypto';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { join } from 'path';
import { KubernetesFunctionProvider } from '../functions/kubernetes-provider';
import { kubeFunctionsApi } from '../functions/kube-functions-api';
import { LocalFunctionProvider } from '../functions/local-provider';
import { ProxyFunctionProvider } from '../functions/proxy-provider';
import { kubeApi } from '../units/kubernetes/kube-api';
import type { FunctionProvider } from '../functions/provider';
import { openStateStore } from '../functions/state-store';
import type { GatewayDeps } from '../gateway';
import { createApiApp } from './app';
import { newCounters, type ApiContext } from './context';
import { systemProxy } from './system-proxy';
import { ensureCredentials, readCredentials, type Credentials } from './auth';
import { DEFAULT_NAMESPACE, NO_METRICS, type ApiMetrics } from './types';

export interface UpOptions {
  port: number;
  host: string;
  /** Directory with basic-auth-user / basic-auth-password; unset = generate under stateDir/secrets. */
  secretsDir?: string;
  /** Where generated credentials and the default state file go. */
  stateDir: string;
  /** JSON state file (default stateDir/state.json); ignored when redisUrl is set. */
  stateFile?: string;
  redisUrl?: string;
  knownNfs: readonly string[];
  defaultNf?: string;
  version: string;
  sha?: string;
  /** IDS alerts of the functions (gateway --alerts syntax; default off). */
  alerts?: string;
  upstreamTimeoutMs?: number;
  log?: (line: string) => void;
  /** `local` (default: units as local processes) or `kubernetes` (SNF's own Kubernetes provider); ignored with providerUrl. */
  provider?: 'local' | 'kubernetes';
  /** The faas-netes proxy path: /system/* goes to this provider; units from EndpointSlices (kube settings). */
  providerUrl?: string;
  /** kubernetes: credentials (kubeconfig file, else KUBECONFIG, else in-cluster) and the functions namespace. */
  kube?: { kubeconfig?: string; namespace: string; startTimeoutMs?: number };
  /** Cluster token of the functions' gateways and units (default: random per run; kubernetes: give one that stays). */
  token?: string;
}

export interface UpDeps {
  metrics?: ApiMetrics;
  /** Tests: where the functions' units run. */
  gatewayDeps?: GatewayDeps;
}

export interface Up {
  port: number;
  creds: Credentials;
  /** Set when the credentials were generated: the directory holding them. */
  generatedSecretsDir: string | null;
  stateWhere: string;
  restored: { restored: string[]; failed: string[] };
  provider: FunctionProvider;
  ctx: ApiContext;
  /** Stops serving, drains every function's units; the state stays. */
  close(): Promise<void>;
}

export async function startUp(o: UpOptions, deps: UpDeps = {}): Promise<Up> {
  let creds: Credentials;
  let generatedSecretsDir: string | null = null;
  if (o.secretsDir !== undefined) creds = await readCredentials(o.secretsDir);
  else {
    const dir = join(o.stateDir, 'secrets');
    const r = await ensureCredentials(dir);
    creds = r.creds;
    generatedSecretsDir = dir;
  }
  const metrics = deps.metrics ?? NO_METRICS;
  const token = o.token ?? randomBytes(16).toString('hex');
  let provider: FunctionProvider;
  let stateWhere: string;
  if (o.providerUrl !== undefined) {
    const api = kubeApi(o.kube?.kubeconfig !== undefined ? { kubeconfig: o.kube.kubeconfig } : {});
    const namespace = o.kube?.namespace ?? DEFAULT_NAMESPACE;
    stateWhere = `the functions provider ${o.providerUrl} (units from EndpointSlices in ${namespace} at ${api.server})`;
    provider = new ProxyFunctionProvider({
      url: o.providerUrl, creds, api, namespace, token, host: '127.0.0.1', knownNfs: o.knownNfs,
      ...(o.kube?.startTimeoutMs !== undefined ? { startTimeoutMs: o.kube.startTimeoutMs } : {}),
      ...(o.defaultNf !== undefined ? { defaultNf: o.defaultNf } : {}),
      ...(o.alerts !== undefined ? { alerts: o.alerts } : {}),
      ...(o.log !== undefined ? { log: o.log } : {}),
      onGateway: (name, gw) => metrics.watch?.(`${name}.${DEFAULT_NAMESPACE}`, gw),
    });
  } else if (o.provider === 'kubernetes') {
    const api = kubeFunctionsApi(o.kube?.kubeconfig !== undefined ? { kubeconfig: o.kube.kubeconfig } : {});
    const namespace = o.kube?.namespace ?? DEFAULT_NAMESPACE;
    stateWhere = `kubernetes ${api.server}, namespace ${namespace}`;
    provider = new KubernetesFunctionProvider({
      api, namespace, token, host: '127.0.0.1', knownNfs: o.knownNfs,
      ...(o.kube?.startTimeoutMs !== undefined ? { startTimeoutMs: o.kube.startTimeoutMs } : {}),
      ...(o.defaultNf !== undefined ? { defaultNf: o.defaultNf } : {}),
      ...(o.alerts !== undefined ? { alerts: o.alerts } : {}),
      ...(o.log !== undefined ? { log: o.log } : {}),
      onGateway: (name, gw) => metrics.watch?.(`${name}.${DEFAULT_NAMESPACE}`, gw),
    });
  } else {
    const store = await openStateStore(o.stateFile ?? join(o.stateDir, 'state.json'), o.redisUrl);
    stateWhere = store.where;
    provider = new LocalFunctionProvider({
      token, host: '127.0.0.1', store, knownNfs: o.knownNfs,
      ...(o.defaultNf !== undefined ? { defaultNf: o.defaultNf } : {}),
      ...(o.alerts !== undefined ? { alerts: o.alerts } : {}),
      ...(deps.gatewayDeps !== undefined ? { gatewayDeps: deps.gatewayDeps } : {}),
      ...(o.log !== undefined ? { log: o.log } : {}),
    });
  }
  const restored = await provider.restore();
  for (const f of provider.list()) {
    const label = `${f.spec.name}.${f.spec.namespace}`;
    metrics.setReplicas(label, f.replicas);
    const gw = provider.gateway(f.spec.name);
    if (gw !== undefined) metrics.watch?.(label, gw);
  }
  const ctx: ApiContext = {
    provider, metrics, creds, version: o.version, sha: o.sha ?? 'unknown',
    upstreamTimeoutMs: o.upstreamTimeoutMs ?? 60_000, counters: newCounters(), followers: new Set(),
  };
  if (provider instanceof ProxyFunctionProvider) {
    const proxy = provider;
    ctx.systemProxy = systemProxy(o.providerUrl!, ctx.counters, ctx.upstreamTimeoutMs, (name) => proxy.forget(name));
  }
  const server: Server = createApiApp(ctx).listen(o.port, o.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    await provider.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const res of ctx.followers) res.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      for (const f of provider.list()) metrics.unwatch?.(`${f.spec.name}.${f.spec.namespace}`);
      await provider.close();
    })();
    return closing;
  };
  return { port, creds, generatedSecretsDir, stateWhere, restored, provider, ctx, close };
}
