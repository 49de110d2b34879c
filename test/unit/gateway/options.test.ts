import { DEFAULT_PARAMS } from '../../../gateway/controller';
import { defaultGatewayOptions, EVICT_MARGIN_MS, resolveRouting, unitEnvFor } from '../../../gateway/options';
import { watchdogConfig } from '../../../watchdog/config';

const opts = (over: Partial<ReturnType<typeof defaultGatewayOptions>> = {}) => ({ ...defaultGatewayOptions('lb', 't'), ...over });

describe('gateway options → routing and unit environment', () => {
  test('external state runs on compute units (data plane, no targets); only packet mode uses HTTP units', () => {
    expect(resolveRouting(opts({ state: 'external' }))).toMatchObject({ http: false, externalState: true, replicate: false });
    expect(resolveRouting(opts({ state: 'proactive' }))).toMatchObject({ http: false, externalState: false, replicate: true });
    expect(resolveRouting(opts({ state: 'reactive' }))).toMatchObject({ http: false, externalState: false, replicate: false });
    expect(resolveRouting(opts({ mode: 'packet' }))).toMatchObject({ http: true, externalState: false, replicate: false });
  });

  test('units forget a flow only after the controller does: SNF_EVICT_MS ≥ flowIdleExpiry + margin', () => {
    const o = opts({ unitEnv: { SNF_EVICT_MS: '1000' } });
    const env = unitEnvFor(o, resolveRouting(o), 'run1');
    expect(Number(env.SNF_EVICT_MS)).toBe(DEFAULT_PARAMS.flowIdleExpiryNs / 1e6 + EVICT_MARGIN_MS);
    const o2 = opts({ controller: { flowIdleExpiryNs: 200e9 } });
    expect(Number(unitEnvFor(o2, resolveRouting(o2), 'r').SNF_EVICT_MS)).toBe(200_000 + EVICT_MARGIN_MS);
    const o3 = opts({ unitEnv: { SNF_EVICT_MS: '900000' } });
    expect(unitEnvFor(o3, resolveRouting(o3), 'r').SNF_EVICT_MS).toBe('900000');
    // The watchdog's own default is above the controller's default expiry too.
    expect(watchdogConfig({}, { function: 'lb', token: 't', unitId: '1' }).evictMs * 1e6).toBeGreaterThan(DEFAULT_PARAMS.flowIdleExpiryNs);
  });

  test('units get maxUnits, and external state its per-run namespace; the result is a valid watchdog config', () => {
    const o = opts({ state: 'external', maxUnits: 6, unitEnv: { SNF_IDLE_PUSH_US: '500' } });
    const env = unitEnvFor(o, resolveRouting(o), 'abc123');
    expect(env).toMatchObject({ SNF_MAX_UNITS: '6', SNF_STATE: 'external', SNF_STATE_NS: 'abc123', SNF_IDLE_PUSH_US: '500' });
    const cfg = watchdogConfig(env, { function: 'lb', token: 't', unitId: '6' });
    expect(cfg).toMatchObject({ maxUnits: 6, stateStore: 'external', stateNamespace: 'abc123' });
    expect(() => watchdogConfig(env, { function: 'lb', token: 't', unitId: '7' })).toThrow(/outside 1\.\.6/);
    const p = opts({ state: 'proactive' });
    expect(unitEnvFor(p, resolveRouting(p), 'x').SNF_STATE).toBeUndefined();
  });
});
