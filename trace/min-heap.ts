/**
 * Binary min-heap of small integer ids ordered by a caller's key array: the k-way merge's
 * "which input is next". Ties break on the lower id, so the merge order is deterministic.
 */
export class IdMinHeap {
  private ids: number[] = [];

  constructor(private readonly keys: Float64Array) {}

  get size(): number {
    return this.ids.length;
  }

  push(id: number): void {
    const a = this.ids;
    a.push(id);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  peek(): number {
    return this.ids[0]!;
  }

  /** Remove the top; use after its key changed to re-insert (pop + push). */
  pop(): number {
    const a = this.ids;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(i: number): void {
    const a = this.ids;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }

  private less(x: number, y: number): boolean {
    const kx = this.keys[x]!;
    const ky = this.keys[y]!;
    return kx < ky || (kx === ky && x < y);
  }
}
