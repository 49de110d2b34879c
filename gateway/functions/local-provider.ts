/**
 * The function-level local provider (`snf up`'s embedded default): each deployed function is one
 * SNF `Gateway` (gateway/gateway.ts) with its own packet ingress (stream + UDP port), whose units
 * are local `snf watchdog` processes; the controller's scaler decides how many between the
 * function's min and max, `scale` sets the floor. Deployments, floors, ports and secrets go to
 * the state store after every change and come back with `restore()`.
 */
import { Gateway, type GatewayDeps } from '../gateway';
import type { GatewayOptions } from '../options';
import type { FunctionSpec, SpecContext } from '../api/function-spec';
import { validateDeployment } from '../api/function-spec';
import { DEFAULT_NAMESPACE, type SecretEntry } from '../api/types';
import { functionGatewayOptions } from './function-gateway';
import { FunctionTable } from './function-table';
import { LogRing } from './log-ring';
import type { FunctionInfo, FunctionProvider } from './provider';
import type { PersistedState, StateStore } from './state-store';

export interface LocalProviderOptions {
  /** Cluster token the function gateways and their units share. */
  token: string;
  host: string;
  store: StateStore;
  /** Built-in NF names (for validating restored deployments) and SNF_FUNCTION. */
  knownNfs: readonly string[];
  defaultNf?: string;
  /** IDS alert sink of every function gateway (gateway --alerts syntax; default off). */
  alerts?: string;
  unitNodeFlags?: readonly string[];
  /** Tests: where units run (default local processes). */
  gatewayDeps?: GatewayDeps;
  /** Provider-level messages (a restore failure, …). */
  log?: (line: string) => void;
}

interface Running {
  spec: FunctionSpec;
  createdAt: string;
  gw: Gateway;
  logs: LogRing;
  minUnits: number;
  invocations: number;
}

export class LocalFunctionProvider extends FunctionTable<Running> implements FunctionProvider {
  readonly name = 'snf-local';
  readonly orchestration = 'local-process';
  private readonly secrets = new Map<string, { value?: string; rawValue?: string }>();
  /** Per-function operation chain: deploy/update/remove/scale of one function run one at a time. */
  private readonly ops = new Map<string, Promise<unknown>>();

  constructor(private readonly o: LocalProviderOptions) {
    super();
  }

  private serial<T>(name: string, op: () => Promise<T>): Promise<T> {
    const prev = this.ops.get(name) ?? Promise.resolve();
    const next = prev.then(op, op);
    this.ops.set(name, next.catch(() => {}));
    return next;
  }

  /** The spec's gateway options with the given ports (unset = the spec's own). */
  private optionsFor(spec: FunctionSpec, logs: LogRing, ports: { stream?: number; udp?: number }): GatewayOptions {
    return functionGatewayOptions(spec, {
      token: this.o.token, host: this.o.host, ports,
      ...(this.o.alerts !== undefined ? { alerts: this.o.alerts } : {}),
      ...(this.o.unitNodeFlags !== undefined ? { unitNodeFlags: this.o.unitNodeFlags } : {}),
      onUnitLog: (unit, chunk) => logs.write(`${spec.name}-unit-${unit}`, chunk),
    });
  }

  /** Starts the function's gateway; ports that are taken now fall back to any free port. */
  private async start(spec: FunctionSpec, logs: LogRing, ports: { stream?: number; udp?: number }): Promise<Gateway> {
    try {
      return await this.startWith(this.optionsFor(spec, logs, ports));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || (ports.stream === undefined && ports.udp === undefined)) throw err;
      return this.startWith(this.optionsFor(spec, logs, {}));
    }
  }

  private async startWith(opts: GatewayOptions): Promise<Gateway> {
    const gw = new Gateway(opts, this.o.gatewayDeps);
    await gw.start();
    return gw;
  }

  deploy(spec: FunctionSpec, restored?: { createdAt: string; minUnits?: number; streamPort?: number; udpPort?: number }): Promise<FunctionInfo> {
    return this.serial(spec.name, async () => {
      if (this.fns.has(spec.name)) throw new Error(`function ${spec.name} already exists`);
      const logs = new LogRing(spec.name, spec.namespace);
      const gw = await this.start(spec, logs, { stream: restored?.streamPort, udp: restored?.udpPort });
      const r: Running = { spec, createdAt: restored?.createdAt ?? new Date().toISOString(), gw, logs, minUnits: restored?.minUnits ?? spec.minUnits, invocations: 0 };
      gw.setMinUnits(r.minUnits);
      this.fns.set(spec.name, r);
      await this.persist();
      this.announce(r, restored ? 'restored' : 'deployed');
      return this.info(r);
    });
  }

  private announce(r: Running, what: string): void {
    this.o.log?.(`${what} ${r.spec.name}: nf ${r.spec.nf}, mode ${r.gw.routing.params.mode}/${r.gw.routing.state}, units ${r.minUnits}..${r.spec.maxUnits}, stream :${r.gw.streamPort}, udp :${r.gw.udpPort}`);
  }

  update(spec: FunctionSpec): Promise<FunctionInfo> {
    return this.serial(spec.name, async () => {
      const old = this.fns.get(spec.name);
      if (old === undefined) throw new Error(`function ${spec.name} not found`);
      const ports = { stream: old.gw.streamPort, udp: old.gw.udpPort };
      this.fns.delete(spec.name);
      await old.gw.stop();
      const gw = await this.start(spec, old.logs, ports);
      const r: Running = { spec, createdAt: old.createdAt, gw, logs: old.logs, minUnits: spec.minUnits, invocations: old.invocations };
      gw.setMinUnits(r.minUnits);
      this.fns.set(spec.name, r);
      await this.persist();
      this.announce(r, 'updated');
      return this.info(r);
    });
  }

  remove(name: string): Promise<boolean> {
    return this.serial(name, async () => {
      const r = this.fns.get(name);
      if (r === undefined) return false;
      this.fns.delete(name);
      await r.gw.stop();
      await this.persist();
      this.o.log?.(`removed ${name}`);
      return true;
    });
  }

  scale(name: string, replicas: number): Promise<boolean> {
    return this.serial(name, async () => {
      const r = this.fns.get(name);
      if (r === undefined) return false;
      r.minUnits = Math.max(1, Math.min(Math.floor(replicas), r.spec.maxUnits));
      r.gw.setMinUnits(r.minUnits);
      await this.persist();
      return true;
    });
  }

  protected info(r: Running): FunctionInfo {
    const c = r.gw.unitCounts();
    return {
      spec: r.spec, createdAt: r.createdAt, replicas: c.replicas, availableReplicas: c.available,
      streamPort: r.gw.streamPort, udpPort: r.gw.udpPort, minUnits: r.minUnits, invocations: r.invocations,
    };
  }

  protected gatewayOf(r: Running): Gateway {
    return r.gw;
  }

  protected logsOf(r: Running): LogRing {
    return r.logs;
  }

  listSecrets(): Array<{ name: string; namespace: string }> {
    return [...this.secrets.keys()].sort().map((name) => ({ name, namespace: DEFAULT_NAMESPACE }));
  }

  hasSecret(name: string): boolean {
    return this.secrets.has(name);
  }

  async putSecret(s: SecretEntry, mode: 'create' | 'update' | 'upsert'): Promise<boolean> {
    const exists = this.secrets.has(s.name);
    if ((mode === 'create' && exists) || (mode === 'update' && !exists)) return false;
    this.secrets.set(s.name, { ...(s.value !== undefined ? { value: s.value } : {}), ...(s.rawValue !== undefined ? { rawValue: s.rawValue } : {}) });
    await this.persist();
    return true;
  }

  async deleteSecret(name: string): Promise<boolean> {
    if (!this.secrets.delete(name)) return false;
    await this.persist();
    return true;
  }

  private persist(): Promise<void> {
    const s: PersistedState = {
      version: 1,
      functions: [...this.fns.values()].map((r) => ({
        deployment: r.spec.deployment, createdAt: r.createdAt, minUnits: r.minUnits, streamPort: r.gw.streamPort, udpPort: r.gw.udpPort,
      })),
      secrets: [...this.secrets].map(([name, v]) => ({ name, namespace: DEFAULT_NAMESPACE, ...v })),
    };
    return this.o.store.save(s);
  }

  specContext(): SpecContext {
    return { knownNfs: this.o.knownNfs, secrets: new Set(this.secrets.keys()), ...(this.o.defaultNf !== undefined ? { defaultNf: this.o.defaultNf } : {}) };
  }

  async restore(): Promise<{ restored: string[]; failed: string[] }> {
    const state = await this.o.store.load();
    const out = { restored: [] as string[], failed: [] as string[] };
    if (state === null) return out;
    for (const s of state.secrets) this.secrets.set(s.name, { ...(s.value !== undefined ? { value: s.value } : {}), ...(s.rawValue !== undefined ? { rawValue: s.rawValue } : {}) });
    for (const f of state.functions) {
      const name = f.deployment.service;
      try {
        const spec = validateDeployment(f.deployment, this.specContext());
        await this.deploy(spec, f);
        out.restored.push(name);
      } catch (err) {
        out.failed.push(name);
        this.o.log?.(`restore of ${String(name)} failed: ${(err as Error).message}`);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const all = [...this.fns.values()];
    this.fns.clear();
    await Promise.all(all.map((r) => r.gw.stop()));
    await this.o.store.close();
  }
}
