/**
 * When each PACKETS frame of one unit link was written (host monotonic ns, proto/frames/timing-v1),
 * kept in a ring by frame number, so the latency breakdown can tell a packet's gateway queue
 * (ingress → its frame written) from the link (written → read by the unit). Only with timing on.
 */
const RING = 1 << 14;

export class FrameTimes {
  private readonly at = new Float64Array(RING);

  /** Frame number `seq` was written at `ns`. */
  written(seq: number, ns: number): void {
    this.at[seq & (RING - 1)] = ns;
  }

  /** When frame `seq` was written (valid for the last RING frames). */
  writtenAt(seq: number): number {
    return this.at[seq & (RING - 1)]!;
  }
}
