/**
 * One function's SNF gateway whose units are the ready endpoints of its Service's EndpointSlices
 * (gateway/units/kubernetes/): used by SNF's own Kubernetes provider and by the faas-netes proxy
 * path. It starts in the background; a start that fails (no ready endpoint in time, the API
 * unreachable) is logged and tried again after a backoff (doubling to its max) until stopped.
 * The controller's scaler acts through `setReplicas` (the Deployment's scale subresource, or
 * faas-netes' scale-function), within the function's min/max labels.
 */
import { Gateway } from '../gateway';
import type { KubeApi } from '../units/kubernetes/kube-api';
import { KubernetesUnitProvider } from '../units/kubernetes/kubernetes-provider';
import type { FunctionSpec } from '../api/function-spec';
import { functionGatewayOptions } from './function-gateway';
import { LogRing } from './log-ring';

export interface SliceGatewaySettings {
  api: KubeApi;
  /** Functions namespace in the cluster (default `openfaas-fn`). */
  namespace: string;
  /** Cluster token: the function gateways' and, through Secret snf-cluster-token, the unit pods'. */
  token: string;
  /** Address the functions' packet ingress binds to. */
  host: string;
  alerts?: string;
  /** How long a start waits for the first units' endpoints (default 60 s). */
  startTimeoutMs?: number;
  /** Between start attempts and API retries (default 1 s … 10 s). */
  backoffMs?: { min: number; max: number };
  log?: (line: string) => void;
  /** A function's gateway came up (metrics watch it). */
  onGateway?: (name: string, gw: Gateway) => void;
  /** How the scaler sets replicas; unset = the Deployment's scale subresource. */
  setReplicas?: (name: string, replicas: number) => Promise<void>;
}

export class SliceGateway {
  gw: Gateway | null = null;
  units: KubernetesUnitProvider | null = null;
  readonly logs: LogRing;
  startFailures = 0;
  private epoch = 0;
  private retry: NodeJS.Timeout | null = null;
  private readonly waiting: Array<(ok: boolean) => void> = [];

  constructor(readonly spec: FunctionSpec, private readonly s: SliceGatewaySettings, public minUnits: number, logs?: LogRing) {
    this.logs = logs ?? new LogRing(spec.name, spec.namespace);
  }

  private note(line: string): void {
    this.logs.write('snf-gateway', `${line}\n`);
  }

  /** Starts (again) in the background. */
  start(backoff = this.s.backoffMs?.min ?? 1000): void {
    const epoch = ++this.epoch;
    const spec = this.spec;
    const name = spec.name;
    const set = this.s.setReplicas;
    const opts = functionGatewayOptions(spec, { token: this.s.token, host: this.s.host, ...(this.s.alerts !== undefined ? { alerts: this.s.alerts } : {}) });
    // No warm standby unless the function asks (--standby-units): here a standby is one more pod of
    // the Deployment, beyond its min replicas, which the operator sized.
    opts.controller = { standbyUnits: 0, ...opts.controller };
    const gw = new Gateway(opts, {
      provider: () => (this.units = new KubernetesUnitProvider({
        api: this.s.api, namespace: this.s.namespace, service: name, deployment: name, startTimeoutMs: this.s.startTimeoutMs ?? 60_000, maxUnits: spec.maxUnits,
        replicas: { min: spec.minUnits, max: spec.maxUnits, ...(set !== undefined ? { set: (n: number) => set(name, n) } : {}) },
        onLog: (line) => this.note(line),
      })),
    });
    gw.start().then(() => {
      if (this.epoch !== epoch) return void gw.stop();
      this.gw = gw;
      gw.setMinUnits(this.minUnits);
      this.note(`gateway up: stream :${gw.streamPort}, udp :${gw.udpPort}`);
      this.s.log?.(`${name}: gateway up (units from the EndpointSlices of ${this.s.namespace}/${name}), stream :${gw.streamPort}, udp :${gw.udpPort}`);
      this.s.onGateway?.(name, gw);
      this.settle(true);
    }, (err: unknown) => {
      this.startFailures++;
      if (this.epoch !== epoch) return;
      const msg = `${name}: gateway not started: ${(err as Error).message}; again in ${backoff} ms`;
      this.note(msg);
      this.s.log?.(msg);
      this.settle(false);
      this.retry = setTimeout(() => {
        this.retry = null;
        if (this.epoch === epoch) this.start(Math.min(backoff * 2, this.s.backoffMs?.max ?? 10_000));
      }, backoff);
    });
  }

  private settle(ok: boolean): void {
    for (const w of this.waiting.splice(0)) w(ok);
  }

  /** Resolves true once up, false when the current start attempt failed or it was stopped. */
  up(): Promise<boolean> {
    if (this.gw !== null) return Promise.resolve(true);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  setMinUnits(n: number): void {
    this.minUnits = n;
    this.gw?.setMinUnits(n);
  }

  /** Ready endpoints found for the function. */
  available(): number {
    return this.units?.list().length ?? 0;
  }

  async stop(): Promise<void> {
    this.epoch++;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.settle(false);
    const gw = this.gw;
    this.gw = null;
    this.units = null;
    if (gw !== null) await gw.stop();
  }
}
