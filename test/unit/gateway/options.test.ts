import { DEFAULT_PARAMS } from '../../../gateway/controller';
import { defaultGatewayOptions, resolveRouting, unitEnvFor } from '../../../gateway/options';
import { EVICT_MARGIN_MS, LIVE, PAPER, unitSettings } from '../../../gateway/profiles';
import { ConfigError } from '../../../sdk/errors';
import { watchdogConfig } from '../../../watchdog/config';

const opts = (over: Partial<ReturnType<typeof defaultGatewayOptions>> = {}) => ({ ...defaultGatewayOptions('lb', 't'), ...over });

describe('gateway options → routing and unit environment', () => {
  test('external state runs on compute units (data plane, no targets); only packet mode uses HTTP units', () => {
    expect(resolveRouting(opts({ mode: 'flowlet/external' }))).toMatchObject({ http: false, externalState: true, replicate: false });
    expect(resolveRouting(opts({ mode: 'flowlet/proactive' }))).toMatchObject({ http: false, externalState: false, replicate: true });
    expect(resolveRouting(opts({ mode: 'flowlet' }))).toMatchObject({ state: 'proactive', replicate: true });
    expect(resolveRouting(opts({ mode: 'flowlet/reactive' }))).toMatchObject({ http: false, externalState: false, replicate: false });
    expect(resolveRouting(opts({ mode: 'packet' }))).toMatchObject({ http: true, externalState: false, replicate: false });
    expect(resolveRouting(opts({ mode: 'smartflow:50' })).params).toMatchObject({ mode: 'smartflow', smartflowPeriodNs: 50e6 });
    expect(() => resolveRouting(opts({ mode: 'flowlet/eager' }))).toThrow(ConfigError);
    expect(() => resolveRouting(opts({ mode: 'packet/reactive' }))).toThrow(/packet mode/);
  });

  test('the effective params are the LIVE profile overlaid with the options', () => {
    const r = resolveRouting(opts({ controller: { alpha: 0.5 }, minUnits: 2, maxUnits: 4 }));
    expect(r.params).toMatchObject({ ...LIVE.controller, alpha: 0.5, initialUnits: 2, maxUnits: 4, mode: 'flowlet' });
    expect(() => resolveRouting(opts({ controller: { alpha: 2 } }))).toThrow(/alpha/);
  });

  test('units push at the effective T/2 unless unitEnv says otherwise (a Gateway built without unitEnv)', () => {
    const o = opts();
    expect(unitEnvFor(o, resolveRouting(o), 'r').SNF_IDLE_PUSH_US).toBe(String(LIVE.controller.timeoutNs / 2e3));
    const t = opts({ controller: { timeoutNs: 3e6 } });
    expect(unitEnvFor(t, resolveRouting(t), 'r').SNF_IDLE_PUSH_US).toBe('1500');
    const x = opts({ unitEnv: { SNF_IDLE_PUSH_US: '777' } });
    expect(unitEnvFor(x, resolveRouting(x), 'r').SNF_IDLE_PUSH_US).toBe('777');
  });

  test('units count idleness on the gateway clock unless the NF time is the source\'s (tsNs is then not the gateway\'s clock)', () => {
    const o = opts();
    expect(unitEnvFor(o, resolveRouting(o), 'r').SNF_IDLE_GATEWAY_CLOCK).toBeUndefined();
    expect(watchdogConfig(unitEnvFor(o, resolveRouting(o), 'r'), { function: 'lb', token: 't', unitId: '1' }).idleGatewayClock).toBe(1);
    const s = opts({ nfTime: 'source' });
    expect(unitEnvFor(s, resolveRouting(s), 'r').SNF_IDLE_GATEWAY_CLOCK).toBe('0');
  });

  test('units forget a flow only after the controller does: SNF_EVICT_MS ≥ flowIdleExpiry + margin', () => {
    const o = opts({ unitEnv: { SNF_EVICT_MS: '1000' } });
    const env = unitEnvFor(o, resolveRouting(o), 'run1');
    expect(Number(env.SNF_EVICT_MS)).toBe(DEFAULT_PARAMS.flowIdleExpiryNs / 1e6 + EVICT_MARGIN_MS);
    const o2 = opts({ controller: { flowIdleExpiryNs: 200e9 } });
    expect(Number(unitEnvFor(o2, resolveRouting(o2), 'r').SNF_EVICT_MS)).toBe(200_000 + EVICT_MARGIN_MS);
    const o3 = opts({ unitEnv: { SNF_EVICT_MS: '900000' } });
    expect(unitEnvFor(o3, resolveRouting(o3), 'r').SNF_EVICT_MS).toBe('900000');
    // The watchdog's own defaults are PAPER's derived settings (it may not import the gateway).
    const wd = watchdogConfig({}, { function: 'lb', token: 't', unitId: '1' });
    expect({ idlePushUs: wd.idlePushUs, evictMs: wd.evictMs }).toEqual({ idlePushUs: unitSettings(PAPER.controller).idlePushUs, evictMs: unitSettings(PAPER.controller).evictMs });
  });

  test('units get maxUnits, and external state its per-run namespace; the result is a valid watchdog config', () => {
    const o = opts({ mode: 'flowlet/external', maxUnits: 6, unitEnv: { SNF_IDLE_PUSH_US: '500' } });
    const env = unitEnvFor(o, resolveRouting(o), 'abc123');
    expect(env).toMatchObject({ SNF_MAX_UNITS: '6', SNF_STATE: 'external', SNF_STATE_NS: 'abc123', SNF_IDLE_PUSH_US: '500' });
    const cfg = watchdogConfig(env, { function: 'lb', token: 't', unitId: '6' });
    expect(cfg).toMatchObject({ maxUnits: 6, stateStore: 'external', stateNamespace: 'abc123' });
    expect(() => watchdogConfig(env, { function: 'lb', token: 't', unitId: '7' })).toThrow(/outside 1\.\.6/);
    const p = opts({ mode: 'flowlet/proactive' });
    expect(unitEnvFor(p, resolveRouting(p), 'x').SNF_STATE).toBeUndefined();
  });
});

describe('profiles', () => {
  test('PAPER is the controller defaults, LIVE differs only where measured; both frozen', () => {
    expect(PAPER.controller).toBe(DEFAULT_PARAMS);
    const differ = Object.keys(LIVE.controller).filter((k) => LIVE.controller[k as keyof typeof DEFAULT_PARAMS] !== DEFAULT_PARAMS[k as keyof typeof DEFAULT_PARAMS]);
    expect(differ.sort()).toEqual(['avoidBehindUnits', 'awaitUnitUp', 'backlogBudgetNs', 'holdRetiredIds', 'idleRetireNs', 'pendingStaysWhenFull', 'sizeForkStays', 'standbyUnits', 'startOneAtATime', 'timeoutNs']);
    for (const p of [PAPER, LIVE]) expect(Object.isFrozen(p) && Object.isFrozen(p.controller)).toBe(true);
  });
  test('unitSettings derives T/2 and expiry + margin', () => {
    expect(unitSettings({ timeoutNs: 500_000, flowIdleExpiryNs: 60e9 })).toEqual({ idlePushNs: 250_000, idlePushUs: 250, evictMs: 65_000 });
    expect(unitSettings({ timeoutNs: 1, flowIdleExpiryNs: 1 }).idlePushUs).toBe(1);
  });
});
