/**
 * One synthetic TCP connection or UDP exchange, as timestamped packets appended to a list.
 * Timing model: the capture point sits between an inside client and an outside server; the
 * other side's answer appears half a round trip later. Data moves in bursts (flowlets) of a
 * few segments microseconds apart, separated by idle gaps of 0.1–20 ms.
 */
import { buildTcp, buildUdp, type Endpoints } from './packet-build';
import { DNS_NAMES, dnsMessage, httpRequest, httpResponseChunk, opaque } from './payloads';
import type { Prng } from '../sdk/prng';

export interface TimedPacket {
  t: number;
  bytes: Buffer;
}

const FIN = 1;
const SYN = 2;
const RST = 4;
const PSH = 8;
const ACK = 16;
const MSS = 1460;
const US = 1e3;
const MS = 1e6;

/** Per-host IP ID counters, so IDs advance per sender like real stacks. */
export class IpIds {
  private ids = new Map<number, number>();
  next(host: number): number {
    const v = ((this.ids.get(host) ?? host * 7919) + 1) & 0xffff;
    this.ids.set(host, v);
    return v;
  }
}

export function tcpConnection(rng: Prng, ids: IpIds, client: number, server: number, start: number, rstFraction: number, out: TimedPacket[]): void {
  const dport = rng.pick([80, 80, 80, 443, 443, 22, 8080]);
  const c2s: Endpoints = { src: client, dst: server, sport: rng.int(1024, 65535), dport };
  const s2c: Endpoints = { src: server, dst: client, sport: dport, dport: c2s.sport };
  const half = rng.logRange(0.5, 40) * MS * 0.5; // half a round trip
  let cSeq = rng.int(0, 0xffffffff);
  let sSeq = rng.int(0, 0xffffffff);
  let t = start;
  const send = (fromClient: boolean, flags: number, payload: Buffer): void => {
    const e = fromClient ? c2s : s2c;
    const seq = fromClient ? cSeq : sSeq;
    const ack = flags & ACK ? (fromClient ? sSeq : cSeq) : 0;
    const ttl = fromClient ? 64 : 51;
    out.push({ t, bytes: buildTcp(e, { ipId: ids.next(e.src), ttl }, seq, ack, flags, 64240, payload) });
    const used = payload.length + (flags & (SYN | FIN) ? 1 : 0);
    if (fromClient) cSeq = (cSeq + used) >>> 0;
    else sSeq = (sSeq + used) >>> 0;
  };
  const empty = Buffer.alloc(0);

  send(true, SYN, empty);
  t += half;
  send(false, SYN | ACK, empty);
  t += half;
  send(true, ACK, empty);

  const http = dport === 80 || dport === 8080;
  const rounds = rng.int(1, 3);
  for (let r = 0; r < rounds; r++) {
    t += rng.range(5, 200) * US;
    send(true, PSH | ACK, http ? httpRequest(rng) : opaque(rng, rng.int(60, 600)));
    t += half;
    // Response size: mostly small pages, a heavy tail of downloads.
    const total = Math.round(rng.chance(0.8) ? rng.logRange(200, 8000) : rng.logRange(8000, 400_000));
    let sent = 0;
    let unacked = 0;
    while (sent < total) {
      const burst = rng.int(2, 16);
      for (let i = 0; i < burst && sent < total; i++) {
        const len = Math.min(MSS, total - sent);
        send(false, (sent + len === total ? PSH : 0) | ACK, http ? httpResponseChunk(sent, len, total) : opaque(rng, len));
        sent += len;
        if (++unacked === 2) {
          // Delayed ACK every second segment, seen a moment later at the capture point.
          const tData = t;
          t += rng.range(20, 120) * US;
          send(true, ACK, empty);
          t = tData;
          unacked = 0;
        }
        t += rng.range(5, 60) * US;
      }
      if (sent < total) t += rng.logRange(0.1, 20) * MS; // flowlet gap
    }
    t += half;
    if (unacked) send(true, ACK, empty);
  }

  t += rng.logRange(0.1, 20) * MS;
  if (rng.chance(rstFraction)) {
    send(rng.chance(0.5), RST | ACK, empty);
    return;
  }
  send(true, FIN | ACK, empty);
  t += half;
  send(false, FIN | ACK, empty);
  t += half;
  send(true, ACK, empty);
}

/** A DNS-like query to port 53 and its answer one round trip later. */
export function udpExchange(rng: Prng, ids: IpIds, client: number, server: number, start: number, out: TimedPacket[]): void {
  const q: Endpoints = { src: client, dst: server, sport: rng.int(1024, 65535), dport: 53 };
  const id = rng.int(0, 0xffff);
  const name = rng.pick(DNS_NAMES);
  out.push({ t: start, bytes: buildUdp(q, { ipId: ids.next(client), ttl: 64 }, dnsMessage(rng, id, false, name)) });
  const r: Endpoints = { src: server, dst: client, sport: 53, dport: q.sport };
  const t = start + rng.logRange(0.5, 60) * MS;
  out.push({ t, bytes: buildUdp(r, { ipId: ids.next(server), ttl: 51 }, dnsMessage(rng, id, true, name)) });
}

/** A response nobody asked for (spoofed/stray DNS answers: what a UDP whitelister drops). */
export function unsolicitedUdp(rng: Prng, ids: IpIds, client: number, server: number, start: number, out: TimedPacket[]): void {
  const r: Endpoints = { src: server, dst: client, sport: 53, dport: rng.int(1024, 65535) };
  out.push({ t: start, bytes: buildUdp(r, { ipId: ids.next(server), ttl: 51 }, dnsMessage(rng, rng.int(0, 0xffff), true)) });
}
