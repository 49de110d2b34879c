/**
 * Drop reasons interned to small integers when a handler is created, so the per-packet path
 * counts a drop with one Map lookup and one typed-array increment (no allocation).
 *
 * Ids (stable within one runtime instance; the wire carries the id and the text once, see
 * proto/frames/names-v1.ts):
 *   0                      none (the packet was forwarded)
 *   1 … RUNTIME_REASONS    the runtime's own judgements (unspecified, handler_error, bad_verdict,
 *                          other, and one per non-runnable PacketClass) — always registered
 *   then                   the NF's declared `dropReasons`, in declaration order
 *   then                   reasons the NF used without declaring them, interned on first use
 * Beyond `capacity` ids an undeclared reason counts as 'other' (a handler that builds reason
 * strings from packet contents cannot grow the table without bound).
 */
import { PACKET_CLASS_REASON } from './packet-class';

export const DROP_REASON_NONE = 0;
export const DROP_REASON_UNSPECIFIED = 'unspecified';
export const DROP_REASON_HANDLER_ERROR = 'handler_error';
export const DROP_REASON_BAD_VERDICT = 'bad_verdict';
export const DROP_REASON_OTHER = 'other';

/** Ids of the runtime reasons (fixed: every table registers them first, in this order). */
export const DropReasonId = {
  UNSPECIFIED: 1,
  HANDLER_ERROR: 2,
  BAD_VERDICT: 3,
  OTHER: 4,
  /** + PacketClass: the class reason (e.g. 'truncated') of a packet the handler never saw. */
  CLASS_BASE: 5,
} as const;

/** Default cap on distinct ids per table (the wire carries a u16). */
export const DEFAULT_DROP_REASON_CAPACITY = 1024;

export class DropReasonTable {
  /** Id → text (index 0 is '' for "none"). */
  readonly names: string[] = [''];
  /** Dropped packets per id (counted with `count`). */
  readonly counts: Float64Array;
  /** Ids the runtime pre-registered plus the NF's declared ones (the rest were interned late). */
  readonly declared: number;
  /** Undeclared reasons interned after creation (each one is a string the NF did not announce). */
  lateInterned = 0;
  /** Reasons that arrived when the table was full (counted as 'other'). */
  overflowed = 0;
  private readonly ids = new Map<string, number>();

  constructor(declared: readonly string[] = [], readonly capacity = DEFAULT_DROP_REASON_CAPACITY) {
    this.counts = new Float64Array(capacity);
    for (const r of [DROP_REASON_UNSPECIFIED, DROP_REASON_HANDLER_ERROR, DROP_REASON_BAD_VERDICT, DROP_REASON_OTHER]) this.add(r);
    for (const r of PACKET_CLASS_REASON) this.add(r);
    for (const r of declared) if (!this.ids.has(r)) this.add(r);
    this.declared = this.names.length;
  }

  /** The id of `reason`, interning it if new (beyond the cap: OTHER). Allocates only on first use. */
  intern(reason: string): number {
    const id = this.ids.get(reason);
    if (id !== undefined) return id;
    if (this.names.length >= this.capacity) {
      this.overflowed++;
      return DropReasonId.OTHER;
    }
    this.lateInterned++;
    return this.add(reason);
  }

  /** Count one drop under `id`. */
  count(id: number): void {
    this.counts[id]!++;
  }

  name(id: number): string {
    return this.names[id] ?? DROP_REASON_OTHER;
  }

  /** Counted reasons as a Map name → count (ids with zero omitted), in id order. */
  toMap(out: Map<string, number> = new Map()): Map<string, number> {
    out.clear();
    for (let i = 1; i < this.names.length; i++) if (this.counts[i]! > 0) out.set(this.names[i]!, this.counts[i]!);
    return out;
  }

  private add(reason: string): number {
    const id = this.names.length;
    this.names.push(reason);
    this.ids.set(reason, id);
    return id;
  }
}
