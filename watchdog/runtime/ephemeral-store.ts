/**
 * The unit's ephemeral per-flow store (paper §5.1): a FlowTable of FlowEntry keyed by the
 * canonical connection 5-tuple, plus two intrusive lists that make the idle sweep O(flows that
 * went idle) instead of O(all flows):
 *
 * - ACTIVE: flows that processed a packet here, oldest activity first. The sweep pops flows idle
 *   for ≥ idlePushNs (T/2) and pushes them.
 * - IDLE: flows already swept, oldest first; evicted after `evictNs` with nothing held.
 */
import { FlowTable } from '../../sdk/flow-table';
import type { FlowKey } from '../../sdk/flow-key';
import { EntryList, FlowEntry, ListId } from './flow-entry';

export class EphemeralStore<S> {
  readonly table = new FlowTable<FlowEntry<S>>(1024);
  readonly active = new EntryList<S>(ListId.ACTIVE);
  readonly idle = new EntryList<S>(ListId.IDLE);

  get size(): number {
    return this.table.size;
  }

  get(k: FlowKey): FlowEntry<S> | undefined {
    return this.table.getByFields(k.proto, k.srcIp, k.srcPort, k.dstIp, k.dstPort);
  }

  getOrCreate(k: FlowKey): FlowEntry<S> {
    let e = this.table.getByFields(k.proto, k.srcIp, k.srcPort, k.dstIp, k.dstPort);
    if (e === undefined) {
      e = new FlowEntry<S>();
      e.setKey(k);
      this.table.setByFields(k.proto, k.srcIp, k.srcPort, k.dstIp, k.dstPort, e);
    }
    return e;
  }

  /** Mark local activity: move to the tail of ACTIVE. */
  touch(e: FlowEntry<S>, nowNs: number): void {
    e.lastSeenNs = nowNs;
    this.unlink(e);
    this.active.append(e);
  }

  /** Move a swept flow to IDLE (its clock of going idle is kept in lastSeenNs). */
  markIdle(e: FlowEntry<S>): void {
    this.unlink(e);
    this.idle.append(e);
  }

  unlink(e: FlowEntry<S>): void {
    if (e.list === ListId.ACTIVE) this.active.remove(e);
    else if (e.list === ListId.IDLE) this.idle.remove(e);
  }

  evict(e: FlowEntry<S>): void {
    this.unlink(e);
    this.table.deleteByFields(e.proto, e.srcIp, e.srcPort, e.dstIp, e.dstPort);
  }
}
