/**
 * The Kubernetes calls of SNF's own function provider (kubernetes-provider.ts), over
 * @kubernetes/client-node: a function's Deployment and Service, the functions' Secrets, and a
 * list/watch of the functions' Deployments (label `faas_function`). The RBAC this needs, in the
 * functions namespace (charts/snf grants exactly this with `gateway.provider: kubernetes`):
 * `apps` deployments get/list/watch/create/update/delete (+ deployments/scale get/patch, by the
 * unit provider); core services create/update/delete; core secrets get/list/create/update/delete.
 */
import type * as K8s from '@kubernetes/client-node';
import { k8s, kubeApi, loadKubeConfig, watchPath, type KubeApi, type KubeTarget, type WatchEventType } from '../units/kubernetes/kube-api';

type Obj = Record<string, any>;

export interface KubeFunctionsApi {
  readonly server: string;
  /** The unit-level calls (EndpointSlices, scale subresource), same credentials. */
  readonly units: KubeApi;
  listDeployments(namespace: string, labelSelector: string): Promise<{ items: Obj[]; resourceVersion: string }>;
  watchDeployments(namespace: string, labelSelector: string, rv: string, onEvent: (type: WatchEventType, obj: Obj) => void, done: (err: Error | null) => void): Promise<() => void>;
  /** Creates, or (`replace`) replaces keeping the server's resourceVersion. */
  applyDeployment(namespace: string, body: Obj, replace: boolean): Promise<Obj>;
  applyService(namespace: string, body: Obj, replace: boolean): Promise<void>;
  /** false when it was not there. */
  deleteDeployment(namespace: string, name: string): Promise<boolean>;
  deleteService(namespace: string, name: string): Promise<boolean>;
  listSecrets(namespace: string, labelSelector: string): Promise<Obj[]>;
  /** Creates, or (`replace`) replaces. */
  applySecret(namespace: string, body: Obj, replace: boolean): Promise<void>;
  deleteSecret(namespace: string, name: string): Promise<boolean>;
}

/** The HTTP status of an API error (client-node ApiException `code`), or 0. */
export function statusOf(err: unknown): number {
  const c = (err as { code?: unknown })?.code;
  return typeof c === 'number' ? c : 0;
}

async function gone(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

class ClientNodeFunctionsApi implements KubeFunctionsApi {
  readonly server: string;
  readonly units: KubeApi;
  private readonly apps: K8s.AppsV1Api;
  private readonly core: K8s.CoreV1Api;
  private readonly watcher: K8s.Watch;

  constructor(t: KubeTarget, env: NodeJS.ProcessEnv) {
    const kc = loadKubeConfig(t, env);
    const lib = k8s();
    this.server = kc.getCurrentCluster()!.server;
    this.units = kubeApi(t, env);
    this.apps = kc.makeApiClient(lib.AppsV1Api);
    this.core = kc.makeApiClient(lib.CoreV1Api);
    this.watcher = new lib.Watch(kc);
  }

  async listDeployments(namespace: string, labelSelector: string): Promise<{ items: Obj[]; resourceVersion: string }> {
    const l = await this.apps.listNamespacedDeployment({ namespace, labelSelector });
    return { items: l.items as Obj[], resourceVersion: l.metadata?.resourceVersion ?? '' };
  }

  watchDeployments(namespace: string, labelSelector: string, rv: string, onEvent: (type: WatchEventType, obj: Obj) => void, done: (err: Error | null) => void): Promise<() => void> {
    return watchPath(this.watcher, `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`, labelSelector, rv, onEvent, done);
  }

  async applyDeployment(namespace: string, body: Obj, replace: boolean): Promise<Obj> {
    const name = body.metadata.name as string;
    if (!replace) return (await this.apps.createNamespacedDeployment({ namespace, body: body as K8s.V1Deployment })) as Obj;
    const cur = await this.apps.readNamespacedDeployment({ name, namespace });
    const next = { ...body, metadata: { ...body.metadata, resourceVersion: cur.metadata?.resourceVersion } };
    return (await this.apps.replaceNamespacedDeployment({ name, namespace, body: next as K8s.V1Deployment })) as Obj;
  }

  async applyService(namespace: string, body: Obj, replace: boolean): Promise<void> {
    const name = body.metadata.name as string;
    if (!replace) {
      await this.core.createNamespacedService({ namespace, body: body as K8s.V1Service });
      return;
    }
    const cur = await this.core.readNamespacedService({ name, namespace });
    // A Service keeps its clusterIP(s): carry them over.
    const spec = { ...body.spec, clusterIP: cur.spec?.clusterIP, clusterIPs: cur.spec?.clusterIPs };
    await this.core.replaceNamespacedService({ name, namespace, body: { ...body, spec, metadata: { ...body.metadata, resourceVersion: cur.metadata?.resourceVersion } } as K8s.V1Service });
  }

  deleteDeployment(namespace: string, name: string): Promise<boolean> {
    return gone(this.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Background' }));
  }

  deleteService(namespace: string, name: string): Promise<boolean> {
    return gone(this.core.deleteNamespacedService({ name, namespace }));
  }

  async listSecrets(namespace: string, labelSelector: string): Promise<Obj[]> {
    return (await this.core.listNamespacedSecret({ namespace, labelSelector })).items as Obj[];
  }

  async applySecret(namespace: string, body: Obj, replace: boolean): Promise<void> {
    if (replace) await this.core.replaceNamespacedSecret({ name: body.metadata.name as string, namespace, body: body as K8s.V1Secret });
    else await this.core.createNamespacedSecret({ namespace, body: body as K8s.V1Secret });
  }

  deleteSecret(namespace: string, name: string): Promise<boolean> {
    return gone(this.core.deleteNamespacedSecret({ name, namespace }));
  }
}

/** The functions API over @kubernetes/client-node; throws SNF_ERR_CONFIG for bad credentials. */
export function kubeFunctionsApi(t: KubeTarget = {}, env: NodeJS.ProcessEnv = process.env): KubeFunctionsApi {
  return new ClientNodeFunctionsApi(t, env);
}
