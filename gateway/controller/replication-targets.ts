/**
 * Replication targets (SMM, §5.2.2, Pseudocode 2 WEIGHTEDRANDOMIZEDREPLICATOR): K distinct ready
 * units drawn without repetition with probability ∝ 1/id, so low ids — where the WAM packs first —
 * are likely. The unit processing the current flowlet is excluded: it holds the state already
 * (and the WAM scores it as the previous unit), so a push to itself would be wasted. K' =
 * min(K, ready units − 1 if the current unit is ready). Writes into `out`, returns K'.
 */
import type { Prng } from '../../sdk/prng';

export function drawTargets(
  readyIds: Int32Array,
  readyCount: number,
  readyWeight: number,
  invId: Float64Array,
  exclude: number,
  k: number,
  rng: Prng,
  out: Int32Array,
): number {
  let excludedReady = false;
  for (let i = 0; i < readyCount; i++) if (readyIds[i] === exclude) excludedReady = true;
  const want = targetCount(readyCount, excludedReady, k);
  if (want <= 0) return 0;
  if (want === readyCount - (excludedReady ? 1 : 0)) return everyReadyUnit(readyIds, readyCount, exclude, out);
  let remaining = excludedReady ? readyWeight - invId[exclude]! : readyWeight;
  for (let n = 0; n < want; n++) {
    const r = rng.next() * remaining;
    let acc = 0;
    let pick = -1;
    for (let i = 0; i < readyCount; i++) {
      const u = readyIds[i]!;
      if (u === exclude || chosen(out, n, u)) continue;
      pick = u; // the last eligible unit absorbs rounding at the top of the range
      acc += invId[u]!;
      if (acc > r) break;
    }
    out[n] = pick;
    remaining -= invId[pick]!;
  }
  return want;
}

/** K' = min(K, ready units other than the current one). */
function targetCount(readyCount: number, excludedReady: boolean, k: number): number {
  const candidates = excludedReady ? readyCount - 1 : readyCount;
  return k < candidates ? k : candidates;
}

/** Every ready unit but `exclude` is a target (at most K + 1 ready units): no draw needed. */
function everyReadyUnit(readyIds: Int32Array, readyCount: number, exclude: number, out: Int32Array): number {
  let n = 0;
  for (let i = 0; i < readyCount; i++) if (readyIds[i] !== exclude) out[n++] = readyIds[i]!;
  return n;
}

function chosen(out: Int32Array, n: number, u: number): boolean {
  for (let j = 0; j < n; j++) if (out[j] === u) return true;
  return false;
}

/**
 * drawTargets without its scans: the same draw — r uniform over the eligible weight, the first
 * eligible unit in id order whose running weight exceeds it — found by descending a Fenwick tree
 * over the ready units, with the excluded unit and the targets already drawn subtracted on the
 * way down: O(K² log n) per flowlet instead of O(n). Weights are 1/id in fixed point (2^40/id,
 * rounded), so every sum is an exact integer in a double: the descent never lands on a zero-weight
 * or excluded id, and no rounding can leave r past the top. The tree is rebuilt (O(n)) when the
 * ready set changes — a unit start or stop, not a per-packet event. Against drawTargets' floating
 * sums a draw differs only when r falls within ~1e-12 (relative) of a boundary.
 */
export class ReadyWeights {
  /** Fenwick tree over ids 1..maxUnits: tree[i] sums the weights of ids in (i − lowbit(i), i]. */
  private readonly tree: Float64Array;
  /** Fixed-point 1/id per id (0 for ids that are not ready). */
  private readonly weight: Float64Array;
  private total = 0;
  private readonly topStep: number;
  private stale = true;
  /** Ids excluded from the current draw (the current unit and the targets drawn so far). */
  private excluded: Int32Array;

  constructor(private readonly maxUnits: number) {
    this.tree = new Float64Array(maxUnits + 1);
    this.weight = new Float64Array(maxUnits + 1);
    let step = 1;
    while (step * 2 <= maxUnits) step *= 2;
    this.topStep = step;
    this.excluded = new Int32Array(16);
  }

  /** The ready set changed: rebuild before the next draw. */
  changed(): void {
    this.stale = true;
  }

  /** Like drawTargets over the ready units (`readyIds`, `isReady`); `exclude` is never drawn. */
  draw(readyIds: Int32Array, readyCount: number, isReady: (unit: number) => boolean, exclude: number, k: number, rng: Prng, out: Int32Array): number {
    const excludedReady = isReady(exclude);
    const want = targetCount(readyCount, excludedReady, k);
    if (want <= 0) return 0;
    if (want === readyCount - (excludedReady ? 1 : 0)) return everyReadyUnit(readyIds, readyCount, exclude, out);
    if (this.stale) this.rebuild(readyIds, readyCount);
    if (this.excluded.length <= want) this.excluded = new Int32Array(2 * (want + 1)); // once per larger K
    const ex = this.excluded;
    let exCount = 0;
    let remaining = this.total;
    if (excludedReady) {
      ex[exCount++] = exclude;
      remaining -= this.weight[exclude]!;
    }
    for (let n = 0; n < want; n++) {
      const pick = this.find(Math.floor(rng.next() * remaining), ex, exCount);
      out[n] = pick;
      ex[exCount++] = pick;
      remaining -= this.weight[pick]!;
    }
    return want;
  }

  private rebuild(readyIds: Int32Array, readyCount: number): void {
    const t = this.tree;
    const w = this.weight;
    w.fill(0);
    this.total = 0;
    for (let i = 0; i < readyCount; i++) {
      const u = readyIds[i]!;
      w[u] = Math.round(FIXED_ONE / u);
      this.total += w[u]!;
    }
    t.set(w);
    for (let i = 1; i <= this.maxUnits; i++) {
      const j = i + (i & -i);
      if (j <= this.maxUnits) t[j] = t[j]! + t[i]!;
    }
    this.stale = false;
  }

  /** The first id whose eligible prefix weight exceeds r (0 ≤ r < the eligible total). */
  private find(r: number, ex: Int32Array, exCount: number): number {
    const t = this.tree;
    const w = this.weight;
    let pos = 0;
    let acc = 0;
    for (let step = this.topStep; step > 0; step >>= 1) {
      const next = pos + step;
      if (next > this.maxUnits) continue;
      let s = t[next]!;
      for (let j = 0; j < exCount; j++) {
        const x = ex[j]!;
        if (x > pos && x <= next) s -= w[x]!;
      }
      if (acc + s <= r) {
        pos = next;
        acc += s;
      }
    }
    return pos + 1;
  }
}

/** 1/id in fixed point: 2^40/id keeps Σ over a million ids below 2^53 (exact in a double). */
const FIXED_ONE = 2 ** 40;
