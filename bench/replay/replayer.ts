/**
 * The replayer (`snf replay`, also used in-process by tests and the live bench): sends a trace to
 * the gateway's stream port as PACKETS frames (record `flowletId` = sequence number, `tsNs` =
 * the packet's trace time), paced by a packet rate or a time compression of the trace, and reads
 * the egress back: SOURCE_EGRESS records (sequence, gateway residence as u64 ns), asked for with
 * the handshake flag WIDE_EGRESS; a gateway that predates it answers with EGRESS v1 records
 * (`flowletId` = sequence, `clock` = residence ns saturating at 4.29 s), read as well.
 * Measures per-packet latency (gateway ingress → egress), loss, reordering within flows and
 * throughput. Pacing: packets due by now go out together, one frame once `batch` are due or the
 * oldest due one has waited `maxDelayUs` (a NIC's interrupt moderation, in effect); a timer is used
 * only for gaps above 2 ms (timers are ~1 ms coarse), otherwise setImmediate. Why the delay bound:
 * a frame per loop turn meant a loopback write per 1–3 packets at 100 k pkt/s, and those writes
 * were 29 % of the bench process's CPU (profile, 2026-11-29). Latency is measured from gateway
 * ingress, so this batching does not enter it.
 */
import * as net from 'net';
import { monotonicNs as nowNs } from '../../proto/frames/timing-v1';
import { FrameType, GATEWAY_UNIT_ID, HandshakeFlag, Role } from '../../proto/frames/constants';
import { EgressBatchReader } from '../../proto/frames/egress-batch-v1';
import { FrameParser } from '../../proto/frames/frame-parser';
import { decodeHandshakeReply, encodeHandshake, HANDSHAKE_REPLY_BYTES, HandshakeStatus } from '../../proto/frames/handshake-v1';
import { PacketBatchWriter } from '../../proto/frames/packet-batch-v1';
import { SourceEgressReader } from '../../proto/frames/source-egress-v2';
import { SnfError } from '../../sdk/errors';
import type { LoadedTrace } from '../../trace/types';
import { indexFlows, type FlowIndex } from './flow-index';
import { summarizeResidence, type LatencySummary } from './latency';

export interface ReplayOptions {
  host?: string;
  port: number;
  token: string;
  trace: LoadedTrace;
  /** Offered packets/s (evenly spaced). Wins over `speed`. Neither: as fast as possible. */
  rate?: number;
  /** Time compression: 1 = trace speed, 10 = ten times faster. */
  speed?: number;
  /** Packets per frame at most (default 64). */
  batch?: number;
  /** A partly filled frame leaves once its oldest packet was due this long ago (default 250 µs; 0 = every loop turn). */
  maxDelayUs?: number;
  /** Keep every output packet (for correctness checks). */
  collect?: boolean;
  /** Give up on missing egress this long after the last packet was sent (default 3000 ms). */
  drainTimeoutMs?: number;
  onProgress?(sent: number, received: number): void;
  /**
   * Blocks the calling thread for up to `ms` (sub-millisecond): set, it replaces the setImmediate
   * spin between frames due less than 2 ms apart — only where blocking is harmless, i.e. a thread
   * of its own (./replay-thread.ts: Atomics.wait); the loop still turns between sleeps to read egress.
   */
  sleep?(ms: number): void;
  /**
   * The gateway may go away mid-run (chaos tests): when its connection closes, stop sending and
   * return what came back; `sent` is then the packets written before the close.
   */
  endOnClose?: boolean;
}

export interface ReplayOutput {
  verdict: number;
  reason: number;
  bytes: Buffer | null;
}

export interface ReplayResult {
  sent: number;
  received: number;
  lost: number;
  /** Packets that arrived after a later packet of the same connection. */
  reordered: number;
  /** Egress records for a sequence number already received (a packet released twice), or unknown. */
  duplicates: number;
  forwarded: number;
  dropped: number;
  durationS: number;
  /** Received packets per second over the run (first send → last egress). */
  pps: number;
  offeredPps: number;
  latencyUs: LatencySummary;
  flows: FlowIndex;
  /** collect: output per sequence number (null = never came back). */
  outputs?: Array<ReplayOutput | null>;
  /** collect: sequence numbers in the order their egress arrived. */
  order?: Int32Array;
  /** Gateway residence (ns) per sequence number; NaN = never came back. */
  residenceNs: Float64Array;
}

export async function replay(o: ReplayOptions): Promise<ReplayResult> {
  const t = o.trace;
  const n = t.count;
  const flows = indexFlows(t);
  const residenceNs = new Float64Array(n).fill(NaN);
  const got = new Uint8Array(n);
  const lastSeq = new Float64Array(flows.keys.length).fill(-1);
  const outputs: Array<ReplayOutput | null> | undefined = o.collect ? new Array(n).fill(null) : undefined;
  const order = o.collect ? new Int32Array(n) : undefined;
  const batch = Math.max(1, Math.min(o.batch ?? 64, 0xffff));
  const maxDelayNs = Math.max(0, o.maxDelayUs ?? 250) * 1e3;
  let received = 0, reordered = 0, forwarded = 0, dropped = 0, duplicates = 0;
  let lastRecvNs = 0;
  let closed = false;

  const socket = await connect(o.host ?? '127.0.0.1', o.port, o.token);
  const v1 = new EgressBatchReader();
  const v2 = new SourceEgressReader();
  let finish: (() => void) | null = null;
  const onRecord = (s: number, residence: number, verdict: number, reason: number, body: Buffer, off: number, len: number): void => {
    if (s >= n || got[s] === 1) {
      duplicates++;
      return;
    }
    got[s] = 1;
    residenceNs[s] = residence;
    if (order) order[received] = s;
    received++;
    if (verdict === 0) forwarded++;
    else dropped++;
    const f = flows.flowOf[s]!;
    if (s < lastSeq[f]!) reordered++;
    else lastSeq[f] = s;
    if (outputs) outputs[s] = { verdict, reason, bytes: len > 0 ? Buffer.from(body.subarray(off, off + len)) : null };
  };
  const parser = new FrameParser({
    accept: [FrameType.SOURCE_EGRESS, FrameType.EGRESS],
    onFrame: (type, _flags, count, body) => {
      if (type === FrameType.SOURCE_EGRESS) {
        const r = v2.reset(body, count);
        while (r.next()) onRecord(r.seq, r.residenceNs, r.verdict, r.reason, body, r.packetOffset, r.packetLength);
      } else {
        const r = v1.reset(body, count);
        while (r.next()) onRecord(r.flowletId, r.clock, r.verdict, r.reason, body, r.packetOffset, r.packetLength);
      }
      lastRecvNs = nowNs();
      if (received === n) finish?.();
    },
  });
  socket.on('data', (chunk: Buffer) => void parser.push(chunk));

  const writer = new PacketBatchWriter(128 * 1024);
  const dueNs = (i: number): number => (o.rate ? (i / o.rate) * 1e9 : o.speed ? t.timesNs[i]! / o.speed : 0);
  const t0 = nowNs();
  let i = 0;
  await new Promise<void>((resolve, reject) => {
    if (o.endOnClose) {
      socket.on('error', () => undefined);
      socket.once('close', () => {
        closed = true;
        finish?.();
        resolve();
      });
    } else socket.once('error', reject);
    const pump = (): void => {
      if (closed) return;
      const elapsed = nowNs() - t0;
      let blocked = false;
      // Hold a partial frame until it fills or its first packet has waited maxDelay.
      const ready = i < n && (dueNs(Math.min(n - 1, i + batch - 1)) <= elapsed || elapsed - dueNs(i) >= maxDelayNs);
      while (ready && i < n && dueNs(i) <= elapsed && !blocked) {
        writer.reset();
        while (i < n && writer.count < batch && dueNs(i) <= elapsed) {
          if (!writer.add(i, 0, -1, [], 0, t.timesNs[i]!, t.bytes, t.offsets[i]!, t.lengths[i]!)) break;
          i++;
        }
        blocked = !socket.write(Buffer.from(writer.finish()));
      }
      o.onProgress?.(i, received);
      if (i >= n) return resolve();
      if (blocked) return void socket.once('drain', pump);
      const now = nowNs() - t0;
      const wait = dueNs(i) - now;
      if (wait > 2e6) setTimeout(pump, Math.floor(wait / 1e6) - 1);
      else if (o.sleep === undefined) setImmediate(pump);
      else {
        // Until the open frame may leave: full, or its oldest packet waited maxDelay.
        const leaveNs = Math.min(dueNs(Math.min(n - 1, i + batch - 1)), dueNs(i) + maxDelayNs);
        if (leaveNs > now) o.sleep((leaveNs - now) / 1e6);
        setImmediate(pump);
      }
    };
    pump();
  });
  const sentDoneNs = nowNs();
  await new Promise<void>((resolve) => {
    if (received === n || closed) return resolve();
    let last = received;
    const iv = setInterval(() => {
      o.onProgress?.(n, received);
      if (received === n) done();
      else if (received === last && nowNs() - Math.max(sentDoneNs, lastRecvNs) > (o.drainTimeoutMs ?? 3000) * 1e6) done();
      last = received;
    }, 50);
    socket.once('close', () => done());
    const done = () => {
      clearInterval(iv);
      finish = null;
      resolve();
    };
    finish = done;
  });
  socket.destroy();
  const durationS = Math.max(1e-9, ((lastRecvNs || sentDoneNs) - t0) / 1e9);
  const sendS = Math.max(1e-9, (sentDoneNs - t0) / 1e9);
  return {
    sent: i, received, lost: i - received, reordered, duplicates, forwarded, dropped,
    durationS, pps: Math.round(received / durationS), offeredPps: Math.round(n / sendS),
    latencyUs: summarizeResidence(residenceNs), flows, outputs, order, residenceNs,
  };
}


function connect(host: string, port: number, token: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    s.setNoDelay(true);
    let hs: Buffer = Buffer.alloc(0);
    const fail = (why: string) => {
      s.destroy();
      reject(new SnfError('SNF_ERR_USAGE', `replay: gateway at ${host}:${port}: ${why}`));
    };
    s.once('connect', () => s.write(encodeHandshake({ role: Role.GATEWAY, unitId: GATEWAY_UNIT_ID, token, flags: HandshakeFlag.WIDE_EGRESS })));
    s.once('error', (err) => fail(String(err)));
    const onData = (chunk: Buffer) => {
      hs = Buffer.concat([hs, chunk]);
      const r = decodeHandshakeReply(hs);
      if (r === null) return;
      s.removeListener('data', onData);
      s.removeAllListeners('error');
      if (r.status !== HandshakeStatus.OK) return fail(`handshake refused (status ${r.status})`);
      if (hs.length > HANDSHAKE_REPLY_BYTES) s.unshift(hs.subarray(HANDSHAKE_REPLY_BYTES));
      resolve(s);
    };
    s.on('data', onData);
  });
}
