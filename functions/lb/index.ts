/**
 * lb — hash-based load balancer (paper §8). The server list is the NF configuration state; the
 * per-connection server choice and packet count are the per-flow state.
 */
import type { NetworkFunction } from '../../sdk/types';
import { lbConfig, lbDefaultConfig, type LbConfig } from './config';
import { LbHandler } from './handler';
import { lbStateCodec, type LbState } from './state';

export const lb: NetworkFunction<LbConfig, LbState> = {
  name: 'lb',
  description: 'Load balancer: each new connection is pinned to servers[hash(5-tuple) mod n]; the vip is restored on replies',
  config: lbConfig,
  defaultConfig: lbDefaultConfig,
  stateCodec: lbStateCodec,
  /** Every reason its handler passes to ctx.drop (interned when created). */
  dropReasons: ['lb_not_balanceable'],
  create(c: LbConfig): LbHandler {
    return new LbHandler(c.vip, c.servers);
  },
};

export default lb;
export type { LbConfig, LbState };
