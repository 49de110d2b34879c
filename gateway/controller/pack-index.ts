/**
 * The packer's index: pickUnit's question — the running unit with the highest utilization score
 * (load ÷ capacity) whose fit load (load + backlog) stays within a limit, lowest id on ties —
 * answered in O(log n) instead of a scan of every unit, so that assignment stays sub-linear for
 * operators with hundreds of replicas.
 *
 * A segment tree over unit ids (leaf i = unit id i) keeps per node the highest score and the
 * lowest fit load below it. Loads change on every packet (backlog when routed, meter when
 * drained), so the tree is not rewritten per packet: a write only marks the unit dirty (a flag and
 * a stack push) and the next decision first re-reads the dirty units (O(d log n) for the d units
 * touched since the last decision: at most one per packet, usually a few per flowlet).
 *
 * The query is branch and bound: the child with the higher score is explored first; a subtree is
 * skipped when nothing in it fits (min fit above the limit) or when it cannot beat the best unit
 * found (its max score lower, or equal with only higher ids). When the top-scoring units fit this
 * is one root-to-leaf path; every higher-scoring unit that does not fit adds at most one more.
 *
 * No library fits: the tree lives in typed arrays beside the unit table's, allocates nothing per
 * decision, and is specific to this two-key (score, fit) query.
 */
export class PackIndex {
  /** Leaves: a power of two > the highest unit id. Node 1 is the root, leaf of id u is size + u. */
  private readonly size: number;
  private readonly maxScore: Float64Array;
  private readonly minFit: Float64Array;
  private readonly dirtyFlag: Uint8Array;
  private readonly dirtyIds: Int32Array;
  private dirtyCount = 0;
  /** DFS stack: at most two entries per level are pending. */
  private readonly stack: Int32Array;
  private readonly depthBits: number;

  constructor(maxUnits: number, private readonly invCapacity: number) {
    let size = 1;
    while (size < maxUnits + 1) size *= 2;
    this.size = size;
    this.depthBits = 31 - Math.clz32(size);
    this.maxScore = new Float64Array(2 * size).fill(-Infinity);
    this.minFit = new Float64Array(2 * size).fill(Infinity);
    this.dirtyFlag = new Uint8Array(maxUnits + 1);
    this.dirtyIds = new Int32Array(maxUnits + 1);
    this.stack = new Int32Array(2 * (this.depthBits + 2));
  }

  /** The unit's load, backlog or running state changed: re-read it at the next decision. */
  markDirty(unit: number): void {
    if (this.dirtyFlag[unit] === 1) return;
    this.dirtyFlag[unit] = 1;
    this.dirtyIds[this.dirtyCount++] = unit;
  }

  /** Re-read the dirty units: a running unit's leaf gets (load·inv, load + backlog), any other an empty leaf. */
  flush(running: (unit: number) => boolean, loadBps: Float64Array, backlogBps: Float64Array): void {
    for (let i = 0; i < this.dirtyCount; i++) {
      const u = this.dirtyIds[i]!;
      this.dirtyFlag[u] = 0;
      if (running(u)) {
        const load = loadBps[u]!;
        this.setLeaf(u, load * this.invCapacity, load + backlogBps[u]!);
      } else {
        this.setLeaf(u, -Infinity, Infinity);
      }
    }
    this.dirtyCount = 0;
  }

  /** The fitting unit (fit ≤ limit) with the highest score, lowest id on ties; -1 when none fits. Call flush first. */
  best(limit: number): number {
    const maxScore = this.maxScore;
    const minFit = this.minFit;
    const stack = this.stack;
    const size = this.size;
    let best = -1;
    let bestScore = -Infinity;
    let top = 0;
    stack[top++] = 1;
    while (top > 0) {
      const n = stack[--top]!;
      if (minFit[n]! > limit) continue;
      const s = maxScore[n]!;
      if (s < bestScore || (s === bestScore && this.lowestId(n) > best)) continue;
      if (n >= size) {
        best = n - size;
        bestScore = s;
        continue;
      }
      const l = 2 * n;
      // Push the weaker child first so the stronger one is explored first (left on ties: lower ids).
      if (maxScore[l]! >= maxScore[l + 1]!) {
        stack[top++] = l + 1;
        stack[top++] = l;
      } else {
        stack[top++] = l;
        stack[top++] = l + 1;
      }
    }
    return best;
  }

  private setLeaf(unit: number, score: number, fit: number): void {
    let n = this.size + unit;
    this.maxScore[n] = score;
    this.minFit[n] = fit;
    for (n >>= 1; n >= 1; n >>= 1) {
      const l = 2 * n;
      const a = this.maxScore[l]!;
      const b = this.maxScore[l + 1]!;
      const f = this.minFit[l]!;
      const g = this.minFit[l + 1]!;
      this.maxScore[n] = a >= b ? a : b;
      this.minFit[n] = f <= g ? f : g;
    }
  }

  /** The lowest unit id under node n. */
  private lowestId(n: number): number {
    const depth = 31 - Math.clz32(n);
    return (n - (1 << depth)) << (this.depthBits - depth);
  }
}
