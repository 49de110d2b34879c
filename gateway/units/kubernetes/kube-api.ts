/**
 * The few Kubernetes API calls the Kubernetes unit provider makes, over @kubernetes/client-node:
 * list and watch a Service's EndpointSlices, set a Deployment's replicas through its scale
 * subresource. RBAC needed (charts/snf grants exactly this, in the functions namespace):
 * `discovery.k8s.io` endpointslices list/watch; `apps` deployments/scale patch (SNF's own
 * provider only: the proxy path scales through faas-netes).
 *
 * Credentials: a kubeconfig file when one is given (or KUBECONFIG is set), else the in-cluster
 * service account when KUBERNETES_SERVICE_HOST is set. A kubeconfig that is missing, unreadable,
 * not YAML, or has no current cluster fails here with SNF_ERR_CONFIG naming the file.
 *
 * client-node is an ES module; it is loaded with Node's require (Node ≥ 20.19 loads ES modules
 * that way), so the rest of the gateway stays CommonJS.
 */
import * as fs from 'fs';
import type * as K8s from '@kubernetes/client-node';
import { ConfigError } from '../../../sdk/errors';
import type { SliceLike } from './slices';

export interface KubeTarget {
  /** kubeconfig file; default KUBECONFIG, else in-cluster. */
  kubeconfig?: string;
  /** Context in that file; default its current-context. */
  context?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** What the provider needs (an interface, so its logic is tested without a server too). */
export interface KubeApi {
  /** Where it talks to (for messages). */
  readonly server: string;
  listSlices(namespace: string, labelSelector: string): Promise<{ items: SliceLike[]; resourceVersion: string }>;
  /** Watches from `resourceVersion`; `done` once when the watch ends (err null: the server closed it). Returns the stop function. */
  watchSlices(
    namespace: string, labelSelector: string, resourceVersion: string,
    onEvent: (type: WatchEventType, obj: SliceLike) => void, done: (err: Error | null) => void,
  ): Promise<() => void>;
  setReplicas(namespace: string, deployment: string, replicas: number): Promise<void>;
}

let lib: typeof K8s | null = null;
/** The client library, loaded on first use. */
export function k8s(): typeof K8s {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lib ??= require('@kubernetes/client-node') as typeof K8s;
  return lib;
}

/** Loads credentials; throws ConfigError (SNF_ERR_CONFIG) with the reason. */
export function loadKubeConfig(t: KubeTarget, env: NodeJS.ProcessEnv = process.env): K8s.KubeConfig {
  const { KubeConfig } = k8s();
  const kc = new KubeConfig();
  const file = t.kubeconfig ?? env.KUBECONFIG;
  if (file !== undefined && file !== '') {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError('kubeconfig', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    try {
      kc.loadFromString(text);
    } catch (err) {
      throw new ConfigError('kubeconfig', `${file} is not a kubeconfig: ${(err as Error).message.split('\n')[0]}`);
    }
    if (t.context !== undefined) {
      if (kc.getContextObject(t.context) === null) throw new ConfigError('kubeconfig', `${file} has no context '${t.context}'`);
      kc.setCurrentContext(t.context);
    }
  } else if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    throw new ConfigError('kubeconfig', 'no kubeconfig given, KUBECONFIG unset and not in a cluster (KUBERNETES_SERVICE_HOST unset)');
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null || !/^https?:\/\/./.test(cluster.server)) {
    throw new ConfigError('kubeconfig', `${file ?? 'in-cluster config'}: no current cluster with a server URL (context '${kc.getCurrentContext()}')`);
  }
  return kc;
}

class ClientNodeApi implements KubeApi {
  readonly server: string;
  private readonly discovery: K8s.DiscoveryV1Api;
  private readonly apps: K8s.AppsV1Api;
  private readonly watcher: K8s.Watch;

  constructor(kc: K8s.KubeConfig) {
    const lib = k8s();
    this.server = kc.getCurrentCluster()!.server;
    this.discovery = kc.makeApiClient(lib.DiscoveryV1Api);
    this.apps = kc.makeApiClient(lib.AppsV1Api);
    this.watcher = new lib.Watch(kc);
  }

  async listSlices(namespace: string, labelSelector: string): Promise<{ items: SliceLike[]; resourceVersion: string }> {
    const l = await this.discovery.listNamespacedEndpointSlice({ namespace, labelSelector });
    return { items: l.items as SliceLike[], resourceVersion: l.metadata?.resourceVersion ?? '' };
  }

  watchSlices(
    namespace: string, labelSelector: string, resourceVersion: string,
    onEvent: (type: WatchEventType, obj: SliceLike) => void, done: (err: Error | null) => void,
  ): Promise<() => void> {
    const path = `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/endpointslices`;
    return watchPath(this.watcher, path, labelSelector, resourceVersion, onEvent, done);
  }

  async setReplicas(namespace: string, deployment: string, replicas: number): Promise<void> {
    // JSON Patch (the client's default patch type) on the scale subresource: only spec.replicas.
    await this.apps.patchNamespacedDeploymentScale({
      name: deployment, namespace, body: [{ op: 'replace', path: '/spec/replicas', value: replicas }],
    });
  }
}

/** One watch of a collection path from `resourceVersion`; `done` once (null: the server closed it). */
export async function watchPath<T>(
  watcher: K8s.Watch, path: string, labelSelector: string, resourceVersion: string,
  onEvent: (type: WatchEventType, obj: T) => void, done: (err: Error | null) => void,
): Promise<() => void> {
  let ended = false;
  const end = (err: unknown): void => {
    if (ended) return;
    ended = true;
    done(err === null || err === undefined ? null : err instanceof Error ? err : new Error(String(err)));
  };
  const ac = await watcher.watch(path, { labelSelector, resourceVersion, allowWatchBookmarks: true },
    (type, obj) => onEvent(type as WatchEventType, obj as T), end);
  return () => {
    ended = true;
    ac.abort();
  };
}

/** A KubeApi over @kubernetes/client-node; throws SNF_ERR_CONFIG for bad credentials. */
export function kubeApi(t: KubeTarget = {}, env: NodeJS.ProcessEnv = process.env): KubeApi {
  return new ClientNodeApi(loadKubeConfig(t, env));
}
