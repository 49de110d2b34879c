/**
 * Hand-made capture files for the reader tests, written byte by byte here (independent of
 * trace/writer.ts) so the reader is checked against the file formats, not against our writer.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type Endian = 'le' | 'be';

export interface Frame {
  sec: number;
  /** Sub-second value in the file's unit (µs or ns for classic pcap). */
  sub: number;
  data: Buffer;
  origLen?: number;
}

function u16(v: number, e: Endian): Buffer {
  const b = Buffer.alloc(2);
  if (e === 'le') b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

function u32(v: number, e: Endian): Buffer {
  const b = Buffer.alloc(4);
  if (e === 'le') b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

function pad4(b: Buffer): Buffer {
  const n = (4 - (b.length % 4)) % 4;
  return n ? Buffer.concat([b, Buffer.alloc(n)]) : b;
}

export function classicPcap(o: { endian: Endian; nano: boolean; linkType: number; frames: Frame[]; snaplen?: number }): Buffer {
  const e = o.endian;
  const parts = [
    u32(o.nano ? 0xa1b23c4d : 0xa1b2c3d4, e),
    u16(2, e),
    u16(4, e),
    u32(0, e),
    u32(0, e),
    u32(o.snaplen ?? 65535, e),
    u32(o.linkType, e),
  ];
  for (const f of o.frames) {
    parts.push(u32(f.sec, e), u32(f.sub, e), u32(f.data.length, e), u32(f.origLen ?? f.data.length, e), f.data);
  }
  return Buffer.concat(parts);
}

/** One pcapng block: type | length | body (padded) | length. */
export function block(type: number, body: Buffer, e: Endian): Buffer {
  const b = pad4(body);
  return Buffer.concat([u32(type, e), u32(b.length + 12, e), b, u32(b.length + 12, e)]);
}

export function option(code: number, value: Buffer, e: Endian): Buffer {
  return Buffer.concat([u16(code, e), u16(value.length, e), pad4(value)]);
}

export function shb(e: Endian): Buffer {
  const body = Buffer.concat([u32(0x1a2b3c4d, e), u16(1, e), u16(0, e), Buffer.alloc(8, 0xff)]);
  return block(0x0a0d0d0a, body, e);
}

export function idb(e: Endian, linkType: number, o: { snaplen?: number; tsresol?: number; tsoffset?: bigint } = {}): Buffer {
  const opts: Buffer[] = [];
  if (o.tsresol !== undefined) opts.push(option(9, Buffer.from([o.tsresol]), e));
  if (o.tsoffset !== undefined) {
    const v = Buffer.alloc(8);
    if (e === 'le') v.writeBigInt64LE(o.tsoffset);
    else v.writeBigInt64BE(o.tsoffset);
    opts.push(option(14, v, e));
  }
  if (opts.length) opts.push(Buffer.alloc(4)); // opt_endofopt
  return block(1, Buffer.concat([u16(linkType, e), u16(0, e), u32(o.snaplen ?? 0, e), ...opts]), e);
}

/** Enhanced Packet Block with a 64-bit timestamp in the interface's units. */
export function epb(e: Endian, iface: number, ts: bigint, data: Buffer, origLen = data.length): Buffer {
  const hi = Number(ts >> 32n);
  const lo = Number(ts & 0xffffffffn);
  return block(6, Buffer.concat([u32(iface, e), u32(hi, e), u32(lo, e), u32(data.length, e), u32(origLen, e), pad4(data)]), e);
}

export function opb(e: Endian, iface: number, ts: bigint, data: Buffer): Buffer {
  const hi = Number(ts >> 32n);
  const lo = Number(ts & 0xffffffffn);
  return block(2, Buffer.concat([u16(iface, e), u16(0, e), u32(hi, e), u32(lo, e), u32(data.length, e), u32(data.length, e), pad4(data)]), e);
}

export function spb(e: Endian, data: Buffer, origLen = data.length): Buffer {
  return block(3, Buffer.concat([u32(origLen, e), pad4(data)]), e);
}

let seq = 0;
/** Write bytes to a fresh file under the OS temp dir; returns its path. */
export function tmpFile(bytes: Buffer, name = 'capture'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-trace-'));
  const p = path.join(dir, `${name}-${seq++}`);
  fs.writeFileSync(p, bytes);
  return p;
}

/** Link-layer headers in front of an IPv4 packet. */
export const frame = {
  ethernet: (ip: Buffer, tags: number[] = []): Buffer =>
    Buffer.concat([
      Buffer.from('020000000002020000000001', 'hex'),
      ...tags.map((tpid) => Buffer.from([tpid >> 8, tpid & 0xff, 0x00, 0x05])),
      Buffer.from([0x08, 0x00]),
      ip,
    ]),
  sll: (ip: Buffer): Buffer => Buffer.concat([Buffer.from('0000000100060200000000010000', 'hex'), Buffer.from([0x08, 0x00]), ip]),
  sll2: (ip: Buffer): Buffer => Buffer.concat([Buffer.from([0x08, 0x00]), Buffer.from('0000000200010006020000000001', 'hex'), Buffer.alloc(4), ip]),
  nullLe: (ip: Buffer): Buffer => Buffer.concat([Buffer.from([2, 0, 0, 0]), ip]),
  nullBe: (ip: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, 2]), ip]),
  ppp: (ip: Buffer): Buffer => Buffer.concat([Buffer.from([0xff, 0x03, 0x00, 0x21]), ip]),
  pppCompressed: (ip: Buffer): Buffer => Buffer.concat([Buffer.from([0x21]), ip]),
  ciscoHdlc: (ip: Buffer): Buffer => Buffer.concat([Buffer.from([0x0f, 0x00, 0x08, 0x00]), ip]),
};
