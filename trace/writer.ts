/**
 * PcapWriter: classic pcap out, streamed to a file through one buffer (readable by tcpdump,
 * tshark and TraceReader). Nanosecond magic by default; LINKTYPE_RAW (bare IPv4) by default.
 *
 *   const w = PcapWriter.create('out.pcap');            // or { linkType: LINKTYPE.ETHERNET }
 *   w.write(ipv4Bytes, tsSec, tsNsec); w.close();
 *
 * `write` stores the frame as given (so with ETHERNET it must be an Ethernet frame);
 * `writeIpv4` takes an IPv4 packet and adds the link header the file's link type needs.
 */
import * as fs from 'fs';
import { SnfError } from '../sdk/errors';
import { LINKTYPE } from './link-types';
import { PCAP_HEADER_BYTES, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAP_RECORD_HEADER_BYTES } from './pcap-classic';

export interface PcapWriterOptions {
  /** LINKTYPE_RAW (101, default) or LINKTYPE_ETHERNET (1); any other number is written as is. */
  linkType?: number;
  /** Sub-second field in ns (default true) or µs. */
  nanosecond?: boolean;
  snaplen?: number;
  /** Bytes buffered before a write(2) (default 1 MiB). */
  bufferSize?: number;
}

const DEFAULT_SNAPLEN = 262144;
const ETHER_HEADER = Buffer.from([
  // dst 02:00:00:00:00:02, src 02:00:00:00:00:01 (locally administered), type IPv4
  0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
]);

export class PcapWriter {
  /** Records written. */
  count = 0;
  readonly linkType: number;
  readonly nanosecond: boolean;
  private buf: Buffer;
  private used = 0;
  private fd: number;

  private constructor(
    readonly path: string,
    fd: number,
    options: PcapWriterOptions,
  ) {
    this.fd = fd;
    this.linkType = options.linkType ?? LINKTYPE.RAW;
    this.nanosecond = options.nanosecond ?? true;
    this.buf = Buffer.allocUnsafe(Math.max(options.bufferSize ?? 1 << 20, 4096));
    const h = this.buf;
    h.writeUInt32LE(this.nanosecond ? PCAP_MAGIC_NS : PCAP_MAGIC_US, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(options.snaplen ?? DEFAULT_SNAPLEN, 16);
    h.writeUInt32LE(this.linkType, 20);
    this.used = PCAP_HEADER_BYTES;
  }

  static create(path: string, options: PcapWriterOptions = {}): PcapWriter {
    let fd: number;
    try {
      fd = fs.openSync(path, 'w');
    } catch (err) {
      throw new SnfError('SNF_ERR_USAGE', `${path}: cannot create (${(err as Error).message})`, { cause: err });
    }
    return new PcapWriter(path, fd, options);
  }

  /** Append one frame. `tsNsec` is always nanoseconds (truncated to µs for a µs file). */
  write(data: Buffer, tsSec: number, tsNsec: number, origLen = data.length): void {
    this.record(data, null, tsSec, tsNsec, origLen);
  }

  /** Append one IPv4 packet, framed for the file's link type. `origLen` counts the IPv4 bytes. */
  writeIpv4(packet: Buffer, tsSec: number, tsNsec: number, origLen = packet.length): void {
    if (this.linkType === LINKTYPE.ETHERNET) this.record(packet, ETHER_HEADER, tsSec, tsNsec, origLen + ETHER_HEADER.length);
    else this.record(packet, null, tsSec, tsNsec, origLen);
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  private record(data: Buffer, prefix: Buffer | null, tsSec: number, tsNsec: number, origLen: number): void {
    if (this.fd < 0) throw new SnfError('SNF_ERR_USAGE', `${this.path}: write after close`);
    const capLen = data.length + (prefix ? prefix.length : 0);
    const need = PCAP_RECORD_HEADER_BYTES + capLen;
    if (this.used + need > this.buf.length) {
      this.flush();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    }
    const b = this.buf;
    let o = this.used;
    b.writeUInt32LE(tsSec >>> 0, o);
    b.writeUInt32LE(this.nanosecond ? tsNsec : Math.floor(tsNsec / 1000), o + 4);
    b.writeUInt32LE(capLen, o + 8);
    b.writeUInt32LE(Math.max(origLen, capLen), o + 12);
    o += PCAP_RECORD_HEADER_BYTES;
    if (prefix) o += prefix.copy(b, o);
    o += data.copy(b, o);
    this.used = o;
    this.count++;
  }

  private flush(): void {
    let off = 0;
    while (off < this.used) off += fs.writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }
}
