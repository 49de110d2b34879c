/**
 * Flow keys: the IPv4 5-tuple as five numbers (no strings on the hot path).
 *
 * - `flowHash` is direction-dependent (a→b ≠ b→a): flowlet tables, per-direction counters.
 * - `canonicalKey` / `connectionHash` are direction-independent: the lower (ip, port) endpoint goes
 *   first, so both directions of a connection share one per-flow state entry.
 */
import { SnfError } from './errors';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, type Packet } from './packet';

export interface FlowKey {
  proto: number;
  srcIp: number;
  srcPort: number;
  dstIp: number;
  dstPort: number;
}

export function newFlowKey(): FlowKey {
  return { proto: 0, srcIp: 0, srcPort: 0, dstIp: 0, dstPort: 0 };
}

/**
 * The packet's 5-tuple, written into `out` (reuse one on the hot path). Ports are 0 when no
 * TCP/UDP header was captured (other protocols, non-first fragments, damaged packets).
 */
export function flowKeyOf(p: Packet, out: FlowKey = newFlowKey()): FlowKey {
  return setFlowKey(out, p.protocol, p.srcIp, p.srcPort, p.dstIp, p.dstPort);
}

/** Writes the five fields into `out` and returns it. */
function setFlowKey(out: FlowKey, proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number): FlowKey {
  out.proto = proto;
  out.srcIp = srcIp;
  out.srcPort = srcPort;
  out.dstIp = dstIp;
  out.dstPort = dstPort;
  return out;
}

/** True when the source endpoint sorts after the destination (so canonical order swaps them). */
function isReversed(srcIp: number, srcPort: number, dstIp: number, dstPort: number): boolean {
  return srcIp > dstIp || (srcIp === dstIp && srcPort > dstPort);
}

/** Direction-independent form of `k` (lower (ip, port) first). `out` may be `k` itself. */
export function canonicalKey(k: FlowKey, out: FlowKey = newFlowKey()): FlowKey {
  const { proto, srcIp, srcPort, dstIp, dstPort } = k;
  return isReversed(srcIp, srcPort, dstIp, dstPort)
    ? setFlowKey(out, proto, dstIp, dstPort, srcIp, srcPort)
    : setFlowKey(out, proto, srcIp, srcPort, dstIp, dstPort);
}

export function copyFlowKey(k: FlowKey, out: FlowKey = newFlowKey()): FlowKey {
  return setFlowKey(out, k.proto, k.srcIp, k.srcPort, k.dstIp, k.dstPort);
}

export function sameFlowKey(a: FlowKey, b: FlowKey): boolean {
  return a.proto === b.proto && a.srcIp === b.srcIp && a.dstIp === b.dstIp && a.srcPort === b.srcPort && a.dstPort === b.dstPort;
}

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Direction-dependent uint32 hash of a 5-tuple given as fields (no object needed). */
export function flowHashFields(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number): number {
  let h = mix32((srcIp ^ 0x9e3779b9) >>> 0);
  h = mix32((h ^ dstIp) >>> 0);
  h = mix32((h ^ ((srcPort << 16) | (dstPort & 0xffff))) >>> 0);
  return mix32((h ^ proto) >>> 0);
}

/** Direction-dependent uint32 hash (a→b and b→a differ). */
export function flowHash(k: FlowKey): number {
  return flowHashFields(k.proto, k.srcIp, k.srcPort, k.dstIp, k.dstPort);
}

/** Direction-independent uint32 hash: equal for both directions of a connection. */
export function connectionHash(k: FlowKey): number {
  const { proto, srcIp, srcPort, dstIp, dstPort } = k;
  return isReversed(srcIp, srcPort, dstIp, dstPort)
    ? flowHashFields(proto, dstIp, dstPort, srcIp, srcPort)
    : flowHashFields(proto, srcIp, srcPort, dstIp, dstPort);
}

export function ipToString(ip: number): string {
  return `${(ip >>> 24) & 0xff}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Strict dotted-quad → uint32 (no leading zeros, each part ≤ 255). Throws SnfError otherwise. */
export function parseIpv4(s: string): number {
  const m = typeof s === 'string' ? IPV4_RE.exec(s) : null;
  if (m) {
    let v = 0;
    let ok = true;
    for (let i = 1; i <= 4; i++) {
      const part = m[i]!;
      const n = Number(part);
      if (n > 255 || (part.length > 1 && part[0] === '0')) ok = false;
      v = v * 256 + n;
    }
    if (ok) return v >>> 0;
  }
  throw new SnfError('SNF_ERR_CONFIG', `not an IPv4 address: ${JSON.stringify(s)}`);
}

function protoName(proto: number): string {
  if (proto === IPPROTO_TCP) return 'tcp';
  if (proto === IPPROTO_UDP) return 'udp';
  if (proto === IPPROTO_ICMP) return 'icmp';
  return `proto${proto}`;
}

/** "tcp 10.0.0.1:1234 > 10.0.0.2:80" (for logs and test messages, not the hot path). */
export function formatFlowKey(k: FlowKey): string {
  return `${protoName(k.proto)} ${ipToString(k.srcIp)}:${k.srcPort} > ${ipToString(k.dstIp)}:${k.dstPort}`;
}
