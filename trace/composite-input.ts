/**
 * One input of the composite: a capture read as a stream of IPv4 packets on its own clock,
 * starting at `offsetNs`, with its addresses moved into its own /16.
 *
 * Time runs on deltas between consecutive packets so each input stays non-decreasing (the
 * k-way merge needs that): a step backwards counts as 0, and a gap longer than `maxGapNs`
 * (spliced captures that jump years) is shortened to it. Both are counted.
 */
import { TraceReader } from './reader';
import { remapIpv4To16 } from './remap';
import type { TraceRecord } from './types';

export class CompositeInput {
  /** Current packet's time (ns, before compression) and bytes; valid until `advance()`. */
  timeNs = 0;
  packet: Buffer = Buffer.alloc(0);
  /** Original length of the current packet's IPv4 part. */
  wireLength = 0;
  packets = 0;
  skipped = 0;
  clampedBackwards = 0;
  clampedGaps = 0;
  private readonly reader: TraceReader;
  private lastSec = -1;
  private lastNsec = 0;
  private elapsed = 0;

  constructor(
    readonly path: string,
    readonly offsetNs: number,
    /** High 16 bits of the input's /16 (0x0a05 → 10.5.0.0/16). */
    readonly prefixHigh: number,
    private readonly maxGapNs: number,
    chunkSize: number,
  ) {
    this.reader = TraceReader.open(path, { chunkSize });
  }

  get warnings(): TraceReader['warnings'] {
    return this.reader.warnings;
  }

  /** Load the next IPv4 packet; false (and the file closed) at the end. */
  advance(): boolean {
    for (let rec = this.reader.next(); rec !== null; rec = this.reader.next()) {
      if (rec.l3Offset < 0) {
        this.skipped++;
        continue;
      }
      this.step(rec);
      const l3 = rec.l3Offset;
      this.packet = rec.data.subarray(l3);
      this.wireLength = Math.max(rec.origLen - l3, this.packet.length);
      remapIpv4To16(rec.data, l3, this.packet.length, this.prefixHigh);
      this.packets++;
      return true;
    }
    this.reader.close();
    return false;
  }

  private step(rec: TraceRecord): void {
    if (this.lastSec >= 0) {
      let delta = (rec.tsSec - this.lastSec) * 1e9 + (rec.tsNsec - this.lastNsec);
      if (delta < 0) {
        this.clampedBackwards++;
        delta = 0;
      } else if (delta > this.maxGapNs) {
        this.clampedGaps++;
        delta = this.maxGapNs;
      }
      this.elapsed += delta;
    }
    this.lastSec = rec.tsSec;
    this.lastNsec = rec.tsNsec;
    this.timeNs = this.offsetNs + this.elapsed;
  }

  close(): void {
    this.reader.close();
  }
}
