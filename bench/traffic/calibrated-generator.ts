/**
 * The built-in traffic of `snf demo`: seeded, deterministic connections whose flowlet structure
 * follows a real trace's (calibration.ts; smallFlows by default). Model, per connection:
 *  - TCP, or UDP with the measured share; client in 10.0.0.0/16, server in 198.51.100.0/24, the
 *    first packet from the client (TCP: SYN; the last packet FIN|ACK), later ones either way;
 *  - F flowlets, F drawn from the flowlets-per-connection distribution;
 *  - each flowlet k packets (packets-per-flowlet distribution), spaced by intra-flowlet gaps
 *    (< T), flowlets separated by inter-flowlet gaps (≥ T), both from the measured distributions;
 *  - each packet's IP length from the measured packet-size distribution (at least the headers).
 * Draws are independent inverse-CDF draws from the quantile knots, interpolated on a log scale.
 * Connections start as a Poisson process at the rate that gives the offered packets/s asked for;
 * they start from half a window before 0 so the window opens on connections already under way,
 * and packets outside [0, window) are cut (the slice of a longer mix a replay can afford). The
 * rate is corrected (at most 4 times) until the window holds the asked-for packets within 3 %.
 */
import { buildTcp, buildUdp, type Endpoints } from '../../trace/packet-build';
import { PackedTraceBuilder } from '../../trace/packed-trace';
import type { LoadedTrace } from '../../trace/types';
import { Prng } from '../../sdk/prng';
import { STAT_QUANTILES } from './trace-stats';
import { SMALLFLOWS_CALIBRATION, type TrafficCalibration } from './calibration';

export interface CalibratedTrafficOptions {
  seed: number;
  /** Offered packets/s over the window (mean). */
  pps: number;
  windowMs: number;
  /** Keep every packet of every connection (no cut, starts at 0): for measuring the model itself. */
  uncut?: boolean;
  calibration?: TrafficCalibration;
}

const SYN = 2;
const FIN = 1;
const PSH = 8;
const ACK = 16;
const INSIDE = 0x0a000000;
const OUTSIDE = 0xc6336400;
const TCP_PORTS = [80, 80, 443, 443, 443, 22, 8080];

/** Inverse CDF over quantile knots (at STAT_QUANTILES), log-linear between knots (linear near 0). */
export function drawFromKnots(knots: readonly number[], u: number): number {
  const qs = STAT_QUANTILES;
  let j = 1;
  while (j < qs.length - 1 && u > qs[j]!) j++;
  const q0 = qs[j - 1]!, q1 = qs[j]!;
  const a = knots[j - 1]!, b = knots[j]!;
  const f = q1 > q0 ? Math.min(1, Math.max(0, (u - q0) / (q1 - q0))) : 0;
  if (a > 0 && b > 0) return Math.exp(Math.log(a) + f * (Math.log(b) - Math.log(a)));
  return a + f * (b - a);
}

interface ConnShape {
  udp: boolean;
  /** Offsets from the connection start, ns. */
  times: number[];
  sizes: number[];
}

function drawShape(rng: Prng, c: TrafficCalibration): ConnShape {
  const udp = rng.chance(c.udpShare);
  const T = c.timeoutMs;
  const flowlets = Math.max(1, Math.round(drawFromKnots(c.flowletsPerConnection, rng.next())));
  const times: number[] = [];
  const sizes: number[] = [];
  let t = 0;
  for (let f = 0; f < flowlets; f++) {
    if (f > 0) t += Math.max(T, drawFromKnots(c.interFlowletGapMs, rng.next())) * 1e6;
    const k = Math.max(1, Math.round(drawFromKnots(c.packetsPerFlowlet, rng.next())));
    for (let i = 0; i < k; i++) {
      if (i > 0) t += Math.min(T * 0.999, drawFromKnots(c.intraFlowletGapMs, rng.next())) * 1e6;
      times.push(Math.round(t));
      sizes.push(Math.round(drawFromKnots(c.wireBytes, rng.next())));
    }
  }
  return { udp, times, sizes };
}

function meanPackets(seed: number, c: TrafficCalibration): number {
  const rng = new Prng(seed ^ 0x5eed);
  let n = 0;
  const draws = 4000;
  for (let i = 0; i < draws; i++) n += drawShape(rng, c).times.length;
  return n / draws;
}

interface Timed {
  t: number;
  bytes: Buffer;
}

function emit(rng: Prng, shape: ConnShape, start: number, lo: number, hi: number, out: Timed[]): void {
  const client = (INSIDE | (rng.int(0, 255) << 8) | rng.int(1, 254)) >>> 0;
  const server = (OUTSIDE | rng.int(1, 254)) >>> 0;
  const dport = shape.udp ? rng.pick([53, 53, 123, 443]) : rng.pick(TCP_PORTS);
  const c2s: Endpoints = { src: client, dst: server, sport: rng.int(1024, 65535), dport };
  const s2c: Endpoints = { src: server, dst: client, sport: dport, dport: c2s.sport };
  let cSeq = rng.int(0, 0xffffffff), sSeq = rng.int(0, 0xffffffff);
  let id = rng.int(0, 0xffff);
  const n = shape.times.length;
  for (let i = 0; i < n; i++) {
    const fromClient = i === 0 || rng.chance(0.5);
    const t = start + shape.times[i]!;
    if (t < lo || t >= hi) continue;
    const e = fromClient ? c2s : s2c;
    const ip = { ipId: (id = (id + 1) & 0xffff), ttl: fromClient ? 64 : 51 };
    const size = shape.sizes[i]!;
    let bytes: Buffer;
    if (shape.udp) bytes = buildUdp(e, ip, Buffer.alloc(Math.max(0, size - 28)));
    else {
      const flags = i === 0 ? SYN : i === n - 1 && n > 2 ? FIN | ACK : PSH | ACK;
      const payload = Buffer.alloc(i === 0 ? 0 : Math.max(0, size - 40));
      bytes = buildTcp(e, ip, fromClient ? cSeq : sSeq, i === 0 ? 0 : fromClient ? sSeq : cSeq, flags, 64240, payload);
      const used = payload.length + (flags & (SYN | FIN) ? 1 : 0);
      if (fromClient) cSeq = (cSeq + used) >>> 0;
      else sSeq = (sSeq + used) >>> 0;
    }
    out.push({ t, bytes });
  }
}

function build(o: CalibratedTrafficOptions, c: TrafficCalibration, connsPerS: number): Timed[] {
  const rng = new Prng(o.seed);
  const w = o.windowMs * 1e6;
  const from = o.uncut ? 0 : -w / 2;
  const out: Timed[] = [];
  for (let t = from; ; ) {
    t += (-Math.log(1 - rng.next()) / connsPerS) * 1e9;
    if (t >= w) break;
    emit(rng, drawShape(rng, c), t, o.uncut ? -Infinity : 0, o.uncut ? Infinity : w, out);
  }
  return out;
}

/** The built-in traffic as a LoadedTrace (path `generated:calibrated:<source>,seed=…,pps=…`). */
export function generateCalibratedTraffic(o: CalibratedTrafficOptions): LoadedTrace {
  if (!(o.pps > 0) || !(o.windowMs > 0)) throw new RangeError('calibrated traffic needs pps > 0 and windowMs > 0');
  const c = o.calibration ?? SMALLFLOWS_CALIBRATION;
  const perConn = meanPackets(o.seed, c);
  let rate = o.pps / perConn;
  let packets = build(o, c, rate);
  // Long gaps carry part of each connection past the window, and one heavy connection moves the
  // count of a short window: up to 4 corrections of the rate, until within 3 % of the target.
  const want = (o.pps * o.windowMs) / 1e3;
  for (let round = 0; !o.uncut && round < 4 && packets.length > 0 && Math.abs(packets.length - want) > 0.03 * want; round++) {
    rate *= want / packets.length;
    packets = build(o, c, rate);
  }
  packets.sort((a, b) => a.t - b.t);
  const b = new PackedTraceBuilder();
  const t0 = o.uncut && packets.length ? packets[0]!.t : 0;
  for (const p of packets) b.push(p.bytes, 0, p.bytes.length, p.bytes.length, p.t - t0);
  const name = c.source.split('/').pop()!.replace(/\.pcap$/, '');
  return b.finish(`generated:calibrated:${name},seed=${o.seed},pps=${o.pps},window=${o.windowMs}ms`, 0);
}
