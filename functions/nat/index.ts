/**
 * nat — source NAT of inside hosts onto one public address (paper §8). The public port pool is
 * the NF configuration state (unit-local); the per-connection port mapping is the per-flow state.
 */
import type { NetworkFunction } from '../../sdk/types';
import { AddressSet } from './address-set';
import { natConfig, natDefaultConfig, type NatConfig } from './config';
import { NatHandler } from './handler';
import { natStateCodec, type NatState } from './state';

export const nat: NetworkFunction<NatConfig, NatState> = {
  name: 'nat',
  description: 'Source NAT: outbound TCP/UDP connections get a public port from a pool; replies are translated back',
  config: natConfig,
  defaultConfig: natDefaultConfig,
  stateCodec: natStateCodec,
  create(c: NatConfig): NatHandler {
    return new NatHandler({
      publicIp: c.publicIp,
      inside: new AddressSet(c.internal),
      portMin: c.ports.min,
      portMax: c.ports.max,
      tcpIdleNs: c.idleTimeoutMs.tcp * 1e6,
      udpIdleNs: c.idleTimeoutMs.udp * 1e6,
      dropOtherProtocols: c.otherProtocols === 'drop',
    });
  },
};

export default nat;
export type { NatConfig, NatState };
