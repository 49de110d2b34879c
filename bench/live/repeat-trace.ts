/**
 * A trace played `n` times back to back (same bytes, times shifted by the trace's span), so a live
 * run lasts long enough to measure steady state rather than JIT warm-up and unit start-up: the
 * 14,261-packet smallFlows trace takes ~0.15 s at 100 k packets/s. Repeats continue the same
 * connections (same 5-tuples), as a longer capture of the same hosts would.
 */
import type { LoadedTrace } from '../../trace/types';

export function repeatTrace(t: LoadedTrace, n: number): LoadedTrace {
  if (n <= 1) return t;
  const count = t.count * n;
  const offsets = new Uint32Array(count);
  const lengths = new Uint32Array(count);
  const wireLengths = new Uint32Array(count);
  const timesNs = new Float64Array(count);
  const span = t.count > 0 ? t.timesNs[t.count - 1]! + 1e6 : 0;
  for (let r = 0; r < n; r++) {
    const base = r * t.count;
    offsets.set(t.offsets, base);
    lengths.set(t.lengths, base);
    wireLengths.set(t.wireLengths, base);
    for (let i = 0; i < t.count; i++) timesNs[base + i] = t.timesNs[i]! + r * span;
  }
  return { path: t.path, count, bytes: t.bytes, offsets, lengths, wireLengths, timesNs, skipped: t.skipped * n };
}
