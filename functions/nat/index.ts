/**
 * nat — source NAT of inside hosts onto one public address (paper §8). The public port pool is
 * the NF configuration state (unit-local; each unit allocates from its own slice, see handler.ts);
 * the per-connection port mapping is the per-flow state.
 */
import { ConfigError } from '../../sdk/errors';
import { SINGLE_UNIT, type NetworkFunction, type UnitInfo } from '../../sdk/types';
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
  /** Every reason its handler passes to ctx.drop (interned when created). */
  dropReasons: ['nat_unsupported_protocol', 'nat_fragment', 'nat_no_mapping', 'nat_ports_exhausted', 'nat_mapping_closed', 'nat_port_conflict'],
  create(c: NatConfig, unit: UnitInfo = SINGLE_UNIT): NatHandler {
    checkUnit(unit, c.ports.max - c.ports.min + 1);
    return new NatHandler({
      unitId: unit.id,
      maxUnits: unit.maxUnits,
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

/** Each unit needs a non-empty slice of the port range: ids in [1, maxUnits], maxUnits ≤ ports. */
function checkUnit(u: UnitInfo, ports: number): void {
  if (!Number.isInteger(u.maxUnits) || u.maxUnits < 1 || u.maxUnits > ports) {
    throw new ConfigError('unit.maxUnits', `must be an integer in [1, ${ports}] (one port per unit at least), got ${u.maxUnits}`);
  }
  if (!Number.isInteger(u.id) || u.id < 1 || u.id > u.maxUnits) {
    throw new ConfigError('unit.id', `must be an integer in [1, ${u.maxUnits}], got ${u.id}`);
  }
}

export default nat;
export type { NatConfig, NatState };
