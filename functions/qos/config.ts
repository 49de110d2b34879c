/**
 * QoS policer configuration (table in functions/README.md). The committed rate and bucket size
 * (per class) are the NF configuration state of paper §8.
 */
import { ConfigError } from '../../sdk/errors';
import { array, integer, number, object, oneOf, optional, type Infer } from '../../sdk/config';

const rate = () => number({ min: 1, max: 1e12 });
const burst = () => integer({ min: 1, max: 1e9 });

const schema = object({
  /** Committed information rate, bits per second. */
  rateBps: rate(),
  /** Token bucket size, bytes (the largest burst admitted at once). */
  burstBytes: burst(),
  /** What happens to an over-rate packet: dropped, or forwarded with DSCP = markDscp. */
  action: optional(oneOf(['drop', 'mark'] as const), 'drop'),
  /** DSCP written on over-rate packets when action is 'mark' (8 = CS1, "lower effort"). */
  markDscp: optional(integer({ min: 0, max: 63 }), 8),
  /** Per-class overrides: a connection whose first packet has one of `ports` as destination
   *  (else as source) port uses this rate and bucket. First matching class wins. */
  classes: optional(
    array(
      object({
        ports: array(integer({ min: 1, max: 65535 }), { minLength: 1 }),
        rateBps: rate(),
        burstBytes: burst(),
      }),
      { maxLength: 254 },
    ),
    [],
  ),
});

export type QosConfig = Infer<typeof schema>;

export const qosConfig = {
  parse(raw: unknown): QosConfig {
    const c = schema.parse(raw);
    const seen = new Map<number, number>();
    c.classes.forEach((k, i) =>
      k.ports.forEach((port, j) => {
        const prev = seen.get(port);
        if (prev !== undefined) throw new ConfigError(`classes.${i}.ports.${j}`, `port ${port} is already in classes.${prev}`);
        seen.set(port, i);
      }),
    );
    return c;
  },
};

/** Works with no files: 10 Mbit/s per connection with a 64 KiB bucket, over-rate dropped. */
export const qosDefaultConfig = {
  rateBps: 10_000_000,
  burstBytes: 65_536,
  action: 'drop',
  markDscp: 8,
  classes: [],
};
