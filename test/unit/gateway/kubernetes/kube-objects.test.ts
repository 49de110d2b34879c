/** A function's Kubernetes objects (gateway/functions/kube-objects.ts): pure builders and the read-back. */
import { validateDeployment } from '../../../../gateway/api/function-spec';
import { deploymentFor, deploymentOf, secretFor, serviceFor, SPEC_ANNOTATION } from '../../../../gateway/functions/kube-objects';

const ctx = { knownNfs: ['nat', 'lb'], secrets: new Set(['k']) };

describe('kube-objects', () => {
  const spec = validateDeployment({
    service: 'nat', image: 'img:1', envProcess: 'node x', envVars: { A: '1', SNF_MAX_UNITS: '5' }, constraints: ['disk=ssd', 'junk'],
    secrets: ['k'], labels: { 'com.openfaas.scale.min': '2' }, annotations: { x: 'y' }, readOnlyRootFilesystem: true,
  }, ctx);

  it('builds the Deployment as faas-netes does, plus the unit settings; user env wins over them', () => {
    const d = deploymentFor(spec, { namespace: 'fns', unitEnv: { SNF_MAX_UNITS: '8', SNF_EVICT_MS: '65000' } });
    expect(d.metadata).toMatchObject({ name: 'nat', namespace: 'fns', labels: { faas_function: 'nat' } });
    expect(d.spec.replicas).toBe(2);
    const c = d.spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({ A: '1', fprocess: 'node x', SNF_MAX_UNITS: '5', SNF_EVICT_MS: '65000', SNF_FUNCTION: 'nat', SNF_UNIT_ID: 'gateway' });
    expect(c.env.filter((e: any) => e.name === 'SNF_MAX_UNITS')).toHaveLength(1);
    expect(env.NODE_OPTIONS).toBe('--max-semi-space-size=1');
    expect(c.securityContext).toEqual({ readOnlyRootFilesystem: true });
    expect(d.spec.template.spec.nodeSelector).toEqual({ disk: 'ssd' });
    expect(deploymentOf(d)).toEqual(spec.deployment);
    expect(deploymentOf({ metadata: { annotations: { [SPEC_ANNOTATION]: '{not json' } } })).toBeNull();
    expect(deploymentOf({})).toBeNull();
  });

  it('builds the Service with the data/peer ports EndpointSlices carry, and labelled Secrets', () => {
    expect(serviceFor(spec, 'fns').spec.ports.map((p: any) => p.name)).toEqual(['http', 'data', 'peer']);
    expect(secretFor({ name: 'k', value: 'v' }, 'fns').data).toEqual({ k: Buffer.from('v').toString('base64') });
    expect(secretFor({ name: 'k', rawValue: 'AAE=' }, 'fns').data).toEqual({ k: 'AAE=' });
  });
});
