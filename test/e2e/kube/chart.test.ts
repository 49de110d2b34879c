/**
 * charts/snf against a real kube-apiserver (scripts/lib/kube.sh; no kubelet, so Deployments stay
 * at 0 ready replicas: the objects and their fields are what is checked): helm lint and template
 * with default and non-default values, install, upgrade, and the objects read back, RBAC rules
 * exactly what the gateway uses (gateway/units/kubernetes/kube-api.ts).
 */
import { uniqueName } from '../../helpers/services';
import { CHART, getJson, kubeUp, tool, type KubeEnv } from '../../helpers/kube';

jest.setTimeout(900_000);

let k: KubeEnv;
const ns = uniqueName('snf-chart').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40);
const fnNs = `${ns}-fn`;

beforeAll(async () => {
  k = await kubeUp();
  await tool(k, 'kubectl', ['create', 'namespace', ns]);
  await tool(k, 'kubectl', ['create', 'namespace', fnNs]);
});

afterAll(async () => {
  if (k === undefined) return;
  await tool(k, 'helm', ['uninstall', 'snf', '-n', ns]).catch(() => undefined);
  await tool(k, 'kubectl', ['delete', 'namespace', ns, fnNs, '--wait=false']).catch(() => undefined);
});

const kinds = (yaml: string) => [...yaml.matchAll(/^kind: (\S+)$/gm)].map((m) => m[1]).sort();

describe('charts/snf', () => {
  it('lints with default and non-default values', async () => {
    await tool(k, 'helm', ['lint', '--strict', CHART]);
    await tool(k, 'helm', ['lint', '--strict', CHART, '--set', 'redis.inCluster=true,kafka.inCluster=true,loggers.replicas=0,clusterToken.value=x,rbac.create=false']);
  });

  it('renders the expected objects, default and non-default', async () => {
    const def = await tool(k, 'helm', ['template', 't', CHART, '-n', 'openfaas']);
    expect(kinds(def)).toEqual(['ConfigMap', 'Deployment', 'Deployment', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount']);
    expect(def).toContain('prometheus.io/scrape: "true"');
    expect(def).toContain('prometheus.io/port: "8082"');
    const other = await tool(k, 'helm', ['template', 't', CHART, '-n', 'openfaas', '--set',
      'redis.inCluster=true,kafka.inCluster=true,loggers.replicas=0,clusterToken.value=s3cret,functionNamespace=fns,metrics.scrape=false']);
    expect(kinds(other)).toEqual(['ConfigMap', 'Deployment', 'Deployment', 'Deployment', 'Role', 'RoleBinding', 'Secret', 'Service', 'Service', 'Service', 'ServiceAccount']);
    expect(other).toContain(`token: "${Buffer.from('s3cret').toString('base64')}"`);
    expect(other).toContain('value: "redis://t-snf-redis.openfaas:6379"');
    expect(other).toContain('value: "t-snf-kafka.openfaas:9092"');
    expect(other).toMatch(/kind: Role\nmetadata:\n  name: t-snf-gateway\n  namespace: fns/);
    expect(other).toContain('prometheus.io/scrape: "false"');
  });

  it('installs and upgrades into the API server; objects read back', async () => {
    await tool(k, 'helm', ['install', 'snf', CHART, '-n', ns, '--set', `functionNamespace=${fnNs}`]);
    const sa = await getJson(k, ['serviceaccount', 'snf-gateway', '-n', ns]);
    expect(sa.metadata.labels['app.kubernetes.io/instance']).toBe('snf');
    const role = await getJson(k, ['role', 'snf-gateway', '-n', fnNs]);
    // The proxy path (the default: faas-netes at functionsProviderURL): only the EndpointSlices.
    expect(role.rules).toEqual([{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] }]);
    const rb = await getJson(k, ['rolebinding', 'snf-gateway', '-n', fnNs]);
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'snf-gateway' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'snf-gateway', namespace: ns }]);
    const dep = await getJson(k, ['deployment', 'snf-gateway', '-n', ns]);
    const pod = dep.spec.template;
    expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8082' });
    expect(pod.spec.serviceAccountName).toBe('snf-gateway');
    const c = pod.spec.containers[0];
    expect(c.command).toEqual(['./gateway']);
    expect(c.ports.map((p: any) => [p.name, p.containerPort])).toEqual([['http', 8080], ['gw-metrics', 8082]]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http', scheme: 'HTTP' });
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(c.env.find((e: any) => e.name === 'SNF_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'snf-token', key: 'token' });
    expect(c.env.find((e: any) => e.name === 'function_namespace').value).toBe(fnNs);
    expect(c.env.find((e: any) => e.name === 'secret_mount_path').value).toBe('/var/secrets');
    expect(c.volumeMounts).toEqual([{ name: 'auth', mountPath: '/var/secrets', readOnly: true }]);
    expect(pod.spec.volumes).toEqual([{ name: 'auth', secret: { secretName: 'basic-auth', defaultMode: 420 } }]);
    const svc = await getJson(k, ['service', 'snf-gateway', '-n', ns]);
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([['http', 8080]]);
    const secret = await getJson(k, ['secret', 'snf-token', '-n', ns]);
    const token = Buffer.from(secret.data.token, 'base64').toString();
    expect(token).toMatch(/^[A-Za-z0-9]{40}$/);
    expect((await getJson(k, ['deployment', 'snf-logger', '-n', ns])).spec.replicas).toBe(1);
    const dash = await getJson(k, ['configmap', 'snf-dashboard', '-n', ns]);
    expect(dash.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(dash.data['snf.json']).uid).toBe('snf-overview');

    // Upgrade: new values apply, the generated token is kept.
    await tool(k, 'helm', ['upgrade', 'snf', CHART, '-n', ns, '--reuse-values', '--set', 'gateway.replicas=2,loggers.replicas=0']);
    expect((await getJson(k, ['deployment', 'snf-gateway', '-n', ns])).spec.replicas).toBe(2);
    expect(Buffer.from((await getJson(k, ['secret', 'snf-token', '-n', ns])).data.token, 'base64').toString()).toBe(token);
    await expect(tool(k, 'kubectl', ['get', 'deployment', 'snf-logger', '-n', ns])).rejects.toThrow(/NotFound/);

    // SNF's own provider (no faas-netes): the Role grows by exactly what kube-functions-api.ts calls.
    await tool(k, 'helm', ['upgrade', 'snf', CHART, '-n', ns, '--reuse-values', '--set', 'gateway.functionsProviderURL=']);
    expect((await getJson(k, ['role', 'snf-gateway', '-n', fnNs])).rules).toEqual([
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['services'], verbs: ['get', 'create', 'update', 'delete'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'create', 'update', 'delete'] },
    ]);
    const env = (await getJson(k, ['deployment', 'snf-gateway', '-n', ns])).spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'functions_provider_url').value ?? '').toBe('');
  });

  it('openfaas-gateway-values.yaml swaps only the gateway image, not Pro', async () => {
    const { readFileSync } = await import('fs');
    const v = readFileSync(`${CHART}/openfaas-gateway-values.yaml`, 'utf8');
    const keys = v.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('#'));
    expect(keys).toEqual(['openfaasPro: false', 'gateway:']);
    expect(v).toMatch(/^  image: \S+$/m);
  });
});
