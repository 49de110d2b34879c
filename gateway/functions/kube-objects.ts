/**
 * A function's Kubernetes objects, the way faas-netes builds them (REFERENCE.md §2.2), plus what
 * an SNF unit needs. Pure: spec in, plain API objects out; and back (a Deployment → the accepted
 * deployment it was made from).
 * - Deployment `<service>`: label `faas_function=<service>` (selector too), initial replicas the
 *   min label, RollingUpdate maxUnavailable 0 / maxSurge 1; the pod template carries the user
 *   labels + `faas_function` and the user annotations + `prometheus.io.scrape: "false"`; one
 *   container named `<service>`: the image, port `http` 8080 and the unit's `data` / `peer`
 *   ports, env = envVars + `fprocess` (envProcess) + the unit's SNF_* settings (`SNF_UNIT_ID=gateway`:
 *   the pods are interchangeable, each takes the id the gateway gives it in the data-plane handshake), the cluster token
 *   from Secret `snf-cluster-token`, resources, readOnlyRootFilesystem; secrets as one projected
 *   volume at /var/openfaas/secrets; constraints `key=value` → nodeSelector.
 * - Service `<service>`: ClusterIP, selector `faas_function`, ports http 8080, data, peer (their
 *   names are what EndpointSlices carry, gateway/units/kubernetes/slices.ts).
 * - Secrets: label `app.kubernetes.io/managed-by=openfaas`, one key named after the secret.
 * The accepted deployment is kept in the Deployment's annotation `com.snf.function.spec`, so a
 * restarted gateway (or a second one) reads back exactly what was deployed.
 */
import type { FunctionSpec } from '../api/function-spec';
import type { FunctionDeployment, SecretEntry } from '../api/types';
import { dataPlaneNodeOptions } from '../units/node-flags';

export const FUNCTION_LABEL = 'faas_function';
export const SPEC_ANNOTATION = 'com.snf.function.spec';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'openfaas' } as const;
export const TOKEN_SECRET = 'snf-cluster-token';
export const SECRETS_PATH = '/var/openfaas/secrets';
export const UNIT_PORTS = { http: 8080, data: 9000, peer: 9001 } as const;

type Obj = Record<string, any>;

export interface DeploymentSettings {
  namespace: string;
  /** Unit environment (unitEnvFor: SNF_MAX_UNITS, SNF_IDLE_PUSH_US, SNF_EVICT_MS, …). */
  unitEnv: Record<string, string>;
  imagePullPolicy?: string;
}

function resources(spec: FunctionSpec): Obj | undefined {
  const d = spec.deployment;
  const r: Obj = {};
  if (d.limits !== undefined && Object.keys(d.limits).length > 0) r.limits = { ...d.limits };
  if (d.requests !== undefined && Object.keys(d.requests).length > 0) r.requests = { ...d.requests };
  return Object.keys(r).length > 0 ? r : undefined;
}

function nodeSelector(constraints: readonly string[]): Obj | undefined {
  const out: Obj = {};
  for (const c of constraints) {
    const m = /^\s*([^=\s]+)\s*==?\s*(\S+)\s*$/.exec(c);
    if (m !== null) out[m[1]!] = m[2]!;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function deploymentFor(spec: FunctionSpec, s: DeploymentSettings): Obj {
  const d = spec.deployment;
  const name = spec.name;
  // NODE_OPTIONS: the function's own, merged with the data plane's V8 flags (../units/node-flags.ts).
  const env: Obj[] = Object.entries(d.envVars).filter(([k]) => k !== 'NODE_OPTIONS').map(([k, v]) => ({ name: k, value: v }));
  env.push({ name: 'NODE_OPTIONS', value: dataPlaneNodeOptions(d.envVars.NODE_OPTIONS) });
  if (d.envProcess !== undefined) env.push({ name: 'fprocess', value: d.envProcess });
  const unit: Record<string, string> = {
    ...s.unitEnv, SNF_FUNCTION: spec.nf, SNF_UNIT_ID: 'gateway', SNF_HOST: '0.0.0.0', SNF_LISTEN: String(UNIT_PORTS.data), SNF_PEER_LISTEN: String(UNIT_PORTS.peer),
  };
  for (const [k, v] of Object.entries(unit)) if (!(k in d.envVars)) env.push({ name: k, value: v });
  env.push({ name: 'SNF_TOKEN', valueFrom: { secretKeyRef: { name: TOKEN_SECRET, key: 'token' } } });
  const res = resources(spec);
  const sel = nodeSelector(d.constraints);
  const container: Obj = {
    name, image: d.image, imagePullPolicy: s.imagePullPolicy ?? 'Always',
    ports: [
      { name: 'http', containerPort: UNIT_PORTS.http, protocol: 'TCP' },
      { name: 'data', containerPort: UNIT_PORTS.data, protocol: 'TCP' },
      { name: 'peer', containerPort: UNIT_PORTS.peer, protocol: 'TCP' },
    ],
    env,
    ...(res !== undefined ? { resources: res } : {}),
    ...(d.readOnlyRootFilesystem === true ? { securityContext: { readOnlyRootFilesystem: true } } : {}),
    ...(d.secrets.length > 0 ? { volumeMounts: [{ name: `${name}-projected-secrets`, mountPath: SECRETS_PATH, readOnly: true }] } : {}),
  };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: {
      name, namespace: s.namespace,
      labels: { [FUNCTION_LABEL]: name },
      annotations: { ...d.annotations, [SPEC_ANNOTATION]: JSON.stringify(d) },
    },
    spec: {
      replicas: spec.minUnits,
      selector: { matchLabels: { [FUNCTION_LABEL]: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { ...d.labels, [FUNCTION_LABEL]: name }, annotations: { 'prometheus.io.scrape': 'false', ...d.annotations } },
        spec: {
          containers: [container],
          ...(sel !== undefined ? { nodeSelector: sel } : {}),
          ...(d.secrets.length > 0 ? { volumes: [{ name: `${name}-projected-secrets`, projected: { sources: d.secrets.map((n) => ({ secret: { name: n } })) } }] } : {}),
        },
      },
    },
  };
}

export function serviceFor(spec: FunctionSpec, namespace: string): Obj {
  const name = spec.name;
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace, labels: { [FUNCTION_LABEL]: name } },
    spec: {
      type: 'ClusterIP',
      selector: { [FUNCTION_LABEL]: name },
      ports: (['http', 'data', 'peer'] as const).map((p) => ({ name: p, port: UNIT_PORTS[p], targetPort: UNIT_PORTS[p], protocol: 'TCP' })),
    },
  };
}

/** The deployment a Deployment was made from (its spec annotation); null when it has none or it is not JSON. */
export function deploymentOf(dep: Obj): FunctionDeployment | null {
  const raw = dep?.metadata?.annotations?.[SPEC_ANNOTATION];
  if (typeof raw !== 'string') return null;
  try {
    const d = JSON.parse(raw) as unknown;
    return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as FunctionDeployment) : null;
  } catch {
    return null;
  }
}

export function secretFor(s: SecretEntry, namespace: string): Obj {
  const data = s.rawValue !== undefined ? s.rawValue : Buffer.from(s.value ?? '', 'utf8').toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: s.name, namespace, labels: { ...MANAGED_BY } }, data: { [s.name]: data } };
}

export function tokenSecret(token: string, namespace: string): Obj {
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: TOKEN_SECRET, namespace, labels: { 'app.kubernetes.io/managed-by': 'snf' } }, data: { token: Buffer.from(token).toString('base64') } };
}
