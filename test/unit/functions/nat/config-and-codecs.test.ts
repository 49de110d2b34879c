/** Config schemas (defaults, field-naming errors) and binary state codecs of the four NFs. */
import { lb } from '../../../../functions/lb';
import { nat } from '../../../../functions/nat';
import { qos } from '../../../../functions/qos';
import { udpWhitelist } from '../../../../functions/udp-whitelist';
import { ConfigError } from '../../../../sdk/errors';
import type { NetworkFunction } from '../../../../sdk/types';

function fieldOf(nf: NetworkFunction<unknown, unknown>, raw: unknown): string {
  try {
    nf.config.parse(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).field;
  }
  throw new Error('expected a ConfigError');
}

const all = [nat, lb, udpWhitelist, qos] as NetworkFunction<unknown, unknown>[];

describe.each(all.map((nf) => [nf.name, nf] as const))('%s', (_n, nf) => {
  it('parses its defaultConfig, frozen, and builds a handler from it', () => {
    const c = nf.config.parse(nf.defaultConfig);
    expect(Object.isFrozen(c)).toBe(true);
    expect(typeof nf.create(c).process).toBe('function');
  });

  it('rejects unknown fields by name', () => {
    expect(fieldOf(nf, { ...(nf.defaultConfig as object), bogus: 1 })).toBe('bogus');
  });
});

describe('field-naming config errors', () => {
  it.each([
    [nat, {}, 'publicIp'],
    [nat, { publicIp: '1.2.3' }, 'publicIp'],
    [nat, { publicIp: '1.2.3.4', internal: ['10.0.0.1/8'] }, 'internal.0'],
    [nat, { publicIp: '1.2.3.4', ports: { min: 2000, max: 1000 } }, 'ports.min'],
    [nat, { publicIp: '1.2.3.4', ports: { min: 0, max: 1000 } }, 'ports.min'],
    [nat, { publicIp: '1.2.3.4', idleTimeoutMs: { udp: -1 } }, 'idleTimeoutMs.udp'],
    [nat, { publicIp: '1.2.3.4', otherProtocols: 'maybe' }, 'otherProtocols'],
    [lb, { servers: [] }, 'servers'],
    [lb, { servers: ['10.0.0.1', 'x'] }, 'servers.1'],
    [lb, { servers: ['10.0.0.1'], vip: 7 }, 'vip'],
    [lb, { servers: ['10.0.0.1'], hash: 'round-robin' }, 'hash'],
    [udpWhitelist, { expiryMs: 'soon' }, 'expiryMs'],
    [udpWhitelist, { internal: [] }, 'internal'],
    [qos, { burstBytes: 10 }, 'rateBps'],
    [qos, { rateBps: 0, burstBytes: 10 }, 'rateBps'],
    [qos, { rateBps: 8000, burstBytes: 10, action: 'shape' }, 'action'],
    [qos, { rateBps: 8000, burstBytes: 10, markDscp: 64 }, 'markDscp'],
    [qos, { rateBps: 8000, burstBytes: 10, classes: [{ ports: [53], rateBps: 1, burstBytes: 1 }, { ports: [80, 53], rateBps: 1, burstBytes: 1 }] }, 'classes.1.ports.1'],
    [qos, { rateBps: 8000, burstBytes: 10, classes: [{ ports: [], rateBps: 1, burstBytes: 1 }] }, 'classes.0.ports'],
  ] as [NetworkFunction<unknown, unknown>, unknown, string][])('%#: %s', (nf, raw, field) => {
    expect(fieldOf(nf, raw)).toBe(field);
  });

  it('accepts string spellings of scalars (Redis hashes carry strings)', () => {
    const c = qos.config.parse({ rateBps: '8000', burstBytes: '1500', action: 'mark' }) as { rateBps: number; burstBytes: number };
    expect(c).toMatchObject({ rateBps: 8000, burstBytes: 1500 });
  });
});

describe('state codecs round-trip compact binary values', () => {
  it.each([
    [nat, { internalIp: 0xc0a80101, internalPort: 40000, publicPort: 65535, lastSeenNs: 298_123_456_789, flags: 9 }, 17],
    [lb, { clientIp: 0xffffffff, clientPort: 1, serverIndex: 2, packets: 123456 }, 16],
    [udpWhitelist, { requestSeenNs: 1.5e9, responses: 7 }, 16],
    [qos, { lastNs: 12345, tokens: 1499.75, classIndex: 3 }, 17],
  ] as [NetworkFunction<unknown, unknown>, unknown, number][])('%#', (nf, value, bytes) => {
    const b = nf.stateCodec.encode(value);
    expect(b.length).toBe(bytes);
    expect(nf.stateCodec.decode(b)).toEqual(value);
    expect(() => nf.stateCodec.decode(b.subarray(1))).toThrow(expect.objectContaining({ code: 'SNF_ERR_STATE_CODEC' }));
  });
});
