/**
 * SNF's own Kubernetes function provider (`snf up --provider kubernetes`) driven by the real
 * faas-cli, against a real kube-apiserver (scripts/lib/kube.sh through test/helpers/kube.ts):
 * deploy creates the function's Deployment and Service (and faas-cli's secret a labelled Secret)
 * the way faas-netes does, read back through the API; list/describe report the Deployment's
 * replicas and the units found; scale patches the Deployment; remove deletes both objects; a
 * Deployment deleted behind the gateway's back takes the function away, reported; a bad
 * kubeconfig or namespace stops `snf up` with a clear SNF_ERR_CONFIG and exit code 1.
 * No kubelet runs here, so no pod ever starts: the test starts real `snf watchdog` units in a
 * network namespace (test/helpers/netns.ts; the API server refuses loopback endpoints) with the
 * Deployment's own unit environment and publishes them as EndpointSlices of the function's
 * Service (unit id in `hostname: unit-<id>`), as the EndpointSlice controller would for ready
 * pods; then a packet invoked through faas-cli is routed to them and answered by the NAT.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalProcessProvider } from '../../../gateway/units/process/local-process-provider';
import { FaasCli, faasCliPath, parseDescribe, parseList } from '../../helpers/faas-cli';
import { getJson, kubeUp, natUnitSlice, tool, type KubeEnv } from '../../helpers/kube';
import { createNetns, type Netns } from '../../helpers/netns';
import { checksumsValid, udp } from '../../helpers/packets';
import { uniqueName, waitFor } from '../../helpers/services';
import { runSnfUp, startSnfUp, type SnfUp } from '../../helpers/snf-up';

jest.setTimeout(600_000);

const TOKEN = 'e2e-kube-provider-token';
const STACK = path.join(__dirname, 'k8s-stack.yml');
const bin = faasCliPath();
const suite = bin === null ? describe.skip : describe;

const notFound = (k: KubeEnv, args: string[]): Promise<boolean> =>
  tool(k, 'kubectl', ['get', ...args]).then(() => false, (err: Error) => /NotFound/.test(err.message));

suite('snf up --provider kubernetes with the real faas-cli', () => {
  let k: KubeEnv;
  let net: Netns | undefined;
  let up: SnfUp | undefined;
  let units: LocalProcessProvider | undefined;
  let cli: FaasCli;
  const ns = uniqueName('snf-kprov').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-kprov-'));

  beforeAll(async () => {
    net = await createNetns('kprov');
    k = await kubeUp();
    await tool(k, 'kubectl', ['create', 'namespace', ns]);
    up = await startSnfUp(path.join(dir, 'state'), ['--provider', 'kubernetes', '--kubeconfig', k.kubeconfig, '--function-namespace', ns], { SNF_TOKEN: TOKEN });
    cli = new FaasCli(bin!, up.url, path.join(dir, 'openfaas'), dir);
    expect((await cli.login('admin', up.password)).code).toBe(0);
  });

  afterAll(async () => {
    await up?.stop();
    await units?.close();
    if (k !== undefined) await tool(k, 'kubectl', ['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    await net?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deploy creates the Deployment, Service and Secret as faas-netes does; read back through the API', async () => {
    expect(up!.err()).toContain(`state: kubernetes https://127.0.0.1:`);
    const tokenSecret = await getJson(k, ['secret', 'snf-cluster-token', '-n', ns]);
    expect(Buffer.from(tokenSecret.data.token, 'base64').toString()).toBe(TOKEN);
    expect((await cli.secretCreate('nat-key', 's3cret')).code).toBe(0);
    const sec = await getJson(k, ['secret', 'nat-key', '-n', ns]);
    expect(sec.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'openfaas' });
    expect(Buffer.from(sec.data['nat-key'], 'base64').toString()).toBe('s3cret');

    const d = await cli.deploy(STACK);
    expect(d.stdout + d.stderr).toContain('Deployed. 202 Accepted.');
    expect(d.code).toBe(0);
    const dep = await getJson(k, ['deployment', 'nat', '-n', ns]);
    expect(dep.metadata.labels).toEqual({ faas_function: 'nat' });
    expect(dep.metadata.annotations).toMatchObject({ team: 'net', 'com.snf.mode': 'flowlet' });
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.selector).toEqual({ matchLabels: { faas_function: 'nat' } });
    expect(dep.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const pod = dep.spec.template;
    expect(pod.metadata.labels).toMatchObject({ faas_function: 'nat', 'com.openfaas.scale.min': '2', 'com.openfaas.scale.max': '3' });
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io.scrape': 'false', team: 'net' });
    const c = pod.spec.containers[0];
    expect(c.name).toBe('nat');
    expect(c.image).toBe('ghcr.io/snf/watchdog:0.1.0');
    expect(c.ports.map((p: any) => [p.name, p.containerPort])).toEqual([['http', 8080], ['data', 9000], ['peer', 9001]]);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({ LOG_LEVEL: 'info', SNF_FUNCTION: 'nat', SNF_LISTEN: '9000', SNF_PEER_LISTEN: '9001', SNF_MAX_UNITS: '3' });
    expect(env.SNF_TOKEN).toEqual({ secretKeyRef: { name: 'snf-cluster-token', key: 'token' } });
    expect(c.resources).toEqual({ limits: { memory: '256Mi' }, requests: { cpu: '100m' } });
    expect(c.volumeMounts).toEqual([{ name: 'nat-projected-secrets', mountPath: '/var/openfaas/secrets', readOnly: true }]);
    expect(pod.spec.volumes[0].projected.sources).toEqual([{ secret: { name: 'nat-key' } }]);
    const svc = await getJson(k, ['service', 'nat', '-n', ns]);
    expect(svc.spec.selector).toEqual({ faas_function: 'nat' });
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([['http', 8080], ['data', 9000], ['peer', 9001]]);

    const l = parseList((await cli.list()).stdout);
    expect(l.nat).toEqual({ invocations: 0, replicas: 2 });
    // No pods (no kubelet) and no endpoints yet: nothing available.
    expect(parseDescribe((await cli.describe('nat')).stdout).fields).toMatchObject({ Name: 'nat', Replicas: '2', 'Available Replicas': '0' });
  });

  it('units published as EndpointSlices become available; a packet invoked through faas-cli is routed to them', async () => {
    const dep = await getJson(k, ['deployment', 'nat', '-n', ns]);
    const podEnv: Record<string, string> = {};
    for (const e of dep.spec.template.spec.containers[0].env) if (/^SNF_(MAX_UNITS|IDLE_PUSH_US|EVICT_MS)$/.test(e.name)) podEnv[e.name] = e.value;
    units = new LocalProcessProvider({ function: 'nat', token: TOKEN, host: net!.nsAddr, launcher: net!.exec, env: podEnv });
    const eps = await Promise.all([units.start(1, 'compute'), units.start(2, 'compute')]);
    for (const ep of eps) await tool(k, 'kubectl', ['apply', '-f', '-'], natUnitSlice(ns, ep, `nat-6d5f7c9b8-u${ep.unit}`, 8080));
    await waitFor(() => /nat: gateway up/.test(up!.err()), { timeoutMs: 90_000, what: 'the function\'s gateway up on its discovered units' });
    await waitFor(async () => parseDescribe((await cli.describe('nat')).stdout).fields['Available Replicas'] === '2', { timeoutMs: 30_000, what: 'nat at 2 available' });

    const pkt = udp('10.0.0.5', 40000, '198.51.100.7', 53, 'query');
    const r = await cli.invoke('nat', pkt);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect([...r.raw.subarray(12, 16)].join('.')).toBe('203.0.113.1');
    expect(r.raw.subarray(28).toString()).toBe('query');
    expect(checksumsValid(r.raw)).toEqual({ ip: true, l4: true });
    expect(parseList((await cli.list()).stdout).nat!.invocations).toBe(1);
  });

  it('scale patches the Deployment; remove deletes the Deployment and the Service', async () => {
    const s = await fetch(`${up!.url}/system/scale-function/nat`, { method: 'POST', headers: { authorization: up!.auth }, body: JSON.stringify({ serviceName: 'nat', replicas: 3 }) });
    expect(s.status).toBe(202);
    expect((await getJson(k, ['deployment', 'nat', '-n', ns])).spec.replicas).toBe(3);
    // The gateway answers from its Deployment watch, which sees the patch a moment later.
    await waitFor(async () => parseDescribe((await cli.describe('nat')).stdout).fields.Replicas === '3', { what: 'describe shows 3 replicas' });
    // Above the max label: clamped to it.
    await fetch(`${up!.url}/system/scale-function/nat`, { method: 'POST', headers: { authorization: up!.auth }, body: JSON.stringify({ serviceName: 'nat', replicas: 9 }) });
    expect((await getJson(k, ['deployment', 'nat', '-n', ns])).spec.replicas).toBe(3);

    const rm = await cli.remove('nat');
    expect(rm.code).toBe(0);
    expect(await notFound(k, ['deployment', 'nat', '-n', ns])).toBe(true);
    expect(await notFound(k, ['service', 'nat', '-n', ns])).toBe(true);
    expect(parseList((await cli.list()).stdout).nat).toBeUndefined();
  });

  it('a Deployment deleted behind the gateway\'s back: the function goes away, reported; SNF keeps serving', async () => {
    expect((await cli.deploy(STACK)).code).toBe(0);
    await waitFor(async () => parseList((await cli.list()).stdout).nat !== undefined, { what: 'nat listed again' });
    await tool(k, 'kubectl', ['delete', 'deployment', 'nat', '-n', ns]);
    await waitFor(async () => parseList((await cli.list()).stdout).nat === undefined, { timeoutMs: 30_000, what: 'nat gone from the list' });
    expect(up!.err()).toContain(`function nat: its Deployment ${ns}/nat was deleted outside SNF; function removed`);
    await waitFor(() => notFound(k, ['service', 'nat', '-n', ns]), { timeoutMs: 30_000, what: 'its Service deleted too' });
    const desc = await cli.describe('nat');
    expect(desc.code).not.toBe(0);
    // Still serving: a new deploy works.
    expect((await cli.deploy(STACK)).code).toBe(0);
    expect((await getJson(k, ['deployment', 'nat', '-n', ns])).spec.replicas).toBe(2);
  });

  it('a Deployment created by someone else (another gateway replica, a restart) is adopted', async () => {
    const other = await startSnfUp(path.join(dir, 'state2'), ['--provider', 'kubernetes', '--kubeconfig', k.kubeconfig, '--function-namespace', ns], { SNF_TOKEN: TOKEN });
    try {
      expect(other.err()).toMatch(/found nat in .*: serving it/);
      const res = await fetch(`${other.url}/system/function/nat`, { headers: { authorization: other.auth } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ name: 'nat', replicas: 2, labels: { 'com.openfaas.scale.max': '3' }, secrets: ['nat-key'] });
    } finally {
      await other.stop();
    }
  });

  it('a bad kubeconfig or a missing namespace: a clear SNF_ERR_CONFIG, exit code 1', async () => {
    const missing = path.join(dir, 'nope.yaml');
    const r1 = await runSnfUp(['--state-dir', path.join(dir, 's3'), '--provider', 'kubernetes', '--kubeconfig', missing]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`snf: SNF_ERR_CONFIG: kubeconfig: cannot read ${missing}: ENOENT`);
    const r2 = await runSnfUp(['--state-dir', path.join(dir, 's3'), '--provider', 'kubernetes', '--kubeconfig', k.kubeconfig, '--function-namespace', `${ns}-absent`]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(new RegExp(`SNF_ERR_CONFIG: kubernetes https://127.0.0.1:\\d+: cannot use namespace ${ns}-absent: HTTP 404`));
    const r3 = await runSnfUp(['--state-dir', path.join(dir, 's3'), '--provider', 'nomad']);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('--provider: must be local or kubernetes');
  });
});
