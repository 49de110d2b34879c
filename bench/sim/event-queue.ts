/**
 * Binary min-heap of simulator events over parallel typed arrays (no object per event).
 * Order: time, then insertion sequence — so two events at the same instant fire in the order
 * they were scheduled, which keeps every run with the same input and seed identical.
 * Each event carries a kind and two int payloads (`a`, `b`), read after `pop()` from
 * `lastTime`, `lastKind`, `lastA`, `lastB`.
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Uint8Array;
  private as: Int32Array;
  private bs: Int32Array;
  private n = 0;
  private nextSeq = 0;

  lastTime = 0;
  lastKind = 0;
  lastA = 0;
  lastB = 0;

  constructor(initialCapacity = 1024) {
    const c = Math.max(16, initialCapacity);
    this.times = new Float64Array(c);
    this.seqs = new Float64Array(c);
    this.kinds = new Uint8Array(c);
    this.as = new Int32Array(c);
    this.bs = new Int32Array(c);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0] : Infinity;
  }

  push(time: number, kind: number, a: number, b: number): void {
    if (this.n === this.times.length) this.grow();
    let i = this.n++;
    const seq = this.nextSeq++;
    // Sift up: move parents down until the new event's slot is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(time, seq, p)) break;
      this.move(p, i);
      i = p;
    }
    this.times[i] = time;
    this.seqs[i] = seq;
    this.kinds[i] = kind;
    this.as[i] = a;
    this.bs[i] = b;
  }

  /** Removes the earliest event into `last*`; returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.lastTime = this.times[0];
    this.lastKind = this.kinds[0];
    this.lastA = this.as[0];
    this.lastB = this.bs[0];
    const last = --this.n;
    if (last === 0) return true;
    const t = this.times[last];
    const s = this.seqs[last];
    const k = this.kinds[last];
    const a = this.as[last];
    const b = this.bs[last];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.lessIdx(r, l) ? r : l;
      if (this.lessOrEqualSlot(t, s, c)) break;
      this.move(c, i);
      i = c;
    }
    this.times[i] = t;
    this.seqs[i] = s;
    this.kinds[i] = k;
    this.as[i] = a;
    this.bs[i] = b;
    return true;
  }

  private less(time: number, seq: number, slot: number): boolean {
    const ts = this.times[slot];
    return time < ts || (time === ts && seq < this.seqs[slot]);
  }

  private lessOrEqualSlot(time: number, seq: number, slot: number): boolean {
    const ts = this.times[slot];
    return time < ts || (time === ts && seq <= this.seqs[slot]);
  }

  private lessIdx(x: number, y: number): boolean {
    return this.less(this.times[x], this.seqs[x], y);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.seqs[to] = this.seqs[from];
    this.kinds[to] = this.kinds[from];
    this.as[to] = this.as[from];
    this.bs[to] = this.bs[from];
  }

  private grow(): void {
    const c = this.times.length * 2;
    const t = new Float64Array(c); t.set(this.times); this.times = t;
    const s = new Float64Array(c); s.set(this.seqs); this.seqs = s;
    const k = new Uint8Array(c); k.set(this.kinds); this.kinds = k;
    const a = new Int32Array(c); a.set(this.as); this.as = a;
    const b = new Int32Array(c); b.set(this.bs); this.bs = b;
  }
}
