/**
 * Copies of the packets in flight, by pending slot, so the packets a dead unit never answered can
 * be re-sent to a recovery unit (fault tolerance; only with an output logger: `--logger` ≠ off).
 *
 * One preallocated byte ring (no allocation per packet): a packet is copied at the write position,
 * which wraps to the start when the tail cannot hold it. A slot's copy is valid while fewer than
 * `ringBytes` bytes were written after it; packets in flight longer than that (the ring lapped
 * them) cannot be re-sent and are counted lost (`has` is false). Also kept per slot: the previous
 * flowlet's unit and the timestamp the unit was given (a re-sent packet carries the same).
 */
export class RetainedPackets {
  readonly ring: Buffer;
  private readonly pos: Float64Array;
  readonly len: Int32Array;
  readonly prevUnit: Int16Array;
  readonly tsNs: Float64Array;
  /** Absolute bytes written (positions are absolute; ring offset = pos mod size). */
  private written = 0;

  constructor(capacity: number, readonly ringBytes = 32 << 20) {
    this.ring = Buffer.allocUnsafe(ringBytes);
    this.pos = new Float64Array(capacity).fill(-Infinity);
    this.len = new Int32Array(capacity);
    this.prevUnit = new Int16Array(capacity);
    this.tsNs = new Float64Array(capacity);
  }

  keep(slot: number, buf: Buffer, off: number, len: number, prevUnit: number, tsNs: number): void {
    const size = this.ringBytes;
    let at = this.written % size;
    if (at + len > size) {
      this.written += size - at; // skip the tail: a copy is never split
      at = 0;
    }
    buf.copy(this.ring, at, off, off + len);
    this.pos[slot] = this.written;
    this.written += len;
    this.len[slot] = len;
    this.prevUnit[slot] = prevUnit;
    this.tsNs[slot] = tsNs;
  }

  /** The slot's copy is still intact. */
  has(slot: number): boolean {
    return this.written - this.pos[slot]! <= this.ringBytes;
  }

  offset(slot: number): number {
    return this.pos[slot]! % this.ringBytes;
  }
}
