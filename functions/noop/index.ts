/**
 * noop — forwards every packet untouched and keeps no state: the transport ceiling of the SNF path
 * (`snf bench live --function noop`: everything but the NF's own work and state movement).
 */
import { SnfError } from '../../sdk/errors';
import { object, type Infer } from '../../sdk/config';
import { Verdict, type PacketHandler, type StateCodec } from '../../sdk/types';

const schema = object({});
export type NoopConfig = Infer<typeof schema>;

/** No per-flow state: nothing is ever put, so nothing is ever encoded or decoded. */
const noopStateCodec: StateCodec<never> = {
  encode(): Buffer {
    throw new SnfError('SNF_ERR_STATE_CODEC', 'noop keeps no state');
  },
  decode(): never {
    throw new SnfError('SNF_ERR_STATE_CODEC', 'noop keeps no state');
  },
};

const handler: PacketHandler<never> = {
  process(): Verdict {
    return Verdict.FORWARD;
  },
};

export const noop = {
  name: 'noop',
  description: 'forwards every packet untouched, keeps no state (the transport ceiling in benchmarks)',
  config: { parse: (raw: unknown): NoopConfig => schema.parse(raw) },
  defaultConfig: {},
  stateCodec: noopStateCodec,
  create(): PacketHandler<never> {
    return handler;
  },
};

export default noop;
