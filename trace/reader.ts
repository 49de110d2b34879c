/**
 * TraceReader: one streaming reader for classic pcap and pcapng, chosen by the file's magic.
 *
 *   const r = TraceReader.open(path);
 *   try { for (let rec = r.next(); rec; rec = r.next()) use(rec); } finally { r.close(); }
 *
 * Memory is one chunk buffer (grown only for a record larger than it), never the whole file.
 * The returned record object and its `data` are reused by the next call. Damage in the headers
 * throws SnfError SNF_ERR_PCAP_FORMAT naming the file and byte offset; odd timestamps and a cut
 * final record only count in `warnings`.
 */
import * as fs from 'fs';
import { SnfError } from '../sdk/errors';
import { ChunkedFile, DEFAULT_CHUNK_SIZE } from './chunked-file';
import { pcapFormatError } from './format-error';
import { ClassicPcapDecoder, isClassicPcapMagic } from './pcap-classic';
import { PCAPNG_SHB, PcapngDecoder } from './pcapng';
import type { TraceRecord } from './types';
import { TraceWarnings } from './warnings';

export type { TraceRecord } from './types';

export interface OpenOptions {
  /** Bytes read per system call and kept in memory (default 256 KiB). */
  chunkSize?: number;
}

export type TraceFormat = 'pcap' | 'pcapng';

const NS_PER_SEC = 1_000_000_000n;

/** A record's capture time in integer nanoseconds since the epoch. */
export function recordTimeNs(rec: Pick<TraceRecord, 'tsSec' | 'tsNsec'>): bigint {
  return BigInt(rec.tsSec) * NS_PER_SEC + BigInt(rec.tsNsec);
}

export class TraceReader {
  readonly warnings = new TraceWarnings();
  /** Records returned so far. */
  count = 0;
  private readonly rec: TraceRecord = {
    tsSec: 0,
    tsNsec: 0,
    capLen: 0,
    origLen: 0,
    linkType: 0,
    data: Buffer.alloc(0),
    l3Offset: -1,
    interfaceId: 0,
  };
  private readonly decoder: { next(rec: TraceRecord): boolean };
  private fd: number;

  private constructor(
    readonly path: string,
    fd: number,
    readonly format: TraceFormat,
    file: ChunkedFile,
  ) {
    this.fd = fd;
    this.decoder =
      format === 'pcap'
        ? new ClassicPcapDecoder(file, path, this.warnings)
        : new PcapngDecoder(file, path, this.warnings);
  }

  static open(path: string, options: OpenOptions = {}): TraceReader {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (err) {
      throw new SnfError('SNF_ERR_PCAP_FORMAT', `${path}: cannot open (${(err as Error).message})`, { cause: err });
    }
    try {
      const file = new ChunkedFile(fd, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
      if (!file.ensure(4)) throw pcapFormatError(path, file.available, 'file too short for a pcap/pcapng magic');
      let format: TraceFormat;
      if (file.buf.readUInt32LE(file.pos) === PCAPNG_SHB) format = 'pcapng';
      else if (isClassicPcapMagic(file.buf, file.pos)) format = 'pcap';
      else {
        const magic = file.buf.readUInt32BE(file.pos).toString(16).padStart(8, '0');
        throw pcapFormatError(path, 0, `not a pcap or pcapng file (magic 0x${magic})`);
      }
      return new TraceReader(path, fd, format, file);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /** The next record, or null at the end. The object and its data are reused by the next call. */
  next(): TraceRecord | null {
    if (this.fd < 0) return null;
    if (!this.decoder.next(this.rec)) return null;
    this.count++;
    return this.rec;
  }

  /** Link types declared by the file (classic: the one in the header; pcapng: every interface so far). */
  get linkTypes(): number[] {
    const d = this.decoder;
    if (d instanceof ClassicPcapDecoder) return [d.linkType];
    return [...(d as PcapngDecoder).linkTypes];
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}
