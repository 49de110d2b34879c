/**
 * The folded automaton's outputs as one interleaved record per state (8 Int32 = 32 bytes, two per
 * cache line) instead of separate per-field arrays, so reporting an output state costs one cache
 * miss where it cost four or five (stateOf, both chain heads, the seen serial, list bounds).
 *
 * Records are numbered by cursor, not by state id: node(x) = x / C for a dense row, D + the sparse
 * index otherwise, so the scan loop's cursor leads to its record without the stateOfRow lookup.
 * Chain links and heads hold record offsets (node · REC_INTS), -1 for none.
 *
 * Per record: the nearest state on its suffix chain (itself included) with own nocase / own
 * case-sensitive outputs, the next such state after it, the serial of the scan call that last
 * walked it (nocase chain dedup), and its own outputs: list[start, start + nNocase) nocase,
 * then nExact case-sensitive ones.
 */
import type { AhoCorasick } from './aho-corasick';

export const REC_INTS = 8;
export const R_NOCASE_HEAD = 0;
export const R_EXACT_HEAD = 1;
export const R_SEEN = 2;
export const R_NOCASE_NEXT = 3;
export const R_EXACT_NEXT = 4;
export const R_START = 5;
export const R_NOCASE_COUNT = 6;
export const R_EXACT_COUNT = 7;

/** Per pattern, interleaved: offset of its original bytes, length, serial of the call that last reported it. */
export const PAT_INTS = 4;
export const P_OFFSET = 0;
export const P_LENGTH = 1;
export const P_SEEN = 2;

export interface OutputRecords {
  readonly rec: Int32Array;
  readonly list: Int32Array;
  readonly pat: Int32Array;
  readonly patternBytes: Uint8Array;
}

/** Record index of a state (see the file comment). */
export function nodeOfState(f: AhoCorasick, s: number): number {
  const x = f.cursorOf(s);
  return x < f.denseEnd ? x / f.classCount : f.denseStates + (x - f.denseEnd);
}

/** `nocase[p]` = 1 when pattern p matches case-insensitively. */
export function buildOutputRecords(f: AhoCorasick, patterns: readonly Uint8Array[], nocase: Uint8Array): OutputRecords {
  const N = f.stateCount;
  const rec = new Int32Array(N * REC_INTS);
  const base = new Int32Array(N); // state → record offset
  for (let s = 0; s < N; s++) base[s] = nodeOfState(f, s) * REC_INTS;
  const list: number[] = [];
  const nocaseHead = new Int32Array(N);
  const exactHead = new Int32Array(N);
  for (let s = 0; s < N; s++) {
    const b = base[s]!;
    rec[b + R_START] = list.length;
    for (const kind of [1, 0]) {
      const before = list.length;
      for (let k = f.outStart[s]!; k < f.outStart[s + 1]!; k++) if (nocase[f.outPattern[k]!] === kind) list.push(f.outPattern[k]!);
      rec[b + (kind ? R_NOCASE_COUNT : R_EXACT_COUNT)] = list.length - before;
    }
    // fail[s] < s (breadth-first numbering): its heads are known.
    const nocaseSuffix = s === 0 ? -1 : nocaseHead[f.fail[s]!]!;
    const exactSuffix = s === 0 ? -1 : exactHead[f.fail[s]!]!;
    nocaseHead[s] = rec[b + R_NOCASE_COUNT]! > 0 ? b : nocaseSuffix;
    exactHead[s] = rec[b + R_EXACT_COUNT]! > 0 ? b : exactSuffix;
    rec[b + R_NOCASE_HEAD] = nocaseHead[s]!;
    rec[b + R_EXACT_HEAD] = exactHead[s]!;
    rec[b + R_NOCASE_NEXT] = rec[b + R_NOCASE_COUNT]! > 0 ? nocaseSuffix : -1;
    rec[b + R_EXACT_NEXT] = rec[b + R_EXACT_COUNT]! > 0 ? exactSuffix : -1;
  }
  const pat = new Int32Array(patterns.length * PAT_INTS);
  let total = 0;
  patterns.forEach((p, i) => {
    pat[i * PAT_INTS + P_OFFSET] = total;
    pat[i * PAT_INTS + P_LENGTH] = p.length;
    total += p.length;
  });
  const patternBytes = new Uint8Array(total);
  patterns.forEach((p, i) => patternBytes.set(p, pat[i * PAT_INTS + P_OFFSET]!));
  return { rec, list: Int32Array.from(list), pat, patternBytes };
}
