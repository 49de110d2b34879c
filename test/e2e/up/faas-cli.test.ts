/**
 * `snf up` driven by the real faas-cli 0.18.12, as a user does: login (a wrong password refused),
 * deploy -f stack.yml, list, describe, invoke (a packet through the NAT, the answer parsed),
 * scale through the API, secret create/list, logs, remove; the API's rejections (malformed deploy
 * bodies, bad names, unknown functions, bad credentials, oversized bodies) with the process still
 * serving; and a restart on the same state file bringing the functions back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FaasCli, faasCliPath, parseDescribe, parseList } from '../../helpers/faas-cli';
import { checksumsValid, udp } from '../../helpers/packets';
import { waitFor } from '../../helpers/services';
import { startPrometheus } from '../../helpers/prometheus';
import { startSnfUp as startUp, type SnfUp as Up } from '../../helpers/snf-up';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..', '..');
const STACK = join(__dirname, 'stack.yml');
const bin = faasCliPath();
const suite = bin === null ? describe.skip : describe;

suite('snf up with the real faas-cli', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-up-e2e-'));
  const stateDir = join(dir, 'state');
  let up: Up;
  let cli: FaasCli;
  let password: string;
  let auth: string;
  const url = (p: string): string => `http://127.0.0.1:${up.port}${p}`;
  const api = (p: string, init: RequestInit = {}): Promise<Response> => fetch(url(p), { ...init, headers: { authorization: auth, ...(init.headers ?? {}) } });

  beforeAll(async () => {
    up = await startUp(stateDir);
    cli = new FaasCli(bin!, `http://127.0.0.1:${up.port}`, join(dir, 'openfaas'), dir);
    password = readFileSync(join(stateDir, 'secrets', 'basic-auth-password'), 'utf8').trim();
    auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
  });
  afterAll(async () => {
    if (up) await up.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('prints the faas-cli login line; a wrong password is refused, the right one accepted', async () => {
    expect(up.out()).toContain(`faas-cli login --gateway http://127.0.0.1:${up.port} --username admin --password-stdin`);
    const bad = await cli.login('admin', 'not-the-password');
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/either username or password is incorrect/i);
    const ok = await cli.login('admin', password);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('credentials saved for admin');
  });

  test('deploy -f stack.yml (PUT 404 → POST 202), list, describe', async () => {
    const d = await cli.deploy(STACK);
    expect(d.stderr + d.stdout).not.toMatch(/Unexpected status/);
    expect(d.code).toBe(0);
    expect(d.stdout.match(/Deployed\. 202 Accepted\./g)).toHaveLength(2);
    expect(d.stdout).toContain(`URL: http://127.0.0.1:${up.port}/function/nat`);
    const l = await cli.list();
    expect(l.code).toBe(0);
    expect(parseList(l.stdout)).toMatchObject({ nat: { invocations: 0, replicas: 1 }, whitelist: { replicas: 1 } });
    const desc = await cli.describe('nat');
    expect(desc.code).toBe(0);
    const { fields, annotations } = parseDescribe(desc.stdout);
    expect(fields).toMatchObject({ Name: 'nat', Status: 'Ready', Replicas: '1', 'Available Replicas': '1', Image: 'snf/nat:0.1.0' });
    expect(annotations['com.snf.nf']).toBe('nat');
    expect(Number(annotations['com.snf.udp-port'])).toBeGreaterThan(0);
    expect(Number(annotations['com.snf.stream-port'])).toBeGreaterThan(0);
    expect(parseDescribe((await cli.describe('whitelist')).stdout).annotations['com.snf.nf']).toBe('udp-whitelist');
    // a second deploy is an update (PUT 202)
    const again = await cli.deploy(STACK, ['--filter', 'nat']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Deployed. 202 Accepted.');
  });

  test('invoke: a UDP packet through the NAT comes back with the source rewritten', async () => {
    const pkt = udp('10.0.0.5', 40000, '198.51.100.7', 53, 'query');
    const r = await cli.invoke('nat', pkt);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const outPkt = r.raw;
    expect(outPkt.length).toBe(pkt.length);
    expect([...outPkt.subarray(12, 16)].join('.')).toBe('203.0.113.1'); // the NAT's public address
    expect([...outPkt.subarray(16, 20)].join('.')).toBe('198.51.100.7');
    expect(outPkt.subarray(28).toString()).toBe('query');
    expect(checksumsValid(outPkt)).toEqual({ ip: true, l4: true });
    expect(parseList((await cli.list()).stdout).nat!.invocations).toBe(1);
    // A real Prometheus scraping snf up's :8082 (here a free port) sees the invocation and the units.
    const prom = await startPrometheus({ targets: [`127.0.0.1:${up.metricsPort}`] });
    try {
      const one = async (expr: string): Promise<number | undefined> => (await prom.query(`last_over_time(${expr}[1m])`))[0]?.value;
      await waitFor(async () => (await one('gateway_function_invocation_total{function_name="nat.openfaas-fn",code="200"}')) === 1, { timeoutMs: 20_000, what: 'the invocation in Prometheus' });
      expect(await one('snf_active_units{function_name="nat.openfaas-fn"}')).toBe(1);
      expect(await one('gateway_service_count{function_name="nat.openfaas-fn"}')).toBe(1);
    } finally {
      await prom.stop();
    }
    // not a packet: faas-cli reports the 400
    const bad = await cli.invoke('nat', Buffer.from('hello'));
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/400/);
  });

  test('scale through the API sets the floor; describe reports the units', async () => {
    const r = await api('/system/scale-function/nat', { method: 'POST', body: JSON.stringify({ serviceName: 'nat', replicas: 2 }) });
    expect(r.status).toBe(202);
    await waitFor(async () => parseDescribe((await cli.describe('nat')).stdout).fields['Available Replicas'] === '2', { timeoutMs: 30_000, what: 'nat at 2 units' });
    // the AlertManager webhook: firing adds a step (max 3 → step 1), resolved goes back to the min
    const alert = (status: string): Promise<Response> => api('/system/alert', { method: 'POST', body: JSON.stringify({ status, receiver: 'scale-up', alerts: [{ status, labels: { alertname: 'APIHighInvocationRate', function_name: 'nat.openfaas-fn' } }] }) });
    expect((await alert('firing')).status).toBe(200);
    await waitFor(async () => parseDescribe((await cli.describe('nat')).stdout).fields['Available Replicas'] === '3', { timeoutMs: 30_000, what: 'nat at 3 units after the alert' });
    expect((await alert('resolved')).status).toBe(200);
    expect((await api('/system/alert', { method: 'POST', body: '{"alerts":7}' })).status).toBe(400);
    expect((await api('/system/scale-function/nat', { method: 'POST', body: JSON.stringify({ replicas: 0 }) })).status).toBe(400);
    expect((await api('/system/scale-function/nope', { method: 'POST', body: JSON.stringify({ replicas: 1 }) })).status).toBe(404);
  });

  test('secret create / list (no values listed); logs', async () => {
    const c = await cli.secretCreate('api-key', 'v3ry-secret');
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('Created: 202 Accepted');
    const l = await cli.secretList();
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/api-key/);
    const raw = await (await api('/system/secrets')).text();
    expect(raw).not.toContain('v3ry-secret');
    const logs = await cli.logs('nat');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/compute unit listening/);
  });

  test('rejections: bad credentials, malformed bodies, bad names, unknown functions, oversized bodies; still serving', async () => {
    const noAuth = await fetch(url('/system/functions'));
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('www-authenticate')).toBe('Basic realm="Restricted"');
    expect(await noAuth.text()).toBe('invalid credentials');
    expect((await fetch(url('/system/functions'), { headers: { authorization: 'Bearer ' } })).status).toBe(401);
    const notJson = await api('/system/functions', { method: 'POST', body: '{"service":' });
    expect(notJson.status).toBe(400);
    const badName = await api('/system/functions', { method: 'POST', body: JSON.stringify({ service: 'Bad_Name', image: 'x' }) });
    expect(badName.status).toBe(400);
    expect(await badName.text()).toMatch(/^service: invalid name/);
    const badSetting = await api('/system/functions', { method: 'POST', body: JSON.stringify({ service: 'nat2', image: 'x', annotations: { 'com.snf.nf': 'nat', 'com.snf.alpha': '7' } }) });
    expect(badSetting.status).toBe(400);
    expect(await badSetting.text()).toMatch(/^com\.snf\.alpha:/);
    expect((await api('/system/functions', { method: 'PUT', body: JSON.stringify({ service: 'lb', image: 'x' }) })).status).toBe(404);
    expect((await api('/system/function/nope')).status).toBe(404);
    expect((await api('/system/function/bad%20name')).status).toBe(404);
    const unknown = await fetch(url('/function/nope'), { method: 'POST', body: Buffer.from('x') });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/error finding function nope\.openfaas-fn/);
    expect((await api('/system/functions', { method: 'DELETE', body: JSON.stringify({ functionName: 'nope' }) })).status).toBe(404);
    expect((await api('/system/functions', { method: 'POST', body: JSON.stringify({ service: 'big', image: 'x', labels: { pad: 'x'.repeat(2 * 1024 * 1024) } }) })).status).toBe(413);
    expect((await fetch(url('/function/nat'), { method: 'POST', body: Buffer.alloc(70_000) })).status).toBe(413);
    const d = await cli.describe('nope');
    expect(d.code).not.toBe(0);
    expect(d.stdout + d.stderr).toMatch(/No such function: nope/i);
    const health = await fetch(url('/healthz'));
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('OK');
    expect((await api('/system/functions')).status).toBe(200);
  });

  test('restart on the same state file: the functions and secrets come back, then remove', async () => {
    const before = parseDescribe((await cli.describe('nat')).stdout).annotations['com.snf.udp-port'];
    expect(await up.stop()).toBe(0);
    expect(up.err()).toMatch(/stopped; rejected requests: .*"unauthorized":[1-9]/);
    up = await startUp(stateDir);
    cli = new FaasCli(bin!, `http://127.0.0.1:${up.port}`, join(dir, 'openfaas'), dir);
    expect(up.err()).toMatch(/restored nat, whitelist|restored whitelist, nat/);
    expect((await cli.login('admin', password)).code).toBe(0);
    const fns = parseList((await cli.list()).stdout);
    expect(Object.keys(fns).sort()).toEqual(['nat', 'whitelist']);
    const { fields, annotations } = parseDescribe((await cli.describe('nat')).stdout);
    expect(fields.Status).toBe('Ready');
    expect(annotations['com.snf.udp-port']).toBe(before); // the same packet ingress when the port is still free
    expect((await cli.secretList()).stdout).toMatch(/api-key/);
    const r = await cli.invoke('nat', udp('10.0.0.6', 40001, '198.51.100.7', 53, 'again'));
    expect(r.code).toBe(0);
    expect([...r.raw.subarray(12, 16)].join('.')).toBe('203.0.113.1');
    for (const fn of ['nat', 'whitelist']) {
      const rm = await cli.remove(fn);
      expect(rm.code).toBe(0);
      expect(rm.stdout).toContain('Removing old function.');
    }
    const gone = await cli.remove('nat');
    expect(gone.code).not.toBe(0);
    expect(gone.stdout + gone.stderr).toMatch(/No existing function to remove/);
    expect(parseList((await cli.list()).stdout)).toEqual({});
  });
});

suite("the repo's stack.yml onto snf up", () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-up-stack-'));
  let up: Up;
  let cli: FaasCli;

  beforeAll(async () => {
    up = await startUp(join(dir, 'state'));
    // From the project root: faas-cli reads lang snf-ts from ./template/snf-ts.
    cli = new FaasCli(bin!, `http://127.0.0.1:${up.port}`, join(dir, 'openfaas'), ROOT);
    const password = readFileSync(join(dir, 'state', 'secrets', 'basic-auth-password'), 'utf8').trim();
    expect((await cli.login('admin', password)).code).toBe(0);
  });
  afterAll(async () => {
    if (up) await up.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('deploys the five NFs and the chain edge (lang snf-ts from template/), a packet goes through the chain, remove -f takes them all', async () => {
    const repoStack = join(ROOT, 'stack.yml');
    const d = await cli.deploy(repoStack);
    expect(d.code).toBe(0);
    expect(d.stdout.match(/Deployed\. 202 Accepted\./g)).toHaveLength(6);
    const l = parseList((await cli.list()).stdout);
    expect(Object.keys(l).sort()).toEqual(['edge', 'ids', 'lb', 'nat', 'qos', 'udp-whitelist']);
    expect(parseDescribe((await cli.describe('edge')).stdout).annotations['com.snf.nf']).toBe('udp-whitelist,nat');
    // An outbound UDP packet through the chain: the whitelist lets it out, the NAT rewrites its source.
    const pkt = udp('10.0.0.5', 40001, '198.51.100.7', 53, 'chain');
    const r = await cli.invoke('edge', pkt);
    expect(r.code).toBe(0);
    expect([...r.raw.subarray(12, 16)].join('.')).toBe('203.0.113.1');
    expect(checksumsValid(r.raw)).toEqual({ ip: true, l4: true });
    const rm = await cli.removeStack(repoStack);
    expect(rm.code).toBe(0);
    expect(parseList((await cli.list()).stdout)).toEqual({});
  });
});
