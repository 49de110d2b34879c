/**
 * LB configuration (table in functions/README.md). The server list is the NF configuration state
 * of paper §8; every unit holds the same list, so the hash picks the same server everywhere.
 */
import { array, ipv4, object, oneOf, optional, type Infer } from '../../sdk/config';

/** `vip` absent ⇒ every TCP/UDP connection is balanced (the lb sits in front of one service). */
const NO_VIP = 0;

const schema = object({
  vip: optional(ipv4(), NO_VIP),
  servers: array(ipv4(), { minLength: 1, maxLength: 65535 }),
  hash: optional(oneOf(['five-tuple'] as const), 'five-tuple'),
});

export type LbConfig = Infer<typeof schema>;

export const lbConfig = {
  parse(raw: unknown): LbConfig {
    return schema.parse(raw);
  },
};

/**
 * Works with no files: every connection balanced over three backends (no VIP), so any trace
 * exercises the per-connection state (a VIP absent from the trace would leave the LB idle).
 */
export const lbDefaultConfig = {
  servers: ['10.1.0.1', '10.1.0.2', '10.1.0.3'],
  hash: 'five-tuple',
};
