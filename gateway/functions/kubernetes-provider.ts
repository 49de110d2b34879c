/**
 * SNF's own Kubernetes function provider (`snf up --provider kubernetes`, or in-cluster), for
 * clusters without faas-netes. A deployed function is a Deployment and a Service in the
 * functions namespace, built as faas-netes builds them (kube-objects.ts); each function also
 * gets an SNF `Gateway` here whose units are the ready endpoints of that Service's
 * EndpointSlices (gateway/units/kubernetes/), so packets are routed by flowlet onto the pods,
 * and whose scaler sets the Deployment's replicas within the min/max labels.
 *
 * The functions are what the cluster holds: the provider lists and watches the Deployments
 * labelled `faas_function` (list/describe read replicas back from them), adopts ones it did not
 * create (a restart, a second gateway), and a Deployment deleted behind its back takes the
 * function away: its gateway is stopped, its Service deleted, and it is reported (log line,
 * `deletedOutside`). A function's gateway starts in the background after the deploy answers
 * (faas-netes answers 202 once the objects exist); until its first unit is ready it is not
 * invokable; a start that fails (no ready endpoint in time) is logged and tried again.
 */
import { SnfError } from '../../sdk/errors';
import { resolveRouting, unitEnvFor } from '../options';
import { kubeErrorText, ListWatch } from '../units/kubernetes/list-watch';
import { validateDeployment, type FunctionSpec, type SpecContext } from '../api/function-spec';
import { DEFAULT_NAMESPACE, type SecretEntry } from '../api/types';
import { functionGatewayOptions } from './function-gateway';
import { statusOf, type KubeFunctionsApi } from './kube-functions-api';
import { deploymentFor, deploymentOf, FUNCTION_LABEL, MANAGED_BY, secretFor, serviceFor, tokenSecret } from './kube-objects';
import { SliceGateway } from './slice-gateway';
import { SliceFunctions, sliceSettings, type SliceProviderOptions } from './slice-functions';
import type { FunctionInfo, FunctionProvider } from './provider';

type Obj = Record<string, any>;

export interface KubeProviderOptions extends SliceProviderOptions {
  api: KubeFunctionsApi;
}

interface Fn {
  spec: FunctionSpec;
  createdAt: string;
  dep: Obj;
  invocations: number;
  run: SliceGateway;
}

export interface KubeProviderCounters {
  adopted: number;
  deletedOutside: number;
  skipped: number;
}

export class KubernetesFunctionProvider extends SliceFunctions<Fn> implements FunctionProvider {
  readonly name = 'snf-kubernetes';
  readonly orchestration = 'kubernetes';
  readonly counters: KubeProviderCounters = { adopted: 0, deletedOutside: 0, skipped: 0 };
  private readonly secrets = new Set<string>();
  /** Names a deploy/update/remove of ours is changing right now: the watch leaves them alone. */
  private readonly busy = new Set<string>();
  private readonly ops = new Map<string, Promise<unknown>>();
  private lw: ListWatch<Obj> | null = null;

  constructor(private readonly o: KubeProviderOptions) {
    super();
  }

  private say(line: string): void {
    this.o.log?.(line);
  }

  private serial<T>(name: string, op: () => Promise<T>): Promise<T> {
    const prev = this.ops.get(name) ?? Promise.resolve();
    const next = prev.then(op, op);
    this.ops.set(name, next.catch(() => {}));
    return next;
  }

  // ---- the cluster's functions --------------------------------------------------------------

  /** Token Secret, the secrets, then list + watch the functions' Deployments. */
  async restore(): Promise<{ restored: string[]; failed: string[] }> {
    const ns = this.o.namespace;
    const api = this.o.api;
    try {
      await api.applySecret(ns, tokenSecret(this.o.token, ns), false).catch(async (err) => {
        if (statusOf(err) !== 409) throw err;
        await api.applySecret(ns, tokenSecret(this.o.token, ns), true);
      });
      for (const s of await api.listSecrets(ns, 'app.kubernetes.io/managed-by=openfaas')) this.secrets.add(s.metadata?.name as string);
    } catch (err) {
      throw new SnfError('SNF_ERR_CONFIG', `kubernetes ${api.server}: cannot use namespace ${ns}: ${kubeErrorText(err)}`);
    }
    const out = { restored: [] as string[], failed: [] as string[] };
    let first = true;
    this.lw = new ListWatch<Obj>({
      server: api.server,
      list: () => api.listDeployments(ns, FUNCTION_LABEL),
      watch: (rv, onEvent, done) => api.watchDeployments(ns, FUNCTION_LABEL, rv, onEvent, done),
    }, {
      reset: (items) => {
        const seen = new Set<string>();
        for (const d of items) {
          const name = d.metadata?.name as string;
          seen.add(name);
          const ok = this.seen(d);
          if (first) (ok ? out.restored : out.failed).push(name);
        }
        first = false;
        for (const name of [...this.fns.keys()]) if (!seen.has(name)) this.deletedOutside(name);
      },
      event: (type, d) => (type === 'DELETED' ? this.deletedOutside(d.metadata?.name as string) : void this.seen(d)),
      failed: (why, ms) => this.say(`kubernetes deployments in ${ns}: ${why}; again in ${ms} ms`),
    }, this.o.backoffMs ?? { min: 1000, max: 10000 });
    await this.lw.synced();
    return out;
  }

  /** A Deployment from the list or the watch: refresh a known function, adopt an unknown one. */
  private seen(d: Obj): boolean {
    const name = d.metadata?.name as string;
    if (this.busy.has(name)) return true;
    const f = this.fns.get(name);
    if (f !== undefined) {
      f.dep = d;
      return true;
    }
    const deployment = deploymentOf(d);
    if (deployment === null) {
      this.counters.skipped++;
      this.say(`deployment ${this.o.namespace}/${name} has no ${FUNCTION_LABEL} spec annotation from SNF: not served here`);
      return false;
    }
    try {
      const spec = validateDeployment(deployment, this.specContext());
      const created = d.metadata?.creationTimestamp;
      this.add(spec, d, created instanceof Date ? created.toISOString() : String(created ?? new Date().toISOString()));
      this.counters.adopted++;
      this.say(`found ${name} in ${this.o.namespace}: serving it`);
      return true;
    } catch (err) {
      this.counters.skipped++;
      this.say(`deployment ${this.o.namespace}/${name}: cannot serve it: ${(err as Error).message}`);
      return false;
    }
  }

  /** The Deployment went away without us: the function goes, reported. */
  private deletedOutside(name: string): void {
    const f = this.fns.get(name);
    if (f === undefined || this.busy.has(name)) return;
    this.counters.deletedOutside++;
    this.fns.delete(name);
    const msg = `function ${name}: its Deployment ${this.o.namespace}/${name} was deleted outside SNF; function removed`;
    this.say(msg);
    f.run.logs.write('snf-gateway', `${msg}\n`);
    void f.run.stop().then(() => this.o.api.deleteService(this.o.namespace, name)).catch((err) => {
      this.say(`function ${name}: deleting its Service failed: ${kubeErrorText(err)}`);
    });
  }

  private add(spec: FunctionSpec, dep: Obj, createdAt: string): Fn {
    const minUnits = Math.max(1, (dep.spec?.replicas as number | undefined) ?? spec.minUnits);
    const run = new SliceGateway(spec, { ...sliceSettings(this.o), api: this.o.api.units }, minUnits);
    const f: Fn = { spec, createdAt, dep, invocations: 0, run };
    this.fns.set(spec.name, f);
    run.start();
    return f;
  }

  // ---- FunctionProvider ---------------------------------------------------------------------

  private objects(spec: FunctionSpec): { dep: Obj; svc: Obj } {
    const opts = functionGatewayOptions(spec, { token: this.o.token, host: this.o.host });
    const unitEnv = unitEnvFor(opts, resolveRouting(opts), `${spec.name}.${this.o.namespace}`);
    delete unitEnv.SNF_STATE_NS;
    return { dep: deploymentFor(spec, { namespace: this.o.namespace, unitEnv }), svc: serviceFor(spec, this.o.namespace) };
  }

  private async changing<T>(name: string, op: () => Promise<T>): Promise<T> {
    this.busy.add(name);
    try {
      return await op();
    } finally {
      this.busy.delete(name);
    }
  }

  deploy(spec: FunctionSpec): Promise<FunctionInfo> {
    return this.serial(spec.name, () => this.changing(spec.name, async () => {
      if (this.fns.has(spec.name)) throw new Error(`function ${spec.name} already exists`);
      const ns = this.o.namespace;
      const { dep, svc } = this.objects(spec);
      const made = await this.o.api.applyDeployment(ns, dep, false);
      try {
        await this.o.api.applyService(ns, svc, false).catch((err) => {
          if (statusOf(err) !== 409) throw err;
          return this.o.api.applyService(ns, svc, true);
        });
      } catch (err) {
        await this.o.api.deleteDeployment(ns, spec.name).catch(() => false);
        throw err;
      }
      const f = this.add(spec, made, new Date().toISOString());
      this.say(`deployed ${spec.name}: Deployment and Service ${ns}/${spec.name}, nf ${spec.nf}, replicas ${spec.minUnits}..${spec.maxUnits}`);
      return this.info(f);
    }));
  }

  update(spec: FunctionSpec): Promise<FunctionInfo> {
    return this.serial(spec.name, () => this.changing(spec.name, async () => {
      const old = this.fns.get(spec.name);
      if (old === undefined) throw new Error(`function ${spec.name} not found`);
      const { dep, svc } = this.objects(spec);
      const made = await this.o.api.applyDeployment(this.o.namespace, dep, true);
      await this.o.api.applyService(this.o.namespace, svc, true);
      await old.run.stop();
      this.fns.delete(spec.name);
      const f = this.add(spec, made, old.createdAt);
      f.invocations = old.invocations;
      this.say(`updated ${spec.name}`);
      return this.info(f);
    }));
  }

  remove(name: string): Promise<boolean> {
    return this.serial(name, () => this.changing(name, async () => {
      const f = this.fns.get(name);
      if (f === undefined) return false;
      this.fns.delete(name);
      await f.run.stop();
      await this.o.api.deleteDeployment(this.o.namespace, name);
      await this.o.api.deleteService(this.o.namespace, name);
      this.say(`removed ${name}: Deployment and Service ${this.o.namespace}/${name} deleted`);
      return true;
    }));
  }

  scale(name: string, replicas: number): Promise<boolean> {
    return this.serial(name, async () => {
      const f = this.fns.get(name);
      if (f === undefined) return false;
      const n = Math.max(1, Math.min(Math.floor(replicas), f.spec.maxUnits));
      await this.o.api.units.setReplicas(this.o.namespace, name, n);
      f.dep = { ...f.dep, spec: { ...f.dep.spec, replicas: n } };
      f.run.setMinUnits(n);
      return true;
    });
  }

  protected info(f: Fn): FunctionInfo {
    const available = Math.max((f.dep.status?.availableReplicas as number | undefined) ?? 0, f.run.available());
    const gw = f.run.gw;
    return {
      spec: f.spec, createdAt: f.createdAt, replicas: (f.dep.spec?.replicas as number | undefined) ?? 0, availableReplicas: available,
      streamPort: gw?.streamPort ?? 0, udpPort: gw?.udpPort ?? 0, minUnits: f.run.minUnits, invocations: f.invocations,
    };
  }







  listSecrets(): Array<{ name: string; namespace: string }> {
    return [...this.secrets].sort().map((name) => ({ name, namespace: DEFAULT_NAMESPACE }));
  }

  hasSecret(name: string): boolean {
    return this.secrets.has(name);
  }

  async putSecret(s: SecretEntry, mode: 'create' | 'update' | 'upsert'): Promise<boolean> {
    const exists = this.secrets.has(s.name);
    if ((mode === 'create' && exists) || (mode === 'update' && !exists)) return false;
    const body = secretFor(s, this.o.namespace);
    body.metadata.labels = { ...MANAGED_BY };
    await this.o.api.applySecret(this.o.namespace, body, exists);
    this.secrets.add(s.name);
    return true;
  }

  async deleteSecret(name: string): Promise<boolean> {
    if (!this.secrets.delete(name)) return false;
    await this.o.api.deleteSecret(this.o.namespace, name);
    return true;
  }

  specContext(): SpecContext {
    return { knownNfs: this.o.knownNfs, secrets: new Set(this.secrets), ...(this.o.defaultNf !== undefined ? { defaultNf: this.o.defaultNf } : {}) };
  }

  stats(): Record<string, unknown> {
    let startFailures = 0;
    for (const f of this.fns.values()) startFailures += f.run.startFailures;
    return { ...this.counters, startFailures, functions: this.fns.size, watch: this.lw === null ? null : { ...this.lw.counters, lastError: this.lw.lastError } };
  }

  /** Stops every function's gateway; the cluster's objects stay (the functions live on there). */
  async close(): Promise<void> {
    this.lw?.close();
    const all = [...this.fns.values()];
    this.fns.clear();
    await Promise.all(all.map((f) => f.run.stop()));
  }
}
