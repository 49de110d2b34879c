/**
 * The per-packet latency breakdown of `snf bench live` (issue 12): where each packet's gateway
 * residence went, from the gateway's own clock readings and the unit's TIMING records
 * (proto/frames/timing-v1.ts), all on the host's monotonic clock. Stages, summing to the residence:
 *
 *  - gatewayQueue: ingress → the PACKETS frame carrying it written to the unit's socket (batching)
 *  - link: written → read by the unit (kernel, the unit's event loop getting to it)
 *  - unitQueue: read → its turn in the batch at the unit
 *  - stateWait: held for its flow's state (push in flight, pull, store read)
 *  - nf: its turn → emitted at the unit: the NF call and the runtime's per-record work
 *  - returnLink: NF done → the gateway read the EGRESS frame (unit egress batching, kernel, loop)
 *  - egressOrder: read → released in flow order
 *
 * Per-slot figures live in typed arrays (no allocation per packet); percentiles from
 * perf_hooks histograms (ns, native). Only packets with seq ≥ `fromSeq` count (steady state).
 */
import { createHistogram, type RecordableHistogram } from 'perf_hooks';

export const STAGES = ['gatewayQueue', 'link', 'unitQueue', 'stateWait', 'nf', 'egressOrder', 'returnLink'] as const;
export type Stage = (typeof STAGES)[number];
const SLOWEST = 20;

export interface SlowPacket {
  seq: number;
  /** Ingress, ms after the first packet counted. */
  atMs: number;
  residenceUs: number;
  unit: number;
  moved: boolean;
  /** The stage that took longest. */
  waitedOn: Stage | 'unknown';
  stagesUs: Partial<Record<Stage, number>>;
}

export interface BreakdownSummary {
  packets: number;
  /** Released packets without a TIMING record (lost link, HTTP): not in the stages. */
  untimed: number;
  breakdownUs: Record<Stage, { p50: number; p99: number }>;
  movedStateWaitUs: { p50: number; p99: number; packets: number };
  slowest: SlowPacket[];
}

const hist = (): RecordableHistogram => createHistogram({ lowest: 1, highest: 1e12, figures: 3 });

export class LatencyBreakdown {
  /** Per pending slot: frame number of its PACKETS frame, unit-side times, egress read time. */
  readonly frameSeq: Int32Array;
  readonly moved: Uint8Array;
  private readonly timed: Uint8Array;
  private readonly sentNs: Float64Array;
  private readonly recvNs: Float64Array;
  private readonly queueNs: Float32Array;
  private readonly waitNs: Float32Array;
  private readonly nfNs: Float32Array;
  readonly egressRxNs: Float64Array;
  private readonly h = STAGES.map(hist);
  private readonly movedWait = hist();
  private movedPackets = 0;
  private packets = 0;
  private untimed = 0;
  private firstNs = -1;
  private readonly stage = new Float64Array(STAGES.length);
  private readonly slow: Array<{ residence: number; seq: number; at: number; unit: number; moved: boolean; st: Float64Array }> = [];

  constructor(capacity: number, readonly fromSeq: number) {
    this.frameSeq = new Int32Array(capacity);
    this.moved = new Uint8Array(capacity);
    this.timed = new Uint8Array(capacity);
    this.sentNs = new Float64Array(capacity);
    this.recvNs = new Float64Array(capacity);
    this.queueNs = new Float32Array(capacity);
    this.waitNs = new Float32Array(capacity);
    this.nfNs = new Float32Array(capacity);
    this.egressRxNs = new Float64Array(capacity);
  }

  /** Routed and queued on a link: its frame number, whether its flowlet moved. */
  sent(slot: number, frameSeq: number, moved: boolean): void {
    this.frameSeq[slot] = frameSeq;
    this.moved[slot] = moved ? 1 : 0;
    this.timed[slot] = 0;
  }

  /** A TIMING record for `slot` (its frame was written at `sentNs`). */
  unitTimes(slot: number, sentNs: number, recvNs: number, queueNs: number, waitNs: number, nfNs: number): void {
    this.timed[slot] = 1;
    this.sentNs[slot] = sentNs;
    this.recvNs[slot] = recvNs;
    this.queueNs[slot] = queueNs;
    this.waitNs[slot] = waitNs;
    this.nfNs[slot] = nfNs;
  }

  /** Released at `releaseNs` (shared clock); `ingressNs` on the shared clock too. */
  released(slot: number, seq: number, unit: number, ingressNs: number, releaseNs: number): void {
    if (seq < this.fromSeq) return;
    if (this.timed[slot] === 0) return void this.untimed++;
    this.timed[slot] = 0;
    if (this.firstNs < 0) this.firstNs = ingressNs;
    this.packets++;
    const st = this.stage;
    const recv = this.recvNs[slot]!;
    const nfEnd = recv + this.queueNs[slot]! + this.waitNs[slot]! + this.nfNs[slot]!;
    st[0] = this.sentNs[slot]! - ingressNs;
    st[1] = recv - this.sentNs[slot]!;
    st[2] = this.queueNs[slot]!;
    st[3] = this.waitNs[slot]!;
    st[4] = this.nfNs[slot]!;
    st[5] = releaseNs - this.egressRxNs[slot]!;
    st[6] = this.egressRxNs[slot]! - nfEnd;
    for (let i = 0; i < st.length; i++) this.h[i]!.record(Math.max(1, Math.round(st[i]!)));
    if (this.moved[slot] === 1) {
      this.movedPackets++;
      this.movedWait.record(Math.max(1, Math.round(st[3]!)));
    }
    const residence = releaseNs - ingressNs;
    if (this.slow.length < SLOWEST || residence > this.slow[this.slow.length - 1]!.residence) this.keepSlow(residence, seq, ingressNs, unit, this.moved[slot] === 1);
  }

  /** Rare (a packet slower than the 20th slowest so far): allocation is fine here. */
  private keepSlow(residence: number, seq: number, at: number, unit: number, moved: boolean): void {
    const e = { residence, seq, at, unit, moved, st: Float64Array.from(this.stage) };
    let i = this.slow.length;
    while (i > 0 && this.slow[i - 1]!.residence < residence) i--;
    this.slow.splice(i, 0, e);
    if (this.slow.length > SLOWEST) this.slow.pop();
  }

  summary(): BreakdownSummary {
    const us = (x: number) => Math.round(x / 100) / 10;
    const pct = (h: RecordableHistogram) => (h.count === 0 ? { p50: 0, p99: 0 } : { p50: us(h.percentile(50)), p99: us(h.percentile(99)) });
    const breakdownUs = {} as Record<Stage, { p50: number; p99: number }>;
    STAGES.forEach((s, i) => (breakdownUs[s] = pct(this.h[i]!)));
    const slowest = this.slow.map((e): SlowPacket => {
      const stagesUs: Partial<Record<Stage, number>> = {};
      let top = -1;
      STAGES.forEach((s, i) => {
        stagesUs[s] = us(e.st[i]!);
        if (top < 0 || e.st[i]! > e.st[top]!) top = i;
      });
      return { seq: e.seq, atMs: Math.round((e.at - this.firstNs) / 1e4) / 100, residenceUs: us(e.residence), unit: e.unit, moved: e.moved, waitedOn: top < 0 ? 'unknown' : STAGES[top]!, stagesUs };
    });
    return { packets: this.packets, untimed: this.untimed, breakdownUs, movedStateWaitUs: { ...pct(this.movedWait), packets: this.movedPackets }, slowest };
  }
}
