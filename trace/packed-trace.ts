/** Builds a LoadedTrace by appending packets; arrays grow by doubling (amortised, no per-packet objects). */
import type { LoadedTrace } from './types';

export class PackedTraceBuilder {
  count = 0;
  private bytes = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private offsets = new Uint32Array(1024);
  private lengths = new Uint32Array(1024);
  private wire = new Uint32Array(1024);
  private times = new Float64Array(1024);

  /** Append src[start, start + length) with its wire length and time (ns since the first packet). */
  push(src: Buffer, start: number, length: number, wireLength: number, timeNs: number): void {
    if (this.count === this.offsets.length) this.growArrays();
    if (this.used + length > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < this.used + length) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    src.copy(this.bytes, this.used, start, start + length);
    const i = this.count++;
    this.offsets[i] = this.used;
    this.lengths[i] = length;
    this.wire[i] = wireLength;
    this.times[i] = timeNs;
    this.used += length;
  }

  finish(path: string, skipped: number): LoadedTrace {
    const n = this.count;
    return {
      path,
      count: n,
      bytes: Buffer.from(this.bytes.subarray(0, this.used)),
      offsets: this.offsets.slice(0, n),
      lengths: this.lengths.slice(0, n),
      wireLengths: this.wire.slice(0, n),
      timesNs: this.times.slice(0, n),
      skipped,
    };
  }

  private growArrays(): void {
    const size = this.offsets.length * 2;
    const grow = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(a);
      return next;
    };
    this.offsets = grow(this.offsets, (n) => new Uint32Array(n));
    this.lengths = grow(this.lengths, (n) => new Uint32Array(n));
    this.wire = grow(this.wire, (n) => new Uint32Array(n));
    this.times = grow(this.times, (n) => new Float64Array(n));
  }
}
