import * as fs from 'fs';
import * as path from 'path';
import { ENV_KEYS, gatewayConfig } from '../../../gateway/config';
import { resolveRouting, unitEnvFor } from '../../../gateway/options';
import { unitBaseEnv } from '../../../gateway/unit-env';
import { ConfigError } from '../../../sdk/errors';

const base = { SNF_GATEWAY_FUNCTION: 'lb', SNF_GATEWAY_TOKEN: 't' };

describe('gatewayConfig', () => {
  test('defaults, deeply frozen, LIVE controller (nothing overridden)', () => {
    const c = gatewayConfig(base);
    expect(c).toMatchObject({ function: 'lb', token: 't', host: '127.0.0.1', streamPort: 7070, udpPort: null, udpEgress: null, mode: 'flowlet', nfTime: 'arrival', minUnits: 1, maxUnits: 8, unitNodeFlags: [], controller: {} });
    expect(Object.isFrozen(c) && Object.isFrozen(c.controller) && Object.isFrozen(c.unitEnv) && Object.isFrozen(c.unitNodeFlags)).toBe(true);
  });

  test('flags win over env; SNF_TOKEN is accepted; T in µs becomes the controller T and the units\' T/2', () => {
    const c = gatewayConfig({ SNF_GATEWAY_FUNCTION: 'nat', SNF_TOKEN: 'x', SNF_GATEWAY_MODE: 'flow', SNF_GATEWAY_TIMEOUT_US: '4000', SNF_GATEWAY_UNIT_NODE_FLAGS: ' --a  --b=1 ' }, { mode: 'flowlet/reactive', listen: '0', alpha: '0.5' });
    expect(c).toMatchObject({ function: 'nat', token: 'x', mode: 'flowlet/reactive', streamPort: 0, unitNodeFlags: ['--a', '--b=1'], controller: { timeoutNs: 4e6, alpha: 0.5 } });
    const r = resolveRouting(c);
    expect(r).toMatchObject({ state: 'reactive', params: { timeoutNs: 4e6, alpha: 0.5 } });
    expect(unitEnvFor(c, r, 'run').SNF_IDLE_PUSH_US).toBe('2000');
  });

  test.each([
    [{ ...base, SNF_GATEWAY_LISTNE: '1' }, {}, /SNF_GATEWAY_LISTNE: unknown SNF_GATEWAY_\* setting/],
    [{ ...base, SNF_GATEWAY_MAX_UNITS: 'many' }, {}, /SNF_GATEWAY_MAX_UNITS: not an integer/],
    [{ ...base }, { minUnits: '0' }, /--min-units: not an integer/],
    [{ ...base }, { minUnits: '4', maxUnits: '2' }, /--min-units: 4 exceeds/],
    [{ ...base }, { udp: '70000' }, /--udp: not a port/],
    [{ ...base }, { mode: 'flowlet/eager' }, /--mode: .*unknown state mode "eager"/],
    [{ ...base, SNF_GATEWAY_ALPHA: '1.5' }, {}, /SNF_GATEWAY_ALPHA: not a number in \[0, 1\]/],
    [{ ...base }, { timeoutUs: '0' }, /--timeout-us: not a positive number/],
    [{ ...base }, { nfTime: 'now' }, /--nf-time: must be arrival or source/],
    [{ ...base }, { udpEgress: 'tcp:x' }, /--udp-egress: must be udp/],
    [{ ...base, SNF_GATEWAY_LINK_MAX_QUEUED: '-1' }, {}, /SNF_GATEWAY_LINK_MAX_QUEUED: not a count in 0–1048576/],
    [{ ...base, SNF_GATEWAY_LINK_MAX_QUEUED: '2000000' }, {}, /SNF_GATEWAY_LINK_MAX_QUEUED: not a count/],
    [{ SNF_GATEWAY_FUNCTION: 'lb' }, {}, /--token: required/],
    [{ SNF_GATEWAY_TOKEN: 't' }, {}, /--function: required/],
  ])('rejects %j %j', (env, flags, msg) => {
    expect(() => gatewayConfig(env as Record<string, string>, flags)).toThrow(ConfigError);
    expect(() => gatewayConfig(env as Record<string, string>, flags)).toThrow(msg);
  });

  test('link backpressure: 8192 packets by default, 0 turns it off', () => {
    expect(gatewayConfig(base).linkMaxQueued).toBe(8192);
    expect(gatewayConfig({ ...base, SNF_GATEWAY_LINK_MAX_QUEUED: '0' }).linkMaxQueued).toBe(0);
  });

  test('units\' and other components\' SNF_* names are tolerated', () => {
    expect(() => gatewayConfig({ ...base, SNF_SWEEP_MS: '2', SNF_DATA: '/d' })).not.toThrow();
  });

  test('--capacity-bps sets the controller capacity; --of-watchdog only for packet with one unit', () => {
    const base = { function: 'lb', token: 't' };
    expect(gatewayConfig({}, { ...base, capacityBps: '3e8' }).controller.unitCapacityBps).toBe(3e8);
    expect(gatewayConfig({}, { ...base, mode: 'packet', maxUnits: '1', ofWatchdog: '/x/of-watchdog' }).ofWatchdog).toBe('/x/of-watchdog');
    expect(() => gatewayConfig({}, { ...base, maxUnits: '1', ofWatchdog: '/x' })).toThrow(/--of-watchdog.*packet/);
    expect(() => gatewayConfig({}, { ...base, mode: 'packet', maxUnits: '2', ofWatchdog: '/x' })).toThrow(/8081/);
  });

  test('--standby-units / SNF_GATEWAY_STANDBY_UNITS: 0 allowed, default from the LIVE profile, bad values named', () => {
    const base = { function: 'lb', token: 't' };
    expect(gatewayConfig({}, { ...base, standbyUnits: '0' }).controller.standbyUnits).toBe(0);
    expect(gatewayConfig({ SNF_GATEWAY_STANDBY_UNITS: '2' }, base).controller.standbyUnits).toBe(2);
    expect(gatewayConfig({}, base).controller.standbyUnits).toBeUndefined();
    expect(() => gatewayConfig({}, { ...base, standbyUnits: '-1' })).toThrow(/--standby-units/);
    expect(() => gatewayConfig({ SNF_GATEWAY_STANDBY_UNITS: 'one' }, base)).toThrow(/SNF_GATEWAY_STANDBY_UNITS/);
  });

  test('README table lists exactly the env keys', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    const names = [...readme.matchAll(/^\| `(SNF_GATEWAY_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(names.sort()).toEqual(Object.keys(ENV_KEYS).sort());
  });
});

describe('unitBaseEnv', () => {
  test('keeps what a unit needs, not the gateway\'s whole environment', () => {
    const env = unitBaseEnv({
      PATH: '/bin', HOME: '/h', NODE_OPTIONS: '--x', LC_ALL: 'C', REDIS_URL: 'redis://r', KAFKA_BROKERS: 'k:9092',
      SNF_SWEEP_MS: '2', SNF_DATA: '/d', SNF_GATEWAY_MODE: 'flow', AWS_SECRET_ACCESS_KEY: 's', SSH_AUTH_SOCK: '/tmp/a', UNDEF: undefined,
    });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', NODE_OPTIONS: '--x', LC_ALL: 'C', REDIS_URL: 'redis://r', KAFKA_BROKERS: 'k:9092', SNF_SWEEP_MS: '2', SNF_DATA: '/d' });
  });
});
