/**
 * Sequential reads from a file descriptor through one fixed-size buffer.
 *
 * The buffer holds a window of the file; `ensure(n)` makes n bytes available at `pos`, sliding
 * the unread tail to the front and refilling. It grows only when a single record is larger than
 * the whole buffer, so memory stays bounded by the largest record, never by the file size.
 */
import * as fs from 'fs';

export const DEFAULT_CHUNK_SIZE = 256 * 1024;

export class ChunkedFile {
  buf: Buffer;
  /** Read position in `buf`. */
  pos = 0;
  /** End of valid bytes in `buf`. */
  end = 0;
  /** File offset of buf[0]. */
  private base = 0;
  private eof = false;

  constructor(
    private fd: number,
    chunkSize = DEFAULT_CHUNK_SIZE,
  ) {
    this.buf = Buffer.allocUnsafe(chunkSize);
  }

  /** File offset of the read position (for error messages). */
  get fileOffset(): number {
    return this.base + this.pos;
  }

  /** Bytes available at `pos` without another read. */
  get available(): number {
    return this.end - this.pos;
  }

  /** Make n bytes available at `pos`; false when the file ends first (what is there stays readable). */
  ensure(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (this.eof) return false;
    if (this.pos + n > this.buf.length) this.compact(n);
    while (this.end - this.pos < n) {
      const got = fs.readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.end += got;
    }
    return true;
  }

  /** Advance past n bytes, reading through (not buffering) what lies beyond the window. */
  skip(n: number): boolean {
    const inBuf = this.end - this.pos;
    if (n <= inBuf) {
      this.pos += n;
      return true;
    }
    // Skipped bytes are not needed: read them in chunk-sized pieces and discard.
    let left = n - inBuf;
    this.base += this.end;
    this.pos = 0;
    this.end = 0;
    while (left > 0) {
      const want = Math.min(left, this.buf.length);
      const got = fs.readSync(this.fd, this.buf, 0, want, null);
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.base += got;
      left -= got;
    }
    return true;
  }

  /** Move unread bytes to the front; grow (to the next power of two) if n still does not fit. */
  private compact(n: number): void {
    const unread = this.end - this.pos;
    let target = this.buf;
    if (n > this.buf.length) {
      let size = this.buf.length;
      while (size < n) size *= 2;
      target = Buffer.allocUnsafe(size);
    }
    this.buf.copy(target, 0, this.pos, this.end);
    this.base += this.pos;
    this.buf = target;
    this.pos = 0;
    this.end = unread;
  }
}
