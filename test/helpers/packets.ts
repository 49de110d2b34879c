/**
 * A small raw-IPv4 packet builder for tests (Katran-style packet tables).
 *
 * Self-contained on purpose (imports nothing from sdk/): the SDK's parser and checksum code are
 * tested against packets this file builds, so it must not share their code.
 *
 * Layout built: IPv4 header (20 bytes + ipOptions, padded to 4) then, for a first fragment of TCP
 * or UDP, a TCP header (20 bytes + tcpOptions) or UDP header (8 bytes), then the payload. For a
 * non-first fragment (fragOffset > 0) or any other protocol number, the payload follows the IP
 * header directly. All checksums are valid (the UDP one is 0 when `udpChecksum: false`).
 */

export interface BuildIpv4Options {
  /** 'tcp', 'udp', or a raw IP protocol number (e.g. 1 for ICMP: payload follows the IP header). */
  proto: 'tcp' | 'udp' | number;
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  /** TCP flags byte (FIN=1 SYN=2 RST=4 PSH=8 ACK=16). Default ACK. */
  flags?: number;
  payload?: Buffer | string;
  ttl?: number;
  tos?: number;
  ipId?: number;
  /** Fragment offset in 8-byte units (the raw 13-bit header field). */
  fragOffset?: number;
  moreFragments?: boolean;
  dontFragment?: boolean;
  /** Compute the UDP checksum (default true); false writes 0 ("no checksum"). */
  udpChecksum?: boolean;
  /** IPv4 options bytes; padded with zeros to a multiple of 4 (max 40). */
  ipOptions?: Buffer;
  /** TCP options bytes; padded with zeros to a multiple of 4 (max 40). */
  tcpOptions?: Buffer;
  seq?: number;
  ack?: number;
  window?: number;
}

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** Dotted quad → uint32 (test helper: throws on bad input). */
export function ip(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4) throw new Error(`bad IPv4 address: ${s}`);
  let v = 0;
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new Error(`bad IPv4 address: ${s}`);
    v = v * 256 + n;
  }
  return v >>> 0;
}

/** RFC 1071 ones'-complement sum of buf[start, end) added to `initial`, not yet folded/inverted. */
function sum16(buf: Buffer, start: number, end: number, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) s += buf[i]! << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** Final checksum value (folded and complemented) of a sum. */
export function finishChecksum(s: number): number {
  return ~fold(s) & 0xffff;
}

function pad4(b: Buffer | undefined): Buffer {
  if (!b || b.length === 0) return Buffer.alloc(0);
  const len = Math.ceil(b.length / 4) * 4;
  if (len > 40) throw new Error('options longer than 40 bytes');
  const out = Buffer.alloc(len);
  b.copy(out);
  return out;
}

/** Build one raw IPv4 packet with valid checksums. */
export function buildIpv4(o: BuildIpv4Options): Buffer {
  const protoNum = o.proto === 'tcp' ? PROTO_TCP : o.proto === 'udp' ? PROTO_UDP : o.proto;
  const payload = typeof o.payload === 'string' ? Buffer.from(o.payload, 'latin1') : (o.payload ?? Buffer.alloc(0));
  const ipOpts = pad4(o.ipOptions);
  const ihl = 20 + ipOpts.length;
  const fragOffset = o.fragOffset ?? 0;
  const firstFragment = fragOffset === 0;
  let l4Len = 0;
  let tcpOpts: Buffer = Buffer.alloc(0);
  if (firstFragment && protoNum === PROTO_TCP) {
    tcpOpts = pad4(o.tcpOptions);
    l4Len = 20 + tcpOpts.length;
  } else if (firstFragment && protoNum === PROTO_UDP) {
    l4Len = 8;
  }
  const total = ihl + l4Len + payload.length;
  if (total > 0xffff) throw new Error('packet too large');
  const b = Buffer.alloc(total);
  const src = ip(o.src ?? '10.0.0.1');
  const dst = ip(o.dst ?? '10.0.0.2');

  b[0] = 0x40 | (ihl >> 2);
  b[1] = (o.tos ?? 0) & 0xff;
  b.writeUInt16BE(total, 2);
  b.writeUInt16BE((o.ipId ?? 0x1234) & 0xffff, 4);
  const flagsFrag = (o.dontFragment ? 0x4000 : 0) | (o.moreFragments ? 0x2000 : 0) | (fragOffset & 0x1fff);
  b.writeUInt16BE(flagsFrag, 6);
  b[8] = (o.ttl ?? 64) & 0xff;
  b[9] = protoNum & 0xff;
  b.writeUInt32BE(src, 12);
  b.writeUInt32BE(dst, 16);
  ipOpts.copy(b, 20);
  b.writeUInt16BE(finishChecksum(sum16(b, 0, ihl)), 10);

  const l4 = ihl;
  payload.copy(b, l4 + l4Len);
  if (l4Len === 0) return b;

  b.writeUInt16BE((o.sport ?? 1234) & 0xffff, l4);
  b.writeUInt16BE((o.dport ?? 80) & 0xffff, l4 + 2);
  const segLen = total - ihl;
  // Pseudo-header: src, dst, zero+proto, L4 length.
  const pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protoNum + segLen;
  if (protoNum === PROTO_TCP) {
    b.writeUInt32BE((o.seq ?? 1000) >>> 0, l4 + 4);
    b.writeUInt32BE((o.ack ?? 0) >>> 0, l4 + 8);
    b[l4 + 12] = (l4Len >> 2) << 4;
    b[l4 + 13] = (o.flags ?? 0x10) & 0xff;
    b.writeUInt16BE((o.window ?? 65535) & 0xffff, l4 + 14);
    tcpOpts.copy(b, l4 + 20);
    b.writeUInt16BE(finishChecksum(sum16(b, l4, total, pseudo)), l4 + 16);
  } else {
    b.writeUInt16BE(segLen, l4 + 4);
    if (o.udpChecksum !== false) {
      let c = finishChecksum(sum16(b, l4, total, pseudo));
      if (c === 0) c = 0xffff; // RFC 768: a computed 0 is sent as all ones
      b.writeUInt16BE(c, l4 + 6);
    }
  }
  return b;
}

/** Shorthand for a TCP packet. */
export function tcp(src: string, sport: number, dst: string, dport: number, flags = 0x10, payload: Buffer | string = ''): Buffer {
  return buildIpv4({ proto: 'tcp', src, sport, dst, dport, flags, payload });
}

/** Shorthand for a UDP packet. */
export function udp(src: string, sport: number, dst: string, dport: number, payload: Buffer | string = ''): Buffer {
  return buildIpv4({ proto: 'udp', src, sport, dst, dport, payload });
}

/**
 * Independent from-scratch check of the IPv4 header checksum and the TCP/UDP checksum of a complete
 * (not capture-truncated) packet at offset 0. For cross-checking the SDK in tests.
 */
export function checksumsValid(b: Buffer): { ip: boolean; l4: boolean } {
  const ihl = (b[0]! & 0x0f) * 4;
  const ipOk = fold(sum16(b, 0, ihl)) === 0xffff;
  const proto = b[9]!;
  const total = b.readUInt16BE(2);
  const frag = b.readUInt16BE(6) & 0x3fff;
  if (frag !== 0 || (proto !== PROTO_TCP && proto !== PROTO_UDP)) return { ip: ipOk, l4: true };
  const segLen = total - ihl;
  if (proto === PROTO_UDP && b.readUInt16BE(ihl + 6) === 0) return { ip: ipOk, l4: true };
  const src = b.readUInt32BE(12);
  const dst = b.readUInt32BE(16);
  const pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + segLen;
  return { ip: ipOk, l4: fold(sum16(b, ihl, total, pseudo)) === 0xffff };
}
