/**
 * The demo's deployments, done as faas-cli does them: a function of `stack.yml` turned into an
 * OpenFaaS FunctionDeployment (service, image, annotations, labels, environment) and sent to the
 * gateway API with basic auth — PUT /system/functions, then POST on 404 — then
 * GET /system/function/{name} until a replica is available.
 */
import { readFileSync } from 'fs';
import { load } from 'js-yaml';
import { SnfError } from '../../sdk/errors';

export interface Deployment {
  service: string;
  image: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  envVars: Record<string, string>;
}

interface StackFunction {
  image?: unknown;
  annotations?: Record<string, unknown>;
  labels?: Record<string, unknown>;
  environment?: Record<string, unknown>;
}

const strings = (m: Record<string, unknown> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, String(v)]));

function stackFunctionsOf(stackFile: string): Record<string, StackFunction> {
  let doc: { functions?: Record<string, StackFunction> };
  try {
    doc = load(readFileSync(stackFile, 'utf8')) as typeof doc;
  } catch (err) {
    throw new SnfError('SNF_ERR_CONFIG', `cannot read ${stackFile}: ${(err as Error).message}`);
  }
  return doc?.functions ?? {};
}

/** The names of the functions of a stack file, in file order. */
export function stackFunctionNames(stackFile: string): string[] {
  return Object.keys(stackFunctionsOf(stackFile));
}

/** The named function of a stack file as a deployment (SnfError naming what is missing). */
export function stackDeployment(stackFile: string, name: string): Deployment {
  const fns = stackFunctionsOf(stackFile);
  const f = fns[name];
  if (f === undefined) throw new SnfError('SNF_ERR_USAGE', `${stackFile} has no function "${name}" (it has: ${Object.keys(fns).join(', ')})`);
  return { service: name, image: String(f.image ?? `snf/${name}`), annotations: strings(f.annotations), labels: strings(f.labels), envVars: strings(f.environment) };
}

/**
 * The vanilla twin of a deployment: same NF, `packet` mode (one request per packet to an HTTP
 * handler, state in the external store), named `<name>-vanilla`.
 */
export function vanillaTwin(d: Deployment, envVars: Record<string, string>): Deployment {
  const annotations = { ...d.annotations, 'com.snf.mode': 'packet', 'com.snf.state': 'external' };
  return { ...d, service: `${d.service}-vanilla`, annotations, envVars: { ...d.envVars, ...envVars } };
}

/** The deployment with another per-unit capacity (the controller packs flowlets against it). */
export function withUnitCapacity(d: Deployment, bps: number): Deployment {
  return { ...d, annotations: { ...d.annotations, 'com.snf.unit-capacity-bps': String(bps) } };
}

export interface ApiClient {
  base: string;
  user: string;
  password: string;
}

async function call(api: ApiClient, method: string, path: string, body?: unknown): Promise<Response> {
  const auth = Buffer.from(`${api.user}:${api.password}`).toString('base64');
  return fetch(`${api.base}${path}`, {
    method, headers: { Authorization: `Basic ${auth}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** PUT, then POST when the function is new (faas-cli deploy); resolves once a replica is available. */
export async function deploy(api: ApiClient, d: Deployment, readyTimeoutMs = 30_000): Promise<void> {
  let res = await call(api, 'PUT', '/system/functions', d);
  if (res.status === 404) res = await call(api, 'POST', '/system/functions', d);
  if (res.status !== 200 && res.status !== 202) {
    throw new SnfError('SNF_ERR_UNIT_START', `deploying ${d.service} failed: ${res.status} ${(await res.text()).trim()}`);
  }
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const st = await call(api, 'GET', `/system/function/${d.service}`);
    if (st.status === 200 && ((await st.json()) as { availableReplicas?: number }).availableReplicas! >= 1) return;
    if (Date.now() > deadline) throw new SnfError('SNF_ERR_UNIT_START', `${d.service}: no replica available after ${readyTimeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
