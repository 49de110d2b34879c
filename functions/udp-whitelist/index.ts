/**
 * udp-whitelist — admits UDP responses only for connections an inside client opened with a
 * request (paper §8). The inside networks are the configuration state; the per-connection
 * whitelist entry is the per-flow state.
 */
import type { NetworkFunction } from '../../sdk/types';
import { AddressSet } from '../nat/address-set';
import { udpWhitelistConfig, udpWhitelistDefaultConfig, type UdpWhitelistConfig } from './config';
import { UdpWhitelistHandler } from './handler';
import { udpWhitelistStateCodec, type UdpWhitelistState } from './state';

export const udpWhitelist: NetworkFunction<UdpWhitelistConfig, UdpWhitelistState> = {
  name: 'udp-whitelist',
  description: 'UDP whitelister: outside → inside UDP passes only after an inside client sent a request on that connection',
  config: udpWhitelistConfig,
  defaultConfig: udpWhitelistDefaultConfig,
  stateCodec: udpWhitelistStateCodec,
  /** Every reason its handler passes to ctx.drop (interned when created). */
  dropReasons: ['udp_fragment', 'udp_unsolicited', 'udp_expired'],
  create(c: UdpWhitelistConfig): UdpWhitelistHandler {
    return new UdpWhitelistHandler(new AddressSet(c.internal), c.expiryMs * 1e6);
  },
};

export default udpWhitelist;
export type { UdpWhitelistConfig, UdpWhitelistState };
