/**
 * Output-logger record v1: one processed packet's effect on its flow's state. The same bytes are
 * a record of a LOG frame (type 9, unit → its logger) and the value of a Kafka message in the
 * function's log topic (`snf-log-<function>`, key = the 13-byte flow key below).
 *
 *  0  version    u8   1
 *  1  kind       u8   0 KEEP (clock only: the packet changed nothing) · 1 PUT · 2 DELETE
 *  2  unit       u16  the compute unit that ran the packet
 *  4  clock      u32  the flow's logical clock after the packet
 *  8  flowletId  u32  the gateway's flowlet id of the packet
 * 12  proto      u8   canonical connection key (sdk canonicalKey) …
 * 13  reserved   u8   0
 * 14  srcPort    u16
 * 16  dstPort    u16
 * 18  reserved   u16  0
 * 20  srcIp      u32
 * 24  dstIp      u32
 * 28  valueLen   u32  bytes that follow (PUT only; 0 otherwise)
 * 32  value      the NF's StateCodec encoding of the flow's whole value after the packet
 *
 * PUT and DELETE are absolute (the state API replaces a flow's whole value), so applying a record
 * twice is harmless and the newest record of a flow is a complete snapshot: that is what lets the
 * Kafka topic be compacted (replay bound = one record per flow plus the uncompacted tail). The
 * unit sends KEEP only for a flow its logger already holds (it sends PUT/DELETE with the whole
 * value the first time, and after any clock gap); in Kafka the logger writes every record with the
 * mirror's value (a KEEP becomes a PUT/DELETE of the current value), so a compacted record is
 * always complete.
 */
export const LOG_RECORD_VERSION = 1;
export const LOG_RECORD_HEADER_BYTES = 32;
export const LOG_KEY_BYTES = 13;
/** Largest value accepted (a corrupt length beyond is rejected). */
export const MAX_LOG_VALUE_BYTES = 1 << 20;

export const LogKind = { KEEP: 0, PUT: 1, DELETE: 2 } as const;
export type LogKind = (typeof LogKind)[keyof typeof LogKind];

export interface LogRecord {
  kind: number;
  unit: number;
  clock: number;
  flowletId: number;
  proto: number;
  srcIp: number;
  srcPort: number;
  dstIp: number;
  dstPort: number;
  /** PUT: the encoded value (a view into the source buffer when read). */
  value: Buffer;
}

/** Writes one record at `off` of `buf` (caller checked room: 32 + value length); returns the end. */
export function writeLogRecord(
  buf: Buffer, off: number, kind: number, unit: number, clock: number, flowletId: number,
  proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number, value: Buffer | null,
): number {
  const n = value === null ? 0 : value.length;
  buf[off] = LOG_RECORD_VERSION;
  buf[off + 1] = kind;
  buf.writeUInt16BE(unit & 0xffff, off + 2);
  buf.writeUInt32BE(clock >>> 0, off + 4);
  buf.writeUInt32BE(flowletId >>> 0, off + 8);
  buf[off + 12] = proto;
  buf[off + 13] = 0;
  buf.writeUInt16BE(srcPort, off + 14);
  buf.writeUInt16BE(dstPort, off + 16);
  buf.writeUInt16BE(0, off + 18);
  buf.writeUInt32BE(srcIp >>> 0, off + 20);
  buf.writeUInt32BE(dstIp >>> 0, off + 24);
  buf.writeUInt32BE(n, off + 28);
  if (n > 0) value!.copy(buf, off + LOG_RECORD_HEADER_BYTES);
  return off + LOG_RECORD_HEADER_BYTES + n;
}

/** One record as a fresh buffer (Kafka values; tests). */
export function encodeLogRecord(r: LogRecord): Buffer {
  const buf = Buffer.alloc(LOG_RECORD_HEADER_BYTES + r.value.length);
  writeLogRecord(buf, 0, r.kind, r.unit, r.clock, r.flowletId, r.proto, r.srcIp, r.srcPort, r.dstIp, r.dstPort, r.kind === LogKind.PUT ? r.value : null);
  return buf;
}

/** The Kafka message key of a flow: proto u8, srcIp u32, srcPort u16, dstIp u32, dstPort u16. */
export function logKey(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number): Buffer {
  const k = Buffer.allocUnsafe(LOG_KEY_BYTES);
  k[0] = proto;
  k.writeUInt32BE(srcIp >>> 0, 1);
  k.writeUInt16BE(srcPort, 5);
  k.writeUInt32BE(dstIp >>> 0, 7);
  k.writeUInt16BE(dstPort, 11);
  return k;
}

const EMPTY = Buffer.alloc(0);

/**
 * Reads the record at `off` into `out` (reused; `value` is a view). Returns the end offset, or a
 * reason string when the bytes are not a valid v1 record within `end`.
 */
export function readLogRecord(buf: Buffer, off: number, end: number, out: LogRecord): number | string {
  if (end - off < LOG_RECORD_HEADER_BYTES) return 'truncated record header';
  if (buf[off] !== LOG_RECORD_VERSION) return `unknown record version ${buf[off]}`;
  const kind = buf[off + 1]!;
  if (kind > LogKind.DELETE) return `unknown record kind ${kind}`;
  const n = buf.readUInt32BE(off + 28);
  if (n > MAX_LOG_VALUE_BYTES) return `value length ${n} too large`;
  if (kind !== LogKind.PUT && n !== 0) return 'value on a KEEP/DELETE record';
  const stop = off + LOG_RECORD_HEADER_BYTES + n;
  if (stop > end) return 'truncated record value';
  out.kind = kind;
  out.unit = buf.readUInt16BE(off + 2);
  out.clock = buf.readUInt32BE(off + 4);
  out.flowletId = buf.readUInt32BE(off + 8);
  out.proto = buf[off + 12]!;
  out.srcPort = buf.readUInt16BE(off + 14);
  out.dstPort = buf.readUInt16BE(off + 16);
  out.srcIp = buf.readUInt32BE(off + 20);
  out.dstIp = buf.readUInt32BE(off + 24);
  out.value = n > 0 ? buf.subarray(off + LOG_RECORD_HEADER_BYTES, stop) : EMPTY;
  return stop;
}

export function newLogRecord(): LogRecord {
  return { kind: 0, unit: 0, clock: 0, flowletId: 0, proto: 0, srcIp: 0, srcPort: 0, dstIp: 0, dstPort: 0, value: EMPTY };
}
