import * as fs from 'fs';
import * as path from 'path';
import { ENV_KEYS, UNIT_ID_FROM_GATEWAY, watchdogConfig } from '../../../watchdog/config';
import { ConfigError } from '../../../sdk/errors';

const base = { SNF_FUNCTION: 'nat', SNF_TOKEN: 't', SNF_UNIT_ID: '3' };

describe('watchdogConfig', () => {
  test('defaults, frozen', () => {
    const c = watchdogConfig(base);
    expect(c).toMatchObject({ function: 'nat', unitId: 3, idlePushUs: 250, role: 'unit', httpPort: null, peers: {} });
    expect(Object.isFrozen(c)).toBe(true);
  });
  test('flags win over env; OpenFaaS aliases accepted', () => {
    const c = watchdogConfig({ ...base, max_inflight: '4', write_timeout: '15s', REDIS_URL: 'redis://x:1' }, { unitId: '7', peers: '1=127.0.0.1:7001, 2=h:7002' });
    expect(c).toMatchObject({ unitId: 7, maxInflight: 4, writeTimeoutMs: 15000, redisUrl: 'redis://x:1', peers: { 1: '127.0.0.1:7001', 2: 'h:7002' } });
  });
  test.each([
    [{ ...base, SNF_IDLE_PUSH_US: 'soon' }, /SNF_IDLE_PUSH_US: not a non-negative integer/],
    [{ ...base, SNF_LISTNE: '1' }, /SNF_LISTNE: unknown SNF_\* setting/],
    [{ ...base, SNF_UNIT_ID: '40000' }, /fit i16/],
    [{ SNF_FUNCTION: 'nat', SNF_UNIT_ID: '1' }, /--token: required/],
    [{ ...base, SNF_PEERS: '1=nohost' }, /bad peer/],
    [{ ...base, SNF_ROLE: 'boss' }, /unit or logger/],
    [{ ...base, SNF_UNIT_ID: 'auto' }, /or `gateway`/],
    [{ ...base, SNF_UNIT_ID: 'gateway', SNF_LOGGER: 'h:1' }, /without an output logger/],
    [{ ...base, SNF_UNIT_ID: 'gateway', SNF_ROLE: 'logger' }, /without an output logger/],
  ])('rejects %j', (env, msg) => {
    expect(() => watchdogConfig(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => watchdogConfig(env as Record<string, string>)).toThrow(msg);
  });
  test('SNF_UNIT_ID=gateway: the id comes from the gateway handshake (max units checked then)', () => {
    expect(watchdogConfig({ ...base, SNF_UNIT_ID: 'gateway', SNF_MAX_UNITS: '4' })).toMatchObject({ unitId: UNIT_ID_FROM_GATEWAY, maxUnits: 4 });
  });
  test('HTTP mode needs no token (no peers, no data plane)', () => {
    expect(watchdogConfig({ SNF_FUNCTION: 'nat' }, { http: '0' })).toMatchObject({ token: '', httpPort: 0, unitId: 0 });
    expect(watchdogConfig({ SNF_FUNCTION: 'nat', SNF_TOKEN: 't' }, { http: '8080' }).token).toBe('t');
  });
  test('other components\' SNF_* names are tolerated', () => {
    expect(() => watchdogConfig({ ...base, SNF_DATA: '/d', SNF_GATEWAY_PORT: '1' })).not.toThrow();
  });
  test('README table lists exactly the env keys', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../watchdog/README.md'), 'utf8');
    const names = [...readme.matchAll(/^\| `(SNF_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(names.sort()).toEqual(Object.keys(ENV_KEYS).sort());
  });
});

describe('SNF_HANDLER', () => {
  test('a handler path stands in for SNF_FUNCTION; neither is an error naming both', () => {
    const { SNF_FUNCTION: _, ...noFn } = base;
    expect(watchdogConfig({ ...noFn, SNF_HANDLER: '/home/app/function/handler.js' }).handler).toBe('/home/app/function/handler.js');
    expect(watchdogConfig(base).handler).toBeNull();
    expect(() => watchdogConfig(noFn)).toThrow(/--function: required \(or SNF_FUNCTION, or SNF_HANDLER\)/);
    expect(watchdogConfig({ ...base, SNF_FUNCTION: 'udp-whitelist,nat' }).function).toBe('udp-whitelist,nat');
  });
});
