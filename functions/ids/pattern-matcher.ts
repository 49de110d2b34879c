/**
 * The IDS's two automata: one over the case-sensitive patterns (exact bytes), one over the
 * nocase patterns (ASCII case folded in the byte-class map, so folding costs nothing per byte).
 * Two states per stream direction instead of "fold everything and verify case afterwards",
 * because a case-sensitive pattern split across packets could not be verified without keeping
 * the previous packet's bytes.
 */
import { AhoCorasick, type MatchSink } from './aho-corasick';
import type { Pattern } from './pattern-set';

export interface MatcherOptions {
  /** Dense-table budget per automaton (bytes); see AhoCorasick. */
  readonly denseBudgetBytes?: number;
}

/** Rewrites automaton-local pattern ids to the caller's ids before passing a match on. */
class MappedSink implements MatchSink {
  target: MatchSink | null = null;
  constructor(private readonly ids: Int32Array) {}
  onMatch(pattern: number, end: number): void {
    this.target!.onMatch(this.ids[pattern]!, end);
  }
}

export class PatternMatcher {
  readonly exact: AhoCorasick;
  readonly folded: AhoCorasick;
  private readonly exactSink: MappedSink;
  private readonly foldedSink: MappedSink;

  constructor(patterns: readonly Pattern[], options: MatcherOptions = {}) {
    const exactIds: number[] = [];
    const foldedIds: number[] = [];
    patterns.forEach((p, i) => (p.nocase ? foldedIds : exactIds).push(i));
    const budget = options.denseBudgetBytes;
    this.exact = AhoCorasick.build(exactIds.map((i) => patterns[i]!.bytes), { caseFold: false, denseBudgetBytes: budget });
    this.folded = AhoCorasick.build(foldedIds.map((i) => patterns[i]!.bytes), { caseFold: true, denseBudgetBytes: budget });
    this.exactSink = new MappedSink(Int32Array.from(exactIds));
    this.foldedSink = new MappedSink(Int32Array.from(foldedIds));
  }

  get memoryBytes(): number {
    return this.exact.memoryBytes + this.folded.memoryBytes;
  }

  /** Scans with the case-sensitive automaton; returns its new state. */
  scanExact(buf: Uint8Array, start: number, end: number, state: number, sink: MatchSink): number {
    this.exactSink.target = sink;
    return this.exact.scan(buf, start, end, state, this.exactSink);
  }

  /** scanExact reporting each output state at most once per call (see AhoCorasick.scanDistinct). */
  scanExactDistinct(buf: Uint8Array, start: number, end: number, state: number, sink: MatchSink): number {
    this.exactSink.target = sink;
    return this.exact.scanDistinct(buf, start, end, state, this.exactSink);
  }

  /** scanFolded reporting each output state at most once per call. */
  scanFoldedDistinct(buf: Uint8Array, start: number, end: number, state: number, sink: MatchSink): number {
    this.foldedSink.target = sink;
    return this.folded.scanDistinct(buf, start, end, state, this.foldedSink);
  }

  /**
   * Both automata in one pass, each output state reported at most once per call; the new states
   * go to out[0] (exact) and out[1] (folded).
   */
  scanBothDistinct(buf: Uint8Array, start: number, end: number, exactState: number, foldedState: number, sink: MatchSink, out: Uint32Array): void {
    this.exactSink.target = sink;
    this.foldedSink.target = sink;
    AhoCorasick.scanPairDistinct(this.exact, this.folded, buf, start, end, exactState, foldedState, this.exactSink, this.foldedSink, out);
  }

  /** Scans with the case-folding automaton; returns its new state. */
  scanFolded(buf: Uint8Array, start: number, end: number, state: number, sink: MatchSink): number {
    this.foldedSink.target = sink;
    return this.folded.scan(buf, start, end, state, this.foldedSink);
  }
}
