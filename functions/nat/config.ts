/**
 * NAT configuration (see functions/README.md for the table). The port range is the paper's NF
 * configuration state: every unit of the function gets the same range unless the deployer gives
 * each its own slice (the safe way to scale a NAT out, see the README).
 */
import { ConfigError } from '../../sdk/errors';
import { array, cidr, integer, ipv4, object, oneOf, optional, type Infer } from '../../sdk/config';

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

const schema = object({
  publicIp: ipv4(),
  internal: optional(array(cidr(), { minLength: 1 }), RFC1918.map((c) => cidr().parse(c))),
  ports: optional(
    object({
      min: integer({ min: 1, max: 65535 }),
      max: integer({ min: 1, max: 65535 }),
    }),
    { min: 1024, max: 65535 },
  ),
  idleTimeoutMs: optional(
    object({
      tcp: optional(integer({ min: 1, max: 86_400_000 }), 300_000),
      udp: optional(integer({ min: 1, max: 86_400_000 }), 30_000),
    }),
    { tcp: 300_000, udp: 30_000 },
  ),
  otherProtocols: optional(oneOf(['drop', 'forward'] as const), 'drop'),
});

export type NatConfig = Infer<typeof schema>;

export const natConfig = {
  parse(raw: unknown): NatConfig {
    const c = schema.parse(raw);
    if (c.ports.min > c.ports.max) {
      throw new ConfigError('ports.min', `must be ≤ ports.max (${c.ports.max}), got ${c.ports.min}`);
    }
    return c;
  },
};

/** Works with no files: a documentation-range public address (RFC 5737) and RFC 1918 inside. */
export const natDefaultConfig = {
  publicIp: '203.0.113.1',
  internal: RFC1918,
  ports: { min: 1024, max: 65535 },
  idleTimeoutMs: { tcp: 300_000, udp: 30_000 },
  otherProtocols: 'drop',
};
