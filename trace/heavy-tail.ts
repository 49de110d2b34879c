/**
 * generateHeavyTail: a seeded synthetic TCP workload with the property the paper's flow-mode
 * argument (§9.1) needs and our real captures lack: long-lived elephants. SYNTHETIC — label
 * any result from it as such.
 *
 * Model (documented defaults; see trace/README.md):
 * - Poisson flow arrivals at `flowsPerSecond` over [−warmupMs, durationMs); only packets in the
 *   capture window [0, durationMs) are kept, so with a warm-up the elephants are already running
 *   at t = 0 and the load is stationary.
 * - Flow size (server → client payload bytes) ~ bounded Pareto(α, lo, maxFlowBytes), lo solved so
 *   the mean is `meanFlowBytes`.
 * - Each flow: SYN, SYN-ACK, client request one RTT later, then the server sends window-limited
 *   bursts: cwnd starts at `initialWindowSegments` full segments, doubles per RTT (slow start, no
 *   loss) up to `maxWindowBytes`; a burst leaves back to back at `linkBps`; the next one starts when
 *   the first ACK returns one RTT later (or right after the burst if the link, not the window,
 *   limits). The client ACKs every second segment (delayed ACK), seen one RTT after the data.
 *   FIN both ways at the end. RTT per flow log-uniform in [rttMinMs, rttMaxMs], ±5 % per round.
 * - Full segments are `packetBytes` on the wire (IP total length). Packets are captured headers
 *   only (40 B, like smallFlows_nopayloads): the payload is zeros and the checksums cover it.
 */
import { ConfigError } from '../sdk/errors';
import { boundedParetoWithMean, sampleBoundedPareto, type BoundedPareto } from './bounded-pareto';
import { PackedTraceBuilder } from './packed-trace';
import { Prng } from '../sdk/prng';
import { TcpColumns, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, writeTcpHeader } from './tcp-columns';
import type { LoadedTrace } from './types';

export interface HeavyTailOptions {
  seed: number;
  /** Capture window, ms (default 3000). */
  durationMs?: number;
  /** Flows also arrive this long before the window (default 0). */
  warmupMs?: number;
  /** Poisson flow arrival rate (default 14,000/s: ≈ 5 Gb/s at the default mean size). */
  flowsPerSecond?: number;
  /** Pareto shape (default 1.2). */
  paretoAlpha?: number;
  /** Mean flow size, payload bytes (default 45,000). */
  meanFlowBytes?: number;
  /** Upper bound of the flow size (default 50 MB). */
  maxFlowBytes?: number;
  /** Wire size of a full data segment (default 1434, the paper trace's median packet). */
  packetBytes?: number;
  rttMinMs?: number;
  rttMaxMs?: number;
  /** Initial congestion window, segments (default 10, RFC 6928). */
  initialWindowSegments?: number;
  /** Receive-window cap on the congestion window (default 256 KB). */
  maxWindowBytes?: number;
  /** Sender's link rate: spacing of a burst's packets (default 10 Gb/s). */
  linkBps?: number;
}

export type HeavyTailParams = Required<HeavyTailOptions> & { paretoLoBytes: number };

export interface HeavyTailTrace {
  trace: LoadedTrace;
  params: HeavyTailParams;
  /** Drawn size (payload bytes) of every flow that has a packet in the window, in arrival order. */
  flowSizes: Float64Array;
  /** Payload bytes of those flows that fall inside the window (elephants may be cut by it). */
  capturedBytes: Float64Array;
}

const US = 1e3;
const MS = 1e6;
const SERVER_TURNAROUND_NS = 20 * US;
const REQUEST_BYTES = 300;
const CLIENT_BASE = 0x0a000001; // 10.0.0.1 + flow index: unique 5-tuples
const SERVER_PREFIX = 0xc6336400; // 198.51.100.0/24

export function resolveHeavyTail(o: HeavyTailOptions): HeavyTailParams {
  const p = {
    seed: o.seed,
    durationMs: o.durationMs ?? 3000,
    warmupMs: o.warmupMs ?? 0,
    flowsPerSecond: o.flowsPerSecond ?? 14_000,
    paretoAlpha: o.paretoAlpha ?? 1.2,
    meanFlowBytes: o.meanFlowBytes ?? 45_000,
    maxFlowBytes: o.maxFlowBytes ?? 50e6,
    packetBytes: o.packetBytes ?? 1434,
    rttMinMs: o.rttMinMs ?? 1,
    rttMaxMs: o.rttMaxMs ?? 20,
    initialWindowSegments: o.initialWindowSegments ?? 10,
    maxWindowBytes: o.maxWindowBytes ?? 256_000,
    linkBps: o.linkBps ?? 10e9,
  };
  const positive: Array<keyof typeof p> = ['durationMs', 'flowsPerSecond', 'rttMinMs', 'initialWindowSegments', 'maxWindowBytes', 'linkBps'];
  for (const k of positive) if (!(p[k] > 0)) throw new ConfigError(k, `must be > 0, got ${p[k]}`);
  if (!(p.warmupMs >= 0)) throw new ConfigError('warmupMs', `must be >= 0, got ${p.warmupMs}`);
  if (!(p.rttMaxMs >= p.rttMinMs)) throw new ConfigError('rttMaxMs', `must be >= rttMinMs, got ${p.rttMaxMs}`);
  if (!(p.packetBytes >= 41 && p.packetBytes <= 65535)) throw new ConfigError('packetBytes', `must be in [41, 65535], got ${p.packetBytes}`);
  const d = boundedParetoWithMean(p.paretoAlpha, p.meanFlowBytes, p.maxFlowBytes);
  return { ...p, paretoLoBytes: d.lo };
}

export function generateHeavyTail(options: HeavyTailOptions): HeavyTailTrace {
  const p = resolveHeavyTail(options);
  const sizes: BoundedPareto = { alpha: p.paretoAlpha, lo: p.paretoLoBytes, hi: p.maxFlowBytes };
  const arrivals = new Prng(p.seed);
  const perFlow = new Prng((p.seed ^ 0x9e3779b9) >>> 0);
  const cols = new TcpColumns();
  const seg = p.packetBytes - 40;
  const spacing = (p.packetBytes * 8 * 1e9) / p.linkBps;
  const start = -p.warmupMs * MS;
  const end = p.durationMs * MS;
  const drawn: number[] = [];
  const captured: number[] = [];

  for (let t = start - Math.log(1 - arrivals.next()) / (p.flowsPerSecond / 1e9); t < end; t -= Math.log(1 - arrivals.next()) / (p.flowsPerSecond / 1e9)) {
    const size = Math.max(1, Math.round(sampleBoundedPareto(sizes, perFlow)));
    const rtt = perFlow.logRange(p.rttMinMs, p.rttMaxMs) * MS;
    const f = drawn.length;
    const mark = cols.count;
    const bytesBefore = cols.payloadInWindow;
    cols.beginFlow(f, perFlow.int(1024, 65535), perFlow.int(0, 0xffffffff), perFlow.int(0, 0xffffffff));
    let now = t;
    cols.emit(now, true, TCP_SYN, 0);
    cols.emit(now + SERVER_TURNAROUND_NS, false, TCP_SYN | TCP_ACK, 0);
    now += rtt;
    cols.emit(now, true, TCP_PSH | TCP_ACK, REQUEST_BYTES);
    let burst = now + SERVER_TURNAROUND_NS;
    let window = p.initialWindowSegments * seg;
    let left = size;
    let last = burst;
    while (left > 0 && burst < end) {
      const n = Math.min(Math.ceil(left / seg), Math.max(1, Math.floor(window / seg)));
      const round = rtt * (0.95 + 0.1 * perFlow.next());
      for (let i = 0; i < n; i++) {
        const len = Math.min(seg, left);
        left -= len;
        last = burst + i * spacing;
        cols.emit(last, false, left === 0 ? TCP_PSH | TCP_ACK : TCP_ACK, len);
        if (i % 2 === 1 || i === n - 1) cols.emitAck(burst + round + i * spacing);
      }
      burst = Math.max(burst + round + spacing, last + spacing);
      window = Math.min(2 * window, p.maxWindowBytes);
    }
    if (left === 0) {
      cols.emit(last + spacing, false, TCP_FIN | TCP_ACK, 0);
      cols.emit(last + rtt + 2 * spacing, true, TCP_FIN | TCP_ACK, 0);
      cols.emit(last + rtt + 2 * spacing + SERVER_TURNAROUND_NS, false, TCP_ACK, 0);
    }
    cols.dropOutside(mark, 0, end);
    if (cols.count > mark) {
      drawn.push(size);
      captured.push(cols.payloadInWindow - bytesBefore);
    } // else: nothing in the window; the next flow reuses index f

  }
  return { trace: pack(cols, p), params: p, flowSizes: Float64Array.from(drawn), capturedBytes: Float64Array.from(captured) };
}

/** Time order (ties by emission order), integer ns, packed headers-only. */
function pack(cols: TcpColumns, p: HeavyTailParams): LoadedTrace {
  const n = cols.count;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const t = cols.times;
  for (let i = 0; i < n; i++) t[i] = Math.round(t[i]);
  order.sort((a, b) => t[a] - t[b] || a - b);
  const out = new PackedTraceBuilder();
  const hdr = Buffer.alloc(40);
  const t0 = n ? t[order[0]] : 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const wire = writeTcpHeader(hdr, cols, i, CLIENT_BASE, SERVER_PREFIX);
    out.push(hdr, 0, 40, wire, t[i] - t0);
  }
  const name = `synthetic-heavy-tail:seed=${p.seed},alpha=${p.paretoAlpha},mean=${p.meanFlowBytes},max=${p.maxFlowBytes},rate=${p.flowsPerSecond}/s,duration=${p.durationMs}ms,warmup=${p.warmupMs}ms`;
  return out.finish(name, 0);
}
