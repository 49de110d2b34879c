/**
 * The output logger's copy of its unit's flows: per flow the newest value (the NF's StateCodec
 * bytes, kept encoded: the logger never runs the NF) and the clock of the last packet reflected.
 *
 * `apply` takes one log record (proto/frames/log-record-v1.ts):
 *  - clock older than the mirror's → rejected, counted `stale` (a duplicate or a reordered record);
 *  - KEEP for a flow the mirror does not hold → rejected, counted `unknownFlow` (the unit sends the
 *    whole value the first time it logs a flow, so this is a bug or an injected record);
 *  - otherwise PUT/DELETE replace the value (absolute, so re-applying is harmless) and the clock
 *    advances; KEEP only advances the clock.
 * Values are copied into the entry's own buffer (reused while it is large enough).
 */
import { FlowTable } from '../../sdk/flow-table';
import { LogKind, type LogRecord } from '../../proto/frames/log-record-v1';

export class MirrorEntry {
  proto = 0;
  srcIp = 0;
  srcPort = 0;
  dstIp = 0;
  dstPort = 0;
  clock = 0;
  present = false;
  /** Encoded value: bytes [0, len) of `buf`. */
  buf: Buffer = EMPTY;
  len = 0;
  /** Unit that logged the newest record (a Kafka rebuild holds several units' flows). */
  unit = 0;

  get value(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

const EMPTY = Buffer.alloc(0);

export interface MirrorCounters {
  records: number;
  applied: number;
  stale: number;
  unknownFlow: number;
}

export const ApplyResult = { APPLIED: 0, STALE: 1, UNKNOWN_FLOW: 2 } as const;

export class Mirror {
  readonly flows = new FlowTable<MirrorEntry>();
  readonly counters: MirrorCounters = { records: 0, applied: 0, stale: 0, unknownFlow: 0 };

  get size(): number {
    return this.flows.size;
  }

  lookup(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number): MirrorEntry | undefined {
    return this.flows.getByFields(proto, srcIp, srcPort, dstIp, dstPort);
  }

  apply(r: LogRecord): number {
    const c = this.counters;
    c.records++;
    let e = this.flows.getByFields(r.proto, r.srcIp, r.srcPort, r.dstIp, r.dstPort);
    if (e === undefined) {
      if (r.kind === LogKind.KEEP) {
        c.unknownFlow++;
        return ApplyResult.UNKNOWN_FLOW;
      }
      e = new MirrorEntry();
      e.proto = r.proto;
      e.srcIp = r.srcIp;
      e.srcPort = r.srcPort;
      e.dstIp = r.dstIp;
      e.dstPort = r.dstPort;
      this.flows.setByFields(r.proto, r.srcIp, r.srcPort, r.dstIp, r.dstPort, e);
    } else if (r.clock < e.clock) {
      c.stale++;
      return ApplyResult.STALE;
    }
    if (r.kind === LogKind.PUT) {
      const n = r.value.length;
      if (e.buf.length < n) e.buf = Buffer.allocUnsafe(Math.max(n, 32));
      r.value.copy(e.buf, 0);
      e.len = n;
      e.present = true;
    } else if (r.kind === LogKind.DELETE) {
      e.len = 0;
      e.present = false;
    }
    e.clock = r.clock;
    e.unit = r.unit;
    c.applied++;
    return ApplyResult.APPLIED;
  }

  forEach(fn: (e: MirrorEntry) => void): void {
    this.flows.forEach((e) => fn(e));
  }

  delete(e: MirrorEntry): void {
    this.flows.deleteByFields(e.proto, e.srcIp, e.srcPort, e.dstIp, e.dstPort);
  }
}
