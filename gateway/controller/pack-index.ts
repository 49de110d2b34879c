/**
 * The packer's index: pickUnit's question — the running unit with the highest utilization score
 * (load ÷ capacity) whose fit load (load + backlog) stays within a limit, lowest id on ties —
 * answered in O(log n) instead of a scan of every unit, so that assignment stays sub-linear for
 * operators with hundreds of replicas.
 *
 * A segment tree over unit ids (leaf i = unit id i) keeps per node the highest score below it,
 * the lowest id holding that score and that unit's fit load, and the lowest fit load below it. Loads change on every packet (backlog when routed, meter when
 * drained), so the tree is not rewritten per packet: a write only marks the unit dirty (a flag and
 * a stack push) and the next decision first re-reads the dirty units (O(d log n) for the d units
 * touched since the last decision: at most one per packet, usually a few per flowlet).
 *
 * The query is branch and bound: a subtree whose top unit fits is answered by that unit without
 * descending; one where nothing fits (min fit above the limit) or that cannot beat the best unit
 * found (lower max score, or equal with only higher ids) is skipped; otherwise the child with the
 * higher score is explored first. When the top-scoring unit fits this is the root alone; every
 * higher-scoring unit that does not fit adds at most one root-to-leaf path.
 *
 * No library fits: the tree lives in typed arrays beside the unit table's, allocates nothing per
 * decision, and is specific to this two-key (score, fit) query.
 */
export class PackIndex {
  /** Leaves: a power of two > the highest unit id. Node 1 is the root, leaf of id u is size + u. */
  private readonly size: number;
  private readonly maxScore: Float64Array;
  /** The lowest unit id holding maxScore under the node, and its fit load. */
  private readonly topId: Int32Array;
  private readonly topFit: Float64Array;
  private readonly minFit: Float64Array;
  private readonly dirtyFlag: Uint8Array;
  private readonly dirtyIds: Int32Array;
  private dirtyCount = 0;
  /** DFS stack: at most two entries per level are pending. */
  private readonly stack: Int32Array;

  constructor(maxUnits: number, private readonly invCapacity: number) {
    let size = 1;
    while (size < maxUnits + 1) size *= 2;
    this.size = size;
    this.maxScore = new Float64Array(2 * size).fill(-Infinity);
    this.minFit = new Float64Array(2 * size).fill(Infinity);
    this.topId = new Int32Array(2 * size).fill(-1);
    this.topFit = new Float64Array(2 * size).fill(Infinity);
    this.dirtyFlag = new Uint8Array(maxUnits + 1);
    this.dirtyIds = new Int32Array(maxUnits + 1);
    this.stack = new Int32Array(2 * (32 - Math.clz32(size)) + 2);
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
    const topId = this.topId;
    const topFit = this.topFit;
    const stack = this.stack;
    let best = -1;
    let bestScore = -Infinity;
    let top = 0;
    stack[top++] = 1;
    while (top > 0) {
      const n = stack[--top]!;
      if (minFit[n]! > limit) continue;
      const s = maxScore[n]!;
      const id = topId[n]!;
      if (s < bestScore || (s === bestScore && id > best)) continue;
      if (topFit[n]! <= limit) {
        // The subtree's top unit fits: nothing below can beat it.
        best = id;
        bestScore = s;
        continue;
      }
      // The top unit does not fit (so n is not a leaf: a leaf that passed minFit fits).
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
    const maxScore = this.maxScore;
    const topId = this.topId;
    const topFit = this.topFit;
    const minFit = this.minFit;
    let n = this.size + unit;
    maxScore[n] = score;
    minFit[n] = fit;
    topId[n] = score === -Infinity ? -1 : unit;
    topFit[n] = fit;
    for (n >>= 1; n >= 1; n >>= 1) {
      const l = 2 * n;
      // Left wins ties: its ids are lower.
      const from = maxScore[l]! >= maxScore[l + 1]! ? l : l + 1;
      maxScore[n] = maxScore[from]!;
      topId[n] = topId[from]!;
      topFit[n] = topFit[from]!;
      const f = minFit[l]!;
      const g = minFit[l + 1]!;
      minFit[n] = f <= g ? f : g;
    }
  }
}
