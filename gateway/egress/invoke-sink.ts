/**
 * Egress for single-packet invocations (`Gateway.invoke`, the API's `/function/{name}`): each
 * packet gets a sequence number and a promise; the packet's egress resolves it with a copy of the
 * output bytes (forward) or the drop. Closing the sink settles whatever is still waiting as lost.
 */
import { EgressReason } from '../../proto/frames/egress-batch-v1';
import type { EgressSink } from './egress-sink';

export interface InvokeResult {
  /** 0 forward, 1 drop (sdk Verdict). */
  verdict: number;
  /** Why, for drops: `nf` (the NF's own verdict) or the runtime/gateway reason (`malformed_packet`, `unit_lost`, …). */
  reason: string;
  /** The output packet (forward), else null. */
  packet: Buffer | null;
}

const REASON_NAMES: readonly string[] = (() => {
  const out: string[] = [];
  for (const [name, id] of Object.entries(EgressReason)) out[id] = name.toLowerCase();
  out[EgressReason.NF] = 'nf';
  return out;
})();

export function egressReasonName(id: number): string {
  return REASON_NAMES[id] ?? `reason_${id}`;
}

export class InvokeSink implements EgressSink {
  private readonly waiting = new Map<number, (r: InvokeResult) => void>();
  private next = 0;

  expect(): { seq: number; done: Promise<InvokeResult> } {
    const seq = this.next;
    this.next = (this.next + 1) >>> 0;
    const done = new Promise<InvokeResult>((resolve) => this.waiting.set(seq, resolve));
    return { seq, done };
  }

  get inFlight(): number {
    return this.waiting.size;
  }

  emit(seq: number, _residenceNs: number, verdict: number, reason: number, buf: Buffer, off: number, len: number): void {
    const resolve = this.waiting.get(seq);
    if (resolve === undefined) return;
    this.waiting.delete(seq);
    const forward = verdict === 0 && len > 0;
    resolve({ verdict: forward ? 0 : 1, reason: forward ? '' : egressReasonName(reason), packet: forward ? Buffer.from(buf.subarray(off, off + len)) : null });
  }

  close(): void {
    for (const resolve of this.waiting.values()) resolve({ verdict: 1, reason: 'gateway_stopped', packet: null });
    this.waiting.clear();
  }
}
