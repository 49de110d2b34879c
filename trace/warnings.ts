/**
 * What was odd about a capture, counted rather than thrown: real files have timestamps that
 * step backwards or jump years (spliced captures), a last record cut short, blocks we ignore.
 */

/** A gap between consecutive records larger than this counts as a jump (one year). */
export const TIME_JUMP_SEC = 365 * 24 * 3600;

export class TraceWarnings {
  /** Records whose timestamp is earlier than the previous record's. */
  timeBackwards = 0;
  /** Records more than a year after the previous one. */
  timeJumps = 0;
  /** Classic pcap records whose sub-second field was out of range (carried into seconds). */
  subsecondOverflow = 0;
  /** Records whose captured length exceeds the original length (origLen raised to capLen). */
  capLenOverOrig = 0;
  /** pcapng blocks skipped: unknown types, or packets naming an undeclared interface. */
  skippedBlocks = 0;
  /** File offset of a final record cut short by the end of the file, or -1. */
  truncatedAt = -1;

  private lastSec = -1;
  private lastNsec = 0;

  /** Compare a record's time with the previous record's. */
  observe(sec: number, nsec: number): void {
    if (this.lastSec >= 0) {
      if (sec < this.lastSec || (sec === this.lastSec && nsec < this.lastNsec)) this.timeBackwards++;
      else if (sec - this.lastSec > TIME_JUMP_SEC) this.timeJumps++;
    }
    this.lastSec = sec;
    this.lastNsec = nsec;
  }

  get any(): boolean {
    return this.toStrings().length > 0;
  }

  /** One human line per non-zero counter. */
  toStrings(): string[] {
    const out: string[] = [];
    if (this.timeBackwards) out.push(`${this.timeBackwards} timestamp(s) earlier than the previous record`);
    if (this.timeJumps) out.push(`${this.timeJumps} timestamp jump(s) of more than a year`);
    if (this.subsecondOverflow) out.push(`${this.subsecondOverflow} record(s) with a sub-second field out of range`);
    if (this.capLenOverOrig) out.push(`${this.capLenOverOrig} record(s) with captured length > original length`);
    if (this.skippedBlocks) out.push(`${this.skippedBlocks} pcapng block(s) skipped`);
    if (this.truncatedAt >= 0) out.push(`last record truncated at byte offset ${this.truncatedAt}`);
    return out;
  }

  toJSON(): Record<string, number> {
    return {
      timeBackwards: this.timeBackwards,
      timeJumps: this.timeJumps,
      subsecondOverflow: this.subsecondOverflow,
      capLenOverOrig: this.capLenOverOrig,
      skippedBlocks: this.skippedBlocks,
      truncatedAt: this.truncatedAt,
    };
  }
}
