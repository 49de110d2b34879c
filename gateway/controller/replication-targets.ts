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
  const candidates = excludedReady ? readyCount - 1 : readyCount;
  const want = k < candidates ? k : candidates;
  if (want <= 0) return 0;
  if (want === candidates) {
    // Everyone is a target: no draw needed.
    let n = 0;
    for (let i = 0; i < readyCount; i++) if (readyIds[i] !== exclude) out[n++] = readyIds[i]!;
    return n;
  }
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

function chosen(out: Int32Array, n: number, u: number): boolean {
  for (let j = 0; j < n; j++) if (out[j] === u) return true;
  return false;
}
