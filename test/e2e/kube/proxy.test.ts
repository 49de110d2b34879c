/**
 * The faas-netes proxy path: `snf up --functions-provider-url <provider>` forwards every
 * /system/* call to the provider unchanged (deploy, list, describe, secrets, remove through the
 * real faas-cli land there) and adds only flowlet routing: an invocation goes to the units found
 * in the EndpointSlices of the function's Service (a real kube-apiserver, test/helpers/kube.ts).
 * faas-netes itself cannot run here (no kubelet or container runtime to run its function pods,
 * and no images), so the provider is a faas-provider-compatible server this test starts: an
 * `snf up` with its local provider, which answers the same /system/* API with the same
 * credentials. Its own local units never see the test's packets: the NAT's answers come from
 * units the test starts in a network namespace and publishes as EndpointSlices (no kubelet here
 * to do it), and the provider's invocation count stays 0. A provider that goes away is a 502
 * naming it, and SNF keeps serving.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalProcessProvider } from '../../../gateway/units/process/local-process-provider';
import { FaasCli, faasCliPath, parseList } from '../../helpers/faas-cli';
import { kubeUp, natUnitSlice, tool, type KubeEnv } from '../../helpers/kube';
import { createNetns, type Netns } from '../../helpers/netns';
import { checksumsValid, udp } from '../../helpers/packets';
import { uniqueName, waitFor } from '../../helpers/services';
import { startSnfUp, type SnfUp } from '../../helpers/snf-up';

jest.setTimeout(150_000);

const TOKEN = 'e2e-kube-proxy-token';
const STACK = path.join(__dirname, '..', 'up', 'stack.yml');
const bin = faasCliPath();
const suite = bin === null ? describe.skip : describe;

suite('the faas-netes proxy path (functions_provider_url) with the real faas-cli', () => {
  let k: KubeEnv;
  let net: Netns | undefined;
  let provider: SnfUp | undefined;
  let snf: SnfUp | undefined;
  let units: LocalProcessProvider | undefined;
  let cli: FaasCli;
  const ns = uniqueName('snf-kproxy').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-kproxy-'));
  const upstream = (p: string): Promise<Response> => fetch(`${provider!.url}${p}`, { headers: { authorization: provider!.auth } });

  beforeAll(async () => {
    net = await createNetns('kproxy');
    k = await kubeUp();
    await tool(k, 'kubectl', ['create', 'namespace', ns]);
    provider = await startSnfUp(path.join(dir, 'provider'));
    snf = await startSnfUp(path.join(dir, 'snf'), [
      '--functions-provider-url', `${provider.url}/`, '--kubeconfig', k.kubeconfig, '--function-namespace', ns,
      '--secrets', path.join(dir, 'provider', 'secrets'),
    ], { SNF_TOKEN: TOKEN });
    cli = new FaasCli(bin!, snf.url, path.join(dir, 'openfaas'), dir);
    expect((await cli.login('admin', snf.password)).code).toBe(0);
  });

  afterAll(async () => {
    await snf?.stop();
    await provider?.stop();
    await units?.close();
    if (k !== undefined) await tool(k, 'kubectl', ['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    await net?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deploy, list, secrets through SNF land at the provider unchanged', async () => {
    expect(snf!.err()).toContain(`state: the functions provider ${provider!.url}/`);
    const d = await cli.deploy(STACK, ['--filter', 'nat']);
    expect(d.stdout + d.stderr).toContain('Deployed. 202 Accepted.');
    const at = (await (await upstream('/system/functions')).json()) as Array<{ name: string }>;
    expect(at.map((f) => f.name)).toEqual(['nat']);
    expect(parseList((await cli.list()).stdout).nat).toMatchObject({ invocations: 0 });
    expect((await cli.secretCreate('k1', 'v1')).code).toBe(0);
    expect(await (await upstream('/system/secrets')).json()).toEqual([{ name: 'k1', namespace: 'openfaas-fn' }]);
    // The provider's own answers come back as they are (its 404 text).
    const r = await fetch(`${snf!.url}/system/function/absent`, { headers: { authorization: snf!.auth } });
    expect(r.status).toBe(404);
    // Auth is checked by SNF before anything goes on.
    expect((await fetch(`${snf!.url}/system/functions`)).status).toBe(401);
  });

  it('an invocation is routed by flowlet to the units in the function\'s EndpointSlices, not to the provider', async () => {
    units = new LocalProcessProvider({ function: 'nat', token: TOKEN, host: net!.nsAddr, launcher: net!.exec, env: {} });
    const eps = await Promise.all([units.start(1, 'compute'), units.start(2, 'compute')]);
    for (const ep of eps) await tool(k, 'kubectl', ['apply', '-f', '-'], natUnitSlice(ns, ep, `nat-5c8d6f-u${ep.unit}`));
    const pkt = udp('10.0.0.5', 40000, '198.51.100.7', 53, 'query');
    const r = await cli.invoke('nat', pkt);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect([...r.raw.subarray(12, 16)].join('.')).toBe('203.0.113.1');
    expect(r.raw.subarray(28).toString()).toBe('query');
    expect(checksumsValid(r.raw)).toEqual({ ip: true, l4: true });
    expect(snf!.err()).toContain(`nat: gateway up (units from the EndpointSlices of ${ns}/nat)`);
    const st = (await (await upstream('/system/function/nat')).json()) as { invocationCount?: number };
    expect(st.invocationCount ?? 0).toBe(0);
    for (let i = 0; i < 5; i++) expect((await cli.invoke('nat', udp('10.0.0.6', 41000 + i, '198.51.100.7', 53, 'q'))).code).toBe(0);
  });

  it('remove through SNF: gone at the provider, its gateway dropped, then 404', async () => {
    expect((await cli.remove('nat')).code).toBe(0);
    expect(await (await upstream('/system/functions')).json()).toEqual([]);
    await waitFor(() => snf!.err().includes('nat: changed at the provider; its gateway stopped'), { what: 'the gateway dropped' });
    const r = await cli.invoke('nat', udp('10.0.0.5', 40000, '198.51.100.7', 53, 'query'));
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/404/);
  });

  it('a provider that goes away: a 502 naming it; SNF keeps serving', async () => {
    const url = provider!.url;
    await provider!.stop();
    const r = await fetch(`${snf!.url}/system/functions`, { headers: { authorization: snf!.auth } });
    expect(r.status).toBe(502);
    expect(await r.text()).toContain(`functions provider ${url}/ unreachable`);
    expect((await fetch(`${snf!.url}/healthz`)).status).toBe(200);
  });
});
