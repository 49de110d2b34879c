/**
 * pcapng files (draft-ietf-opsawg-pcapng).
 *
 * Every block: type u32 | total length u32 | body | total length u32 (length a multiple of 4).
 * SHB 0x0A0D0D0A: byte-order magic 0x1A2B3C4D | major u16 | minor u16 | section length i64 | options.
 *   Each section has its own byte order and interface list.
 * IDB 1: linktype u16 | reserved u16 | snaplen u32 | options (if_tsresol = 9, if_tsoffset = 14).
 * EPB 6: interface u32 | ts high u32 | ts low u32 | captured u32 | original u32 | data (pad 4) | options.
 * OPB 2 (obsolete): interface u16 | drops u16 | then as EPB.
 * SPB 3: original u32 | data; captured = min(original, snaplen of interface 0, room in the block).
 * Other blocks (name resolution, statistics, secrets, custom, unknown) are skipped.
 */
import type { ChunkedFile } from './chunked-file';
import { MAX_RECORD_BYTES, pcapFormatError } from './format-error';
import { ipv4Offset } from './link-types';
import { DEFAULT_RESOLUTION, resolutionFromOption, splitTimestamp, type TsResolution } from './pcapng-time';
import type { TraceRecord } from './types';
import type { TraceWarnings } from './warnings';

export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_IDB = 1;
const BLOCK_OPB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
/** Blocks we know and do not need: name resolution, interface statistics, journal, secrets. */
const IGNORED_BLOCKS = new Set([4, 5, 9, 10, 0x00000bad, 0x40000bad]);
const OPT_END = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

interface Interface {
  linkType: number;
  snaplen: number;
  res: TsResolution;
  offsetSec: number;
}

export class PcapngDecoder {
  private le = true;
  private interfaces: Interface[] = [];
  /** Link types seen in any section (for `snf trace info`). */
  readonly linkTypes = new Set<number>();

  constructor(
    private readonly file: ChunkedFile,
    private readonly path: string,
    private readonly warnings: TraceWarnings,
  ) {}

  next(rec: TraceRecord): boolean {
    const f = this.file;
    for (;;) {
      if (!f.ensure(12)) {
        if (f.available > 0) this.warnings.truncatedAt = f.fileOffset;
        return false;
      }
      const b = f.buf;
      const p = f.pos;
      const type = this.u32(b, p);
      if (type === PCAPNG_SHB) this.readByteOrder(b, p);
      const len = this.u32(b, p + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_RECORD_BYTES) {
        throw pcapFormatError(this.path, f.fileOffset, `bad pcapng block length ${len} (block type 0x${type.toString(16)})`);
      }
      if (!f.ensure(len)) {
        this.warnings.truncatedAt = f.fileOffset;
        return false;
      }
      const blockOffset = f.fileOffset;
      const start = f.pos;
      f.pos += len; // the block stays in the buffer until the next ensure()
      switch (type) {
        case PCAPNG_SHB:
          this.interfaces = [];
          break;
        case BLOCK_IDB:
          this.readInterface(f.buf, start, len, blockOffset);
          break;
        case BLOCK_EPB:
        case BLOCK_OPB:
          if (this.readPacket(rec, f.buf, start, len, type, blockOffset)) return true;
          break;
        case BLOCK_SPB:
          if (this.readSimplePacket(rec, f.buf, start, len)) return true;
          break;
        default:
          if (!IGNORED_BLOCKS.has(type)) this.warnings.skippedBlocks++;
      }
    }
  }

  private readByteOrder(b: Buffer, p: number): void {
    const magicLe = b.readUInt32LE(p + 8);
    if (magicLe === PCAPNG_BYTE_ORDER_MAGIC) this.le = true;
    else if (b.readUInt32BE(p + 8) === PCAPNG_BYTE_ORDER_MAGIC) this.le = false;
    else throw pcapFormatError(this.path, this.file.fileOffset + 8, `bad pcapng byte-order magic 0x${magicLe.toString(16)}`);
  }

  private readInterface(b: Buffer, start: number, len: number, blockOffset: number): void {
    if (len < 20) throw pcapFormatError(this.path, blockOffset, 'pcapng interface block too short');
    const iface: Interface = {
      linkType: this.u16(b, start + 8),
      snaplen: this.u32(b, start + 12),
      res: DEFAULT_RESOLUTION,
      offsetSec: 0,
    };
    let o = start + 16;
    const end = start + len - 4;
    while (o + 4 <= end) {
      const code = this.u16(b, o);
      const olen = this.u16(b, o + 2);
      if (code === OPT_END || o + 4 + olen > end) break;
      if (code === OPT_IF_TSRESOL && olen >= 1) iface.res = resolutionFromOption(b[o + 4]!);
      else if (code === OPT_IF_TSOFFSET && olen >= 8) {
        iface.offsetSec = Number(this.le ? b.readBigInt64LE(o + 4) : b.readBigInt64BE(o + 4));
      }
      o += 4 + ((olen + 3) & ~3);
    }
    this.interfaces.push(iface);
    this.linkTypes.add(iface.linkType);
  }

  private readPacket(rec: TraceRecord, b: Buffer, start: number, len: number, type: number, blockOffset: number): boolean {
    if (len < 32) throw pcapFormatError(this.path, blockOffset, 'pcapng packet block too short');
    const id = type === BLOCK_EPB ? this.u32(b, start + 8) : this.u16(b, start + 8);
    const iface = this.interfaces[id];
    if (iface === undefined) {
      this.warnings.skippedBlocks++;
      return false;
    }
    const capLen = this.u32(b, start + 20);
    if (capLen > len - 32) {
      throw pcapFormatError(this.path, blockOffset, `pcapng packet claims ${capLen} bytes in a ${len}-byte block`);
    }
    splitTimestamp(this.u32(b, start + 12), this.u32(b, start + 16), iface.res, rec);
    rec.tsSec += iface.offsetSec;
    this.fill(rec, b, start + 28, capLen, this.u32(b, start + 24), iface, id);
    return true;
  }

  private readSimplePacket(rec: TraceRecord, b: Buffer, start: number, len: number): boolean {
    const iface = this.interfaces[0];
    if (iface === undefined || len < 16) {
      this.warnings.skippedBlocks++;
      return false;
    }
    const origLen = this.u32(b, start + 8);
    let capLen = Math.min(origLen, len - 16);
    if (iface.snaplen > 0) capLen = Math.min(capLen, iface.snaplen);
    // SPBs carry no timestamp: reuse the previous record's (the record object is reused).
    this.fill(rec, b, start + 12, capLen, origLen, iface, 0);
    return true;
  }

  private fill(rec: TraceRecord, b: Buffer, dataStart: number, capLen: number, origLen: number, iface: Interface, id: number): void {
    if (origLen < capLen) {
      this.warnings.capLenOverOrig++;
      origLen = capLen;
    }
    rec.capLen = capLen;
    rec.origLen = origLen;
    rec.linkType = iface.linkType;
    rec.data = b.subarray(dataStart, dataStart + capLen);
    rec.l3Offset = ipv4Offset(iface.linkType, rec.data, capLen);
    rec.interfaceId = id;
    this.warnings.observe(rec.tsSec, rec.tsNsec);
  }

  private u32(b: Buffer, off: number): number {
    return this.le ? b.readUInt32LE(off) : b.readUInt32BE(off);
  }

  private u16(b: Buffer, off: number): number {
    return this.le ? b.readUInt16LE(off) : b.readUInt16BE(off);
  }
}
