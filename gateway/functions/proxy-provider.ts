/**
 * The faas-netes proxy path (`functions_provider_url` set): every `/system/*` call goes on to the
 * provider unchanged (gateway/api/system-proxy.ts), so deploy, scale, secrets and logs are
 * faas-netes' business; SNF adds only the flowlet routing: on a function's first invocation it
 * asks the provider for it (GET /system/function/<name>, as the stock gateway's replica lookup
 * does), reads its SNF settings from its labels and annotations, and starts a gateway whose
 * units are the ready endpoints of the function's Service's EndpointSlices. The controller's
 * scaler acts through the provider (POST /system/scale-function/<name>) within the min/max
 * labels. A proxied update or removal of the function drops its gateway (the next invocation
 * looks it up again).
 */
import type { KubeApi } from '../units/kubernetes/kube-api';
import { REPORTED_KEYS, validateDeployment, type FunctionSpec, type SpecContext } from '../api/function-spec';
import type { Credentials } from '../api/auth';
import type { FunctionStatus } from '../api/types';
import type { FunctionInfo, FunctionProvider } from './provider';
import { SliceGateway } from './slice-gateway';
import { SliceFunctions, sliceSettings, type SliceProviderOptions } from './slice-functions';

export interface ProxyProviderOptions extends SliceProviderOptions {
  /** The provider's base URL (`functions_provider_url`, e.g. http://127.0.0.1:8081/). */
  url: string;
  /** Basic auth sent to the provider (the gateway's own credentials, as the stock gateway does). */
  creds: Credentials;
  api: KubeApi;
}

interface Known {
  run: SliceGateway;
  createdAt: string;
  invocations: number;
}

const PROXIED = 'the faas-netes proxy path: /system/* goes to the provider';

export class ProxyFunctionProvider extends SliceFunctions<Known> implements FunctionProvider {
  readonly name = 'faas-netes-proxy';
  readonly orchestration = 'kubernetes';
  private readonly lookups = new Map<string, Promise<boolean>>();
  readonly counters = { lookups: 0, lookupErrors: 0, scales: 0, scaleErrors: 0 };

  constructor(private readonly o: ProxyProviderOptions) {
    super();
  }

  private authHeader(): string {
    return `Basic ${Buffer.from(`${this.o.creds.user}:${this.o.creds.password}`).toString('base64')}`;
  }

  private upstream(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(new URL(path, this.o.url.endsWith('/') ? this.o.url : `${this.o.url}/`), {
      ...init, headers: { authorization: this.authHeader(), ...(init.headers ?? {}) }, signal: AbortSignal.timeout(10_000),
    });
  }

  /** Finds a function the provider has and starts its gateway; false when the provider does not know it. */
  lookup(name: string): Promise<boolean> {
    if (this.fns.has(name)) return Promise.resolve(true);
    let p = this.lookups.get(name);
    if (p === undefined) {
      p = this.find(name).finally(() => this.lookups.delete(name));
      this.lookups.set(name, p);
    }
    return p;
  }

  private async find(name: string): Promise<boolean> {
    this.counters.lookups++;
    let status: FunctionStatus;
    try {
      const r = await this.upstream(`system/function/${encodeURIComponent(name)}`);
      if (r.status === 404) return false;
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${(await r.text()).slice(0, 200)}`);
      status = (await r.json()) as FunctionStatus;
    } catch (err) {
      this.counters.lookupErrors++;
      this.o.log?.(`provider ${this.o.url}: looking up ${name} failed: ${(err as Error).message}`);
      return false;
    }
    let spec: FunctionSpec;
    try {
      // The ingress ports a provider reports (an `snf up` does) are its own, not settings for this gateway.
      const annotations = Object.fromEntries(Object.entries(status.annotations ?? {}).filter(([k]) => !REPORTED_KEYS.includes(k)));
      spec = validateDeployment({ ...status, annotations, service: name, namespace: undefined, secrets: [] }, this.specContext());
    } catch (err) {
      this.counters.lookupErrors++;
      this.o.log?.(`${name}: not an SNF network function: ${(err as Error).message}`);
      return false;
    }
    const run = new SliceGateway(spec, {
      ...sliceSettings(this.o), api: this.o.api, setReplicas: (fn, n) => this.setReplicas(fn, n),
    }, Math.max(spec.minUnits, status.replicas ?? 0));
    this.fns.set(name, { run, createdAt: status.createdAt ?? new Date().toISOString(), invocations: 0 });
    run.start();
    return run.up().then(() => true);
  }

  /** The scaler's replicas, through the provider (stock SetReplicas: POST scale-function, 200 or 202). */
  private async setReplicas(name: string, replicas: number): Promise<void> {
    const r = await this.upstream(`system/scale-function/${encodeURIComponent(name)}`, { method: 'POST', body: JSON.stringify({ serviceName: name, replicas }) });
    if (r.status !== 200 && r.status !== 202) {
      this.counters.scaleErrors++;
      throw new Error(`provider scale-function ${name}: HTTP ${r.status}`);
    }
    this.counters.scales++;
  }

  /** A proxied update or removal changed the function: its gateway goes (looked up again on use). */
  forget(name: string): void {
    const k = this.fns.get(name);
    if (k === undefined) return;
    this.fns.delete(name);
    this.o.log?.(`${name}: changed at the provider; its gateway stopped`);
    void k.run.stop();
  }

  protected info(k: Known): FunctionInfo {
    const gw = k.run.gw;
    return {
      spec: k.run.spec, createdAt: k.createdAt, replicas: k.run.minUnits, availableReplicas: k.run.available(),
      streamPort: gw?.streamPort ?? 0, udpPort: gw?.udpPort ?? 0, minUnits: k.run.minUnits, invocations: k.invocations,
    };
  }





  /** Alertmanager's /system/alert (answered by the gateway, as stock): through the provider. */
  async scale(name: string, replicas: number): Promise<boolean> {
    await this.setReplicas(name, replicas);
    this.fns.get(name)?.run.setMinUnits(replicas);
    return true;
  }



  specContext(): SpecContext {
    return { knownNfs: this.o.knownNfs, secrets: new Set(), ...(this.o.defaultNf !== undefined ? { defaultNf: this.o.defaultNf } : {}) };
  }

  // Deploy, update, remove and secrets are the provider's (proxied); these are never reached.
  deploy(): Promise<FunctionInfo> {
    return Promise.reject(new Error(PROXIED));
  }
  update(): Promise<FunctionInfo> {
    return Promise.reject(new Error(PROXIED));
  }
  remove(): Promise<boolean> {
    return Promise.reject(new Error(PROXIED));
  }
  listSecrets(): Array<{ name: string; namespace: string }> {
    return [];
  }
  hasSecret(): boolean {
    return false;
  }
  putSecret(): Promise<boolean> {
    return Promise.reject(new Error(PROXIED));
  }
  deleteSecret(): Promise<boolean> {
    return Promise.reject(new Error(PROXIED));
  }

  restore(): Promise<{ restored: string[]; failed: string[] }> {
    return Promise.resolve({ restored: [], failed: [] });
  }

  async close(): Promise<void> {
    const all = [...this.fns.values()];
    this.fns.clear();
    await Promise.all(all.map((k) => k.run.stop()));
  }
}
