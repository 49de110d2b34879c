/**
 * generateTraffic: a seeded, deterministic synthetic trace (for tests and for machines without
 * the real data). N TCP connections (handshake, request/response data in flowlets, FIN or RST)
 * and UDP request/response exchanges between an inside 10.0.0.0/16 and an outside
 * 198.51.100.0/24, all checksums valid, packed as a LoadedTrace in time order.
 */
import { PackedTraceBuilder } from './packed-trace';
import { Prng } from '../sdk/prng';
import { IpIds, tcpConnection, udpExchange, unsolicitedUdp, type TimedPacket } from './synthetic-flows';
import type { LoadedTrace } from './types';

export interface GeneratorOptions {
  seed: number;
  /** TCP connections (default 100). */
  flows?: number;
  /** UDP request/response exchanges (default flows / 2). */
  udpExchanges?: number;
  /** Unsolicited UDP responses (default udpExchanges / 10). */
  unsolicitedUdp?: number;
  /** Window in which connections start, ms (default 1000). */
  durationMs?: number;
  /** Share of TCP connections ending in RST instead of FIN (default 0.1). */
  rstFraction?: number;
}

export const INSIDE_PREFIX = 0x0a000000; // 10.0.0.0/16
export const OUTSIDE_PREFIX = 0xc6336400; // 198.51.100.0/24

export function generateTraffic(options: GeneratorOptions): LoadedTrace {
  const rng = new Prng(options.seed);
  const flows = options.flows ?? 100;
  const udp = options.udpExchanges ?? Math.floor(flows / 2);
  const stray = options.unsolicitedUdp ?? Math.floor(udp / 10);
  const window = (options.durationMs ?? 1000) * 1e6;
  const rst = options.rstFraction ?? 0.1;
  const ids = new IpIds();
  const inside = (): number => (INSIDE_PREFIX | (rng.int(0, 255) << 8) | rng.int(1, 254)) >>> 0;
  const outside = (): number => (OUTSIDE_PREFIX | rng.int(1, 254)) >>> 0;

  const packets: TimedPacket[] = [];
  for (let i = 0; i < flows; i++) tcpConnection(rng, ids, inside(), outside(), rng.range(0, window), rst, packets);
  for (let i = 0; i < udp; i++) udpExchange(rng, ids, inside(), outside(), rng.range(0, window), packets);
  for (let i = 0; i < stray; i++) unsolicitedUdp(rng, ids, inside(), outside(), rng.range(0, window), packets);

  // Integer ns, stable order for equal times (sort is stable): the trace is a pure function of the seed.
  for (const p of packets) p.t = Math.round(p.t);
  packets.sort((a, b) => a.t - b.t);
  const out = new PackedTraceBuilder();
  const t0 = packets.length ? packets[0]!.t : 0;
  for (const p of packets) out.push(p.bytes, 0, p.bytes.length, p.bytes.length, p.t - t0);
  return out.finish(`generated:seed=${options.seed},flows=${flows},udp=${udp}`, 0);
}
