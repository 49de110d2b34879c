/**
 * Writes IPv4 TCP and UDP packets with valid checksums into a caller's buffer (the generator's
 * packet factory). Layout: IPv4 header (20 bytes, no options) | TCP (20 bytes) or UDP (8) | payload.
 */
import { fillIpv4HeaderChecksum, fillL4Checksum } from './ipv4-checksum';

export interface Endpoints {
  src: number;
  dst: number;
  sport: number;
  dport: number;
}

export interface IpFields {
  ipId: number;
  ttl: number;
}

function ipHeader(b: Buffer, e: Endpoints, ip: IpFields, proto: number, total: number, df: boolean): void {
  b[0] = 0x45;
  b[1] = 0;
  b.writeUInt16BE(total, 2);
  b.writeUInt16BE(ip.ipId & 0xffff, 4);
  b.writeUInt16BE(df ? 0x4000 : 0, 6);
  b[8] = ip.ttl;
  b[9] = proto;
  b.writeUInt32BE(e.src >>> 0, 12);
  b.writeUInt32BE(e.dst >>> 0, 16);
}

export function buildTcp(e: Endpoints, ip: IpFields, seq: number, ack: number, flags: number, window: number, payload: Buffer): Buffer {
  const total = 40 + payload.length;
  const b = Buffer.alloc(total);
  ipHeader(b, e, ip, 6, total, true);
  b.writeUInt16BE(e.sport, 20);
  b.writeUInt16BE(e.dport, 22);
  b.writeUInt32BE(seq >>> 0, 24);
  b.writeUInt32BE(ack >>> 0, 28);
  b[32] = 5 << 4;
  b[33] = flags;
  b.writeUInt16BE(window, 34);
  payload.copy(b, 40);
  fillIpv4HeaderChecksum(b, 0);
  fillL4Checksum(b, 0);
  return b;
}

export function buildUdp(e: Endpoints, ip: IpFields, payload: Buffer): Buffer {
  const total = 28 + payload.length;
  const b = Buffer.alloc(total);
  ipHeader(b, e, ip, 17, total, false);
  b.writeUInt16BE(e.sport, 20);
  b.writeUInt16BE(e.dport, 22);
  b.writeUInt16BE(8 + payload.length, 24);
  payload.copy(b, 28);
  fillIpv4HeaderChecksum(b, 0);
  fillL4Checksum(b, 0);
  return b;
}
