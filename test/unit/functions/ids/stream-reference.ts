/**
 * Reference IDS for the equivalence tests: for every TCP connection direction, concatenate the
 * payloads in packet order and find every pattern occurrence with indexOf (UDP: each datagram
 * alone); an occurrence alerts (packet containing its last byte, sid) for each rule of the
 * pattern that applies to the protocol. Candidate patterns per stream come from a 4-byte-prefix
 * index (a pattern can only occur where its first 4 bytes do), which keeps this fast enough for
 * tens of thousands of patterns; patterns shorter than 4 bytes are checked directly.
 */
import { Packet, PacketClass } from '../../../../sdk/packet';
import { PROTO_TCP_BIT, PROTO_UDP_BIT, type PatternSet } from '../../../../functions/ids/pattern-set';
import { lowerAscii } from './naive-matcher';

interface Stream {
  chunks: Buffer[];
  packetIndex: number[];
  tcp: boolean;
}

/** Collects payloads per direction as packets go by. */
export class StreamCollector {
  readonly streams: Stream[] = [];
  private readonly byKey = new Map<string, Stream>();

  add(p: Packet, packetIndex: number): void {
    if (p.cls !== PacketClass.OK || p.payloadLength === 0) return;
    const payload = Buffer.from(p.payload());
    if (!p.isTcp) {
      this.streams.push({ chunks: [payload], packetIndex: [packetIndex], tcp: false });
      return;
    }
    const key = `${p.srcIp}:${p.srcPort}>${p.dstIp}:${p.dstPort}`;
    let s = this.byKey.get(key);
    if (!s) {
      s = { chunks: [], packetIndex: [], tcp: true };
      this.byKey.set(key, s);
      this.streams.push(s);
    }
    s.chunks.push(payload);
    s.packetIndex.push(packetIndex);
  }
}

const prefix4 = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;

/** Sorted "packetIndex:sid" strings the reference IDS raises. */
export function referenceAlerts(set: PatternSet, streams: readonly Stream[]): string[] {
  const index = new Map<number, number[]>();
  const short: number[] = [];
  set.patterns.forEach((p, i) => {
    if (p.bytes.length < 4) return void short.push(i);
    const k = prefix4(p.bytes, 0); // nocase patterns are stored lowercased
    const list = index.get(k);
    if (list) list.push(i);
    else index.set(k, [i]);
  });
  const out = new Set<string>();
  for (const s of streams) {
    const text = Buffer.concat(s.chunks);
    const lower = lowerAscii(text);
    const ends: number[] = [];
    let acc = 0;
    for (const c of s.chunks) ends.push((acc += c.length));
    const candidates = new Set<number>(short);
    for (let i = 0; i + 4 <= text.length; i++) {
      for (const k of [prefix4(text, i), prefix4(lower, i)]) {
        const list = index.get(k);
        if (list) for (const pi of list) candidates.add(pi);
      }
    }
    const bit = s.tcp ? PROTO_TCP_BIT : PROTO_UDP_BIT;
    for (const pi of candidates) {
      const p = set.patterns[pi]!;
      const hay = p.nocase ? lower : text;
      for (let i = hay.indexOf(p.bytes); i >= 0; i = hay.indexOf(p.bytes, i + 1)) {
        const end = i + p.bytes.length;
        let chunk = 0;
        while (ends[chunk]! < end) chunk++;
        for (let k = set.ruleStart[pi]!; k < set.ruleStart[pi + 1]!; k++) {
          const r = set.ruleOfPattern[k]!;
          if (set.protoMasks[r]! & bit) out.add(`${s.packetIndex[chunk]}:${set.sids[r]}`);
        }
      }
    }
  }
  return [...out].sort();
}
