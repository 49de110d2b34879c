/**
 * Which StateBackend a unit runs (`SNF_STATE`), built from its parts. The one place that knows
 * the list of backends.
 */
import type { Logger } from 'pino';
import type { PacketProcessor } from '../runtime/packet-processor';
import type { StateBackend } from './backend';
import { ExternalStateBackend } from './external-backend';
import { ExternalStateStore } from './external-store';
import { PeerStateBackend, type PeerTransport } from './peer-backend';
import type { PushTiming } from './push-timing';

export type StateBackendKind = 'peer' | 'external';

export interface BackendDeps<C, S> {
  proc: PacketProcessor<C, S>;
  peers: PeerTransport;
  log: Logger;
  nowNs: () => number;
  /** After state arrived asynchronously: release, re-pull, answer waiting pulls, flush egress. */
  afterAsync: () => void;
  nf: string;
  redisUrl: string;
  stateNamespace: string;
  evictMs: number;
  /** Where the peer backend's pushes spend their time (STATS). */
  pushTiming?: PushTiming;
}

/** The backend for `SNF_STATE`. */
export function createStateBackend<C, S>(kind: StateBackendKind, d: BackendDeps<C, S>): StateBackend<S> {
  switch (kind) {
    case 'peer':
      return new PeerStateBackend(d.proc, d.peers, d.log, d.nowNs, d.afterAsync, d.pushTiming ?? null);
    case 'external':
      return new ExternalStateBackend(
        d.proc, new ExternalStateStore(d.redisUrl, d.stateNamespace, d.nf, d.evictMs, d.proc.counters), d.log, d.nowNs, d.afterAsync,
      );
    default:
      throw new Error(`unknown state backend ${JSON.stringify(kind)} (expected peer or external)`);
  }
}
