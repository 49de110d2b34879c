import { ConfigError } from '../../../sdk/errors';
import { array, boolean, cidr, cidrContains, integer, ipv4, number, object, oneOf, optional, string } from '../../../sdk/config';
import { parseIpv4 } from '../../../sdk/flow-key';

const schema = object({
  name: string({ minLength: 1 }),
  port: integer({ min: 1, max: 65535 }),
  rate: optional(number({ min: 0 }), 1.5),
  enabled: optional(boolean(), true),
  mode: oneOf(['nat', 'lb'] as const),
  publicIp: ipv4(),
  backends: array(object({ ip: ipv4(), weight: optional(integer({ min: 1 }), 1) }), { minLength: 1 }),
  allow: optional(array(cidr()), []),
});

const good = { name: 'nat0', port: 8080, mode: 'nat', publicIp: '203.0.113.7', backends: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2', weight: 3 }], allow: ['10.0.0.0/8'] };

function errorOf(raw: unknown): ConfigError {
  try {
    schema.parse(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config validators', () => {
  test('valid input → typed, deeply frozen value with defaults filled in', () => {
    const c = schema.parse(good);
    expect(c.port).toBe(8080);
    expect(c.rate).toBe(1.5);
    expect(c.enabled).toBe(true);
    expect(c.publicIp).toBe(parseIpv4('203.0.113.7'));
    expect(c.backends[0]!.weight).toBe(1);
    expect(c.backends[1]!.weight).toBe(3);
    expect(c.allow[0]).toEqual({ network: 0x0a000000, prefix: 8, mask: 0xff000000 });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.backends)).toBe(true);
    expect(Object.isFrozen(c.backends[0])).toBe(true);
    expect(Object.isFrozen(c.allow[0])).toBe(true);
  });

  test.each([
    ['port', { ...good, port: 0 }, /≥ 1/],
    ['port', { ...good, port: 1.5 }, /integer/],
    ['port', { ...good, port: '80x' }, /integer/],
    ['port', { ...good, port: undefined }, /required/],
    ['mode', { ...good, mode: 'fw' }, /one of "nat", "lb"/],
    ['publicIp', { ...good, publicIp: '300.1.1.1' }, /IPv4/],
    ['backends', { ...good, backends: [] }, /at least 1/],
    ['backends.1.weight', { ...good, backends: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2', weight: 0 }] }, /≥ 1/],
    ['backends.0.wieght', { ...good, backends: [{ ip: '10.0.0.1', wieght: 2 }] }, /unknown field/],
    ['allow.0', { ...good, allow: ['10.0.0.1/8'] }, /host bits/],
    ['allow.0', { ...good, allow: ['10.0.0.0/33'] }, /prefix/],
    ['extra', { ...good, extra: 1 }, /unknown field/],
    ['enabled', { ...good, enabled: 'yes' }, /true or false/],
    ['rate', { ...good, rate: -1 }, /≥ 0/],
    ['name', { ...good, name: '' }, /at least 1/],
    ['(root)', 'a string', /object/],
  ])('error names %s (case %#)', (field, raw, message) => {
    const e = errorOf(raw);
    expect(e.field).toBe(field);
    expect(e.code).toBe('SNF_ERR_CONFIG');
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
  });

  test('exact string spellings are accepted (Redis and env carry strings)', () => {
    const c = schema.parse({ ...good, port: '443', rate: '0.25', enabled: 'false' });
    expect([c.port, c.rate, c.enabled]).toEqual([443, 0.25, false]);
  });

  test('non-strict objects drop unknown fields', () => {
    const loose = object({ a: integer() }, { strict: false });
    expect(loose.parse({ a: 1, b: 2 })).toEqual({ a: 1 });
  });

  test('cidr: bare address is /32, /0 matches everything, membership', () => {
    const c = cidr();
    expect(c.parse('1.2.3.4')).toEqual({ network: 0x01020304, prefix: 32, mask: 0xffffffff });
    expect(cidrContains(c.parse('0.0.0.0/0'), 0xffffffff)).toBe(true);
    const net = c.parse('192.168.0.0/16');
    expect(cidrContains(net, parseIpv4('192.168.77.1'))).toBe(true);
    expect(cidrContains(net, parseIpv4('192.169.0.1'))).toBe(false);
  });

  test('integer rejects unsafe and non-finite numbers', () => {
    expect(() => integer().parse(2 ** 60)).toThrow(ConfigError);
    expect(() => number().parse(Infinity)).toThrow(ConfigError);
    expect(() => number().parse(NaN)).toThrow(ConfigError);
  });
});
