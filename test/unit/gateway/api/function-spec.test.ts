import { validateDeployment, splitName, SpecError, type SpecContext } from '../../../../gateway/api/function-spec';
import { desiredReplicas, parseAlertBody } from '../../../../gateway/api/alert-rule';
import { toStatus } from '../../../../gateway/api/status';
import { checkBasic } from '../../../../gateway/api/auth';
import { LogRing } from '../../../../gateway/functions/log-ring';

const ctx: SpecContext = { knownNfs: ['nat', 'lb', 'ids', 'udp-whitelist', 'qos'], secrets: new Set(['api-key']) };
const base = { service: 'nat', image: 'snf/nat:0.1.0', labels: {}, annotations: {} };

describe('validateDeployment', () => {
  test('a stock faas-cli body for a built-in NF: defaults', () => {
    const s = validateDeployment(base, ctx);
    expect(s).toMatchObject({ name: 'nat', namespace: 'openfaas-fn', nf: 'nat', minUnits: 1, maxUnits: 8 });
    expect(s.flags).toMatchObject({ function: 'nat', listen: '0', udp: '0' });
  });
  test('settings from annotations and labels (annotations win); chains; scale labels', () => {
    const s = validateDeployment({
      ...base, service: 'edge',
      annotations: { 'com.snf.nf': 'udp-whitelist, nat', 'com.snf.mode': 'smartflow:50', 'com.snf.timeout-us': '5000', 'com.snf.k': '2', 'com.snf.alpha': '0.5' },
      labels: { 'com.snf.alpha': '0.9', 'com.snf.state': 'reactive', 'com.openfaas.scale.min': '2', 'com.openfaas.scale.max': '4', 'com.snf.udp-port': '0', 'com.snf.egress': 'udp:127.0.0.1:9000' },
      secrets: ['api-key'],
    }, ctx);
    expect(s).toMatchObject({ nf: 'udp-whitelist,nat', minUnits: 2, maxUnits: 4, params: { k: 2 } });
    expect(s.flags).toMatchObject({ mode: 'smartflow:50/reactive', timeoutUs: '5000', alpha: '0.5', udpEgress: 'udp:127.0.0.1:9000' });
  });
  test('the NF from envVars.SNF_FUNCTION or the context default', () => {
    expect(validateDeployment({ ...base, service: 'mynat', envVars: { SNF_FUNCTION: 'nat' } }, ctx).nf).toBe('nat');
    expect(validateDeployment({ ...base, service: 'x' }, { ...ctx, defaultNf: 'lb' }).nf).toBe('lb');
  });
  test.each([
    [null, /body: must be a JSON object/],
    [[1], /body: must be a JSON object/],
    [{ image: 'i' }, /service: required/],
    [{ ...base, service: 'Bad_Name' }, /service: invalid name/],
    [{ ...base, service: `a${'b'.repeat(63)}` }, /service: invalid name/],
    [{ ...base, image: '' }, /image: required/],
    [{ ...base, namespace: 'other' }, /namespace must be: openfaas-fn/],
    [{ ...base, labels: { a: 1 } }, /labels.a: must be a string/],
    [{ ...base, annotations: [] }, /annotations: must be an object/],
    [{ ...base, secrets: 'x' }, /secrets: must be a list/],
    [{ ...base, secrets: ['missing'] }, /unable to find secret "missing"/],
    [{ ...base, service: 'mystery' }, /com.snf.nf: required/],
    [{ ...base, annotations: { 'com.snf.nf': 'nat,nope' } }, /com.snf.nf: unknown network function "nope"/],
    [{ ...base, annotations: { 'com.snf.mode': 'flowletx' } }, /^com.snf.mode: unknown mode "flowletx"/],
    [{ ...base, annotations: { 'com.snf.mode': 'packet', 'com.snf.state': 'proactive' } }, /^com.snf.mode: packet mode/],
    [{ ...base, annotations: { 'com.snf.state': 'sometimes' } }, /^com.snf.state: must be/],
    [{ ...base, annotations: { 'com.snf.timeout-us': '-3' } }, /^com.snf.timeout-us: not a positive number/],
    [{ ...base, annotations: { 'com.snf.size-bytes': 'big' } }, /^com.snf.size-bytes:/],
    [{ ...base, annotations: { 'com.snf.alpha': '1.5' } }, /^com.snf.alpha: not a number in \[0, 1\]/],
    [{ ...base, annotations: { 'com.snf.k': '100' } }, /^com.snf.k: must be an integer in \[0, 64\]/],
    [{ ...base, annotations: { 'com.snf.k': '' } }, /^com.snf.k: not a number/],
    [{ ...base, annotations: { 'com.snf.unit-capacity-bps': '0' } }, /^com.snf.unit-capacity-bps:/],
    [{ ...base, annotations: { 'com.snf.udp-port': '70000' } }, /^com.snf.udp-port: not a port/],
    [{ ...base, annotations: { 'com.snf.egress': 'tcp:x' } }, /^com.snf.egress: must be udp/],
    [{ ...base, labels: { 'com.openfaas.scale.min': '0' } }, /^com.openfaas.scale.min:/],
    [{ ...base, labels: { 'com.openfaas.scale.min': '5', 'com.openfaas.scale.max': '2' } }, /^com.openfaas.scale.min: 5 exceeds/],
  ])('rejects %j with a 400 naming the field', (body, msg) => {
    let err: unknown;
    try {
      validateDeployment(body, ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).status).toBe(400);
    expect((err as SpecError).message).toMatch(msg);
  });
});

test('splitName: the namespace follows the last dot', () => {
  expect(splitName('nat')).toEqual({ name: 'nat', namespace: 'openfaas-fn' });
  expect(splitName('nat.openfaas-fn')).toEqual({ name: 'nat', namespace: 'openfaas-fn' });
  expect(splitName('a.b.c')).toEqual({ name: 'a.b', namespace: 'c' });
  expect(splitName('nat', 'dev')).toEqual({ name: 'nat', namespace: 'dev' });
});

describe('alert rule (stock scaling step)', () => {
  const t = { current: 2, min: 1, max: 8, labels: {} };
  test.each([
    ['firing', t, 3],
    ['firing', { ...t, current: 8 }, 8],
    ['resolved', t, 1],
    ['firing', { ...t, labels: { 'com.openfaas.scale.factor': '50' } }, 6],
    ['firing', { ...t, labels: { 'com.openfaas.scale.factor': '0' } }, 'com.openfaas.scale.factor: must be an integer in 1..100, got "0"'],
  ])('%s %j → %j', (status, target, want) => {
    expect(desiredReplicas(status, target)).toEqual(want);
  });
  test('body shape', () => {
    expect(parseAlertBody({ alerts: [{ status: 'firing', labels: { function_name: 'nat.openfaas-fn' } }] })).toHaveProperty('alerts');
    expect(parseAlertBody({})).toBe('alerts: must be a list');
    expect(parseAlertBody({ alerts: [{ labels: {} }] })).toBe('alerts[0].status: must be a string');
  });
});

test('toStatus leaves zero counts and empty maps out, reports the ingress ports', () => {
  const spec = validateDeployment(base, ctx);
  const s = toStatus({ spec, createdAt: '2026-01-01T00:00:00.000Z', replicas: 0, availableReplicas: 0, streamPort: 7, udpPort: 9, minUnits: 1, invocations: 0 });
  expect(s).toEqual({
    name: 'nat', image: 'snf/nat:0.1.0', namespace: 'openfaas-fn', createdAt: '2026-01-01T00:00:00.000Z',
    annotations: { 'com.snf.nf': 'nat', 'com.snf.stream-port': '7', 'com.snf.udp-port': '9' },
  });
  expect(toStatus({ spec, createdAt: 'x', replicas: 2, availableReplicas: 1, streamPort: 7, udpPort: 9, minUnits: 1, invocations: 3 })).toMatchObject({ replicas: 2, availableReplicas: 1, invocationCount: 3 });
});

test('checkBasic', () => {
  const creds = { user: 'admin', password: 'pw:with:colons' };
  const h = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;
  expect(checkBasic(h('admin:pw:with:colons'), creds)).toBe(true);
  expect(checkBasic(h('admin:wrong'), creds)).toBe(false);
  expect(checkBasic(h('root:pw:with:colons'), creds)).toBe(false);
  expect(checkBasic('Bearer ', creds)).toBe(false);
  expect(checkBasic(undefined, creds)).toBe(false);
});

test('LogRing: lines split across chunks, tail, instance, bounded', () => {
  const r = new LogRing('nat', 'openfaas-fn', 3);
  r.write('u1', 'a\nb', 1000);
  r.write('u1', 'c\n\nd\n', 2000);
  r.write('u2', 'e\n', 3000);
  expect(r.query({}).map((l) => l.text)).toEqual(['bc', 'd', 'e']);
  expect(r.dropped).toBe(1);
  expect(r.query({ tail: 1 }).map((l) => l.text)).toEqual(['e']);
  expect(r.query({ instance: 'u1' }).map((l) => l.text)).toEqual(['bc', 'd']);
  expect(r.query({ sinceMs: 2500 }).map((l) => l.text)).toEqual(['e']);
  expect(r.query({})[0]).toEqual({ name: 'nat', namespace: 'openfaas-fn', instance: 'u1', timestamp: new Date(2000).toISOString(), text: 'bc' });
});
