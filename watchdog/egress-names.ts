/**
 * Which drop-reason ids and alert sids the gateway connection has been told the text of (NAMES
 * frame, proto/frames/names-v1.ts). `note` runs only for packets the NF said something about
 * (a drop or an alert): one typed-array or Set lookup per id, an entry queued only the first
 * time an id is used on this connection. `take` returns the NAMES frame to write before the
 * EGRESS frame that uses them (same socket write), or null.
 */
import { encodeNames, NameKind, type NameEntry } from '../proto/frames/names-v1';
import type { Invoker } from '../sdk/invoke';

export class EgressNames<S> {
  private readonly sentReason: Uint8Array;
  private readonly sentSids = new Set<number>();
  private pending: NameEntry[] = [];

  constructor(private readonly invoker: Invoker<S>) {
    this.sentReason = new Uint8Array(invoker.reasons.capacity);
  }

  note(dropId: number, sids: Uint32Array, n: number): void {
    if (dropId !== 0 && this.sentReason[dropId] === 0) {
      this.sentReason[dropId] = 1;
      this.pending.push({ kind: NameKind.DROP_REASON, id: dropId, text: this.invoker.reasons.name(dropId) });
    }
    for (let i = 0; i < n; i++) {
      const sid = sids[i]!;
      if (this.sentSids.has(sid)) continue;
      this.sentSids.add(sid);
      const d = this.invoker.handler.describeAlert?.(sid);
      this.pending.push({ kind: NameKind.SIGNATURE, id: sid, text: d?.signature ?? '', gid: d?.gid ?? 1, rev: d?.rev ?? 0, severity: d?.severity ?? 0 });
    }
  }

  /** The NAMES frame for what was noted since the last take, or null. */
  take(): Buffer | null {
    if (this.pending.length === 0) return null;
    const frame = encodeNames(this.pending);
    this.pending = [];
    return frame;
  }

  /** A new gateway connection knows nothing yet. */
  reset(): void {
    this.sentReason.fill(0);
    this.sentSids.clear();
    this.pending = [];
  }
}
