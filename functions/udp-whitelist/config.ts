/** UDP whitelister configuration (table in functions/README.md). */
import { array, cidr, integer, object, optional, type Infer } from '../../sdk/config';

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

const schema = object({
  /** Inside networks: UDP from here to outside is a request; outside → here is a response. */
  internal: optional(array(cidr(), { minLength: 1 }), RFC1918.map((c) => cidr().parse(c))),
  /** A whitelist entry admits responses for this long after the last request; 0 = forever. */
  expiryMs: optional(integer({ min: 0, max: 86_400_000 }), 120_000),
});

export type UdpWhitelistConfig = Infer<typeof schema>;

export const udpWhitelistConfig = {
  parse(raw: unknown): UdpWhitelistConfig {
    return schema.parse(raw);
  },
};

export const udpWhitelistDefaultConfig = {
  internal: RFC1918,
  expiryMs: 120_000,
};
