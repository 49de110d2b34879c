/**
 * Classic libpcap files.
 *
 * File header (24 bytes): magic u32 | version major u16 | minor u16 | thiszone i32 | sigfigs u32
 *   | snaplen u32 | linktype u32 (low 16 bits; the upper bits carry FCS information).
 * Record header (16 bytes): ts_sec u32 | ts_subsec u32 | incl_len u32 | orig_len u32, then
 *   incl_len frame bytes. All fields in the writer's byte order, which the magic reveals.
 * Magics: 0xa1b2c3d4 (sub-second field in µs), 0xa1b23c4d (in ns).
 */
import type { ChunkedFile } from './chunked-file';
import { MAX_RECORD_BYTES, pcapFormatError } from './format-error';
import { ipv4Offset } from './link-types';
import type { TraceRecord } from './types';
import type { TraceWarnings } from './warnings';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

/** True when the first four bytes are a classic pcap magic in either byte order. */
export function isClassicPcapMagic(buf: Buffer, off: number): boolean {
  const le = buf.readUInt32LE(off);
  const be = buf.readUInt32BE(off);
  return le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS || be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS;
}

export class ClassicPcapDecoder {
  readonly linkType: number;
  readonly snaplen: number;
  readonly nanosecond: boolean;
  private readonly le: boolean;

  constructor(
    private readonly file: ChunkedFile,
    private readonly path: string,
    private readonly warnings: TraceWarnings,
  ) {
    if (!file.ensure(PCAP_HEADER_BYTES)) {
      throw pcapFormatError(path, file.fileOffset + file.available, 'file ends inside the 24-byte pcap header');
    }
    const b = file.buf;
    const p = file.pos;
    const magicLe = b.readUInt32LE(p);
    this.le = magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS;
    const magic = this.le ? magicLe : b.readUInt32BE(p);
    this.nanosecond = magic === PCAP_MAGIC_NS;
    this.snaplen = this.u32(b, p + 16);
    this.linkType = this.u32(b, p + 20) & 0xffff;
    file.pos += PCAP_HEADER_BYTES;
  }

  /** Fill `rec` with the next record; false at the end of the file (or a truncated last record). */
  next(rec: TraceRecord): boolean {
    const f = this.file;
    if (!f.ensure(PCAP_RECORD_HEADER_BYTES)) {
      if (f.available > 0) this.warnings.truncatedAt = f.fileOffset;
      return false;
    }
    const b = f.buf;
    const p = f.pos;
    let sec = this.u32(b, p);
    let sub = this.u32(b, p + 4);
    const capLen = this.u32(b, p + 8);
    let origLen = this.u32(b, p + 12);
    if (capLen > MAX_RECORD_BYTES) {
      throw pcapFormatError(this.path, f.fileOffset, `record header claims ${capLen} captured bytes (corrupt file?)`);
    }
    if (!f.ensure(PCAP_RECORD_HEADER_BYTES + capLen)) {
      this.warnings.truncatedAt = f.fileOffset;
      return false;
    }
    const perSec = this.nanosecond ? 1_000_000_000 : 1_000_000;
    if (sub >= perSec) {
      this.warnings.subsecondOverflow++;
      sec += Math.floor(sub / perSec);
      sub %= perSec;
    }
    if (origLen < capLen) {
      this.warnings.capLenOverOrig++;
      origLen = capLen;
    }
    const start = f.pos + PCAP_RECORD_HEADER_BYTES;
    rec.tsSec = sec;
    rec.tsNsec = this.nanosecond ? sub : sub * 1000;
    rec.capLen = capLen;
    rec.origLen = origLen;
    rec.linkType = this.linkType;
    rec.data = f.buf.subarray(start, start + capLen);
    rec.l3Offset = ipv4Offset(this.linkType, rec.data, capLen);
    rec.interfaceId = 0;
    f.pos = start + capLen;
    this.warnings.observe(rec.tsSec, rec.tsNsec);
    return true;
  }

  private u32(b: Buffer, off: number): number {
    return this.le ? b.readUInt32LE(off) : b.readUInt32BE(off);
  }
}
