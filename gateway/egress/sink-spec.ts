/** The `--udp-egress` spec: `udp:<host>:<port>` or `pcap:<file>`; parsed once, strictly. */
import type * as dgram from 'dgram';
import { ConfigError } from '../../sdk/errors';
import { NullSink, type EgressSink } from './egress-sink';
import { PcapEgress } from './pcap-egress';
import { UdpEgress } from './udp-egress';

export type EgressSpec = { kind: 'udp'; host: string; port: number } | { kind: 'pcap'; file: string };

/** null → null (no egress: counted and dropped); ConfigError on anything else malformed. */
export function parseEgressSpec(spec: string | null): EgressSpec | null {
  if (spec === null) return null;
  const udp = /^udp:([^:]+):(\d{1,5})$/.exec(spec);
  if (udp !== null) {
    const port = Number(udp[2]);
    if (port < 1 || port > 65535) throw new ConfigError('udpEgress', `port out of range in "${spec}"`);
    return { kind: 'udp', host: udp[1]!, port };
  }
  if (spec.startsWith('pcap:') && spec.length > 5) return { kind: 'pcap', file: spec.slice(5) };
  throw new ConfigError('udpEgress', `must be udp:<host>:<port> or pcap:<file> (got "${spec}")`);
}

/** The sink for UDP ingress; UDP egress leaves from the ingress socket (replies come from the gateway's port). */
export function createEgressSink(spec: EgressSpec | null, socket: dgram.Socket): EgressSink {
  if (spec === null) return new NullSink();
  if (spec.kind === 'udp') return new UdpEgress(socket, spec.host, spec.port);
  return new PcapEgress(spec.file);
}
