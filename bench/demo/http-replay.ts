/**
 * The vanilla replay of `snf demo`: one HTTP POST per packet to the OpenFaaS gateway's
 * `/function/{name}` (as a client of a stock OpenFaaS function would invoke it), paced at the
 * offered rate with at most `maxInFlight` requests outstanding (keep-alive connections). Latency
 * is the gateway's residence time, its `X-Duration-Seconds` (request in → answer out), the same
 * span the SNF replayer measures (gateway ingress → egress). Reordered: a packet answered after a
 * later packet of its connection. Lost: no answer, or an answer other than 200/204/400.
 */
import * as http from 'http';
import type { LoadedTrace } from '../../trace/types';
import { indexFlows } from '../replay/flow-index';
import { summarizeResidence, type LatencySummary } from '../replay/latency';

export interface HttpReplayOptions {
  host: string;
  port: number;
  function: string;
  trace: LoadedTrace;
  rate: number;
  maxInFlight?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  onProgress?(sent: number, received: number): void;
}

export interface HttpReplayResult {
  sent: number;
  received: number;
  lost: number;
  reordered: number;
  forwarded: number;
  dropped: number;
  /** Answers from the function's handler (200, 204, 400): the packets it was billed for. */
  billed: number;
  durationS: number;
  pps: number;
  offeredPps: number;
  latencyUs: LatencySummary;
  residenceNs: Float64Array;
  statusCounts: Record<string, number>;
}

export async function replayHttp(o: HttpReplayOptions): Promise<HttpReplayResult> {
  const t = o.trace;
  const n = t.count;
  const { flowOf, keys } = indexFlows(t);
  const highest = new Int32Array(keys.length).fill(-1);
  const residenceNs = new Float64Array(n).fill(NaN);
  const maxInFlight = o.maxInFlight ?? 64;
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const path = `/function/${encodeURIComponent(o.function)}`;
  const statusCounts: Record<string, number> = {};
  let received = 0, reordered = 0, forwarded = 0, dropped = 0, billed = 0, inFlight = 0, sent = 0;
  let wake: (() => void) | null = null;
  const t0 = process.hrtime.bigint();
  let lastAnswer = t0;

  const answered = (i: number, status: number, durS: number): void => {
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (status === 200 || status === 204 || status === 400) {
      billed++;
      received++;
      residenceNs[i] = durS * 1e9;
      if (status === 200) forwarded++;
      else dropped++;
      const f = flowOf[i]!;
      if (i < highest[f]!) reordered++;
      else highest[f] = i;
    }
  };
  const send = (i: number): void => {
    const body = t.bytes.subarray(t.offsets[i]!, t.offsets[i]! + t.lengths[i]!);
    inFlight++;
    sent++;
    let finished = false;
    const finish = (status: number, durS: number): void => {
      if (finished) return;
      finished = true;
      inFlight--;
      lastAnswer = process.hrtime.bigint();
      answered(i, status, durS);
      if (wake !== null) {
        const w = wake;
        wake = null;
        w();
      }
    };
    const req = http.request({
      host: o.host, port: o.port, method: 'POST', path, agent, timeout: o.timeoutMs ?? 10_000,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length },
    }, (res) => {
      res.resume();
      res.on('end', () => finish(res.statusCode ?? 0, Number(res.headers['x-duration-seconds'] ?? NaN)));
      res.on('error', () => finish(0, NaN));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => finish(0, NaN));
    req.end(body);
  };

  const waitSlot = (): Promise<void> => new Promise((r) => (wake = r));
  const progress = setInterval(() => o.onProgress?.(sent, received), 200);
  try {
    for (let i = 0; i < n; i++) {
      const dueNs = (i / o.rate) * 1e9;
      const ahead = dueNs - Number(process.hrtime.bigint() - t0);
      if (ahead > 2e6) await new Promise((r) => setTimeout(r, ahead / 1e6));
      while (inFlight >= maxInFlight) await waitSlot();
      send(i);
      if ((i & 63) === 63) await new Promise((r) => setImmediate(r));
    }
    while (inFlight > 0) await waitSlot();
  } finally {
    clearInterval(progress);
    agent.destroy();
  }
  o.onProgress?.(sent, received);
  const durationS = Number(lastAnswer - t0) / 1e9;
  return {
    sent, received, lost: n - received, reordered, forwarded, dropped, billed, durationS,
    pps: durationS > 0 ? received / durationS : 0, offeredPps: o.rate,
    latencyUs: summarizeResidence(residenceNs, 0), residenceNs, statusCounts,
  };
}
