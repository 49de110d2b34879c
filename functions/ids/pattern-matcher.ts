/**
 * The IDS's patterns as automata. `stream` (stream-matcher.ts) is what the handler scans with:
 * one case-folded automaton over every pattern plus a small case-sensitive one for matches that
 * span packets. The per-kind scans below (case-sensitive patterns alone, nocase patterns alone,
 * both at once) are the plain two-automata formulation, kept as a reference for tests; the
 * nocase-only automaton is built on first use.
 */
import { AhoCorasick, type MatchSink } from './aho-corasick';
import type { Pattern } from './pattern-set';
import { MappedSink, StreamMatcher, type StreamMatcherOptions } from './stream-matcher';

export type MatcherOptions = StreamMatcherOptions;

export class PatternMatcher {
  readonly stream: StreamMatcher;
  private readonly exactSink: MappedSink;
  private readonly foldedSink: MappedSink;
  private nocaseOnly: AhoCorasick | null = null;

  constructor(
    private readonly patterns: readonly Pattern[],
    private readonly options: MatcherOptions = {},
  ) {
    this.stream = new StreamMatcher(patterns, options);
    const exactIds: number[] = [];
    const foldedIds: number[] = [];
    patterns.forEach((p, i) => (p.nocase ? foldedIds : exactIds).push(i));
    this.exactSink = new MappedSink(Int32Array.from(exactIds));
    this.foldedSink = new MappedSink(Int32Array.from(foldedIds));
  }

  get memoryBytes(): number {
    return this.stream.memoryBytes;
  }

  /** The case-sensitive patterns (exact bytes); shared with `stream`. */
  get exact(): AhoCorasick {
    return this.stream.exact;
  }

  /** The nocase patterns alone, case folded (built on first use: the handler does not need it). */
  get folded(): AhoCorasick {
    this.nocaseOnly ??= AhoCorasick.build(this.patterns.filter((p) => p.nocase).map((p) => p.bytes), {
      caseFold: true,
      denseBudgetBytes: this.options.denseBudgetBytes,
    });
    return this.nocaseOnly;
  }

  /**
   * The handler's scan (see StreamMatcher.scan): out[0] = new exact state, out[1] = new state of
   * the all-patterns folded automaton.
   */
  scanStream(buf: Uint8Array, start: number, end: number, exactState: number, foldedState: number, sink: MatchSink, out: Uint32Array, keepState: boolean): void {
    this.stream.scan(buf, start, end, exactState, foldedState, sink, out, keepState);
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

  /** Scans with the nocase-only automaton; returns its new state. */
  scanFolded(buf: Uint8Array, start: number, end: number, state: number, sink: MatchSink): number {
    this.foldedSink.target = sink;
    return this.folded.scan(buf, start, end, state, this.foldedSink);
  }

  /** scanFolded reporting each output state at most once per call. */
  scanFoldedDistinct(buf: Uint8Array, start: number, end: number, state: number, sink: MatchSink): number {
    this.foldedSink.target = sink;
    return this.folded.scanDistinct(buf, start, end, state, this.foldedSink);
  }

  /**
   * Both per-kind automata in one pass, each output state reported at most once per call; the new
   * states go to out[0] (exact) and out[1] (nocase-only).
   */
  scanBothDistinct(buf: Uint8Array, start: number, end: number, exactState: number, foldedState: number, sink: MatchSink, out: Uint32Array): void {
    this.exactSink.target = sink;
    this.foldedSink.target = sink;
    AhoCorasick.scanPairDistinct(this.exact, this.folded, buf, start, end, exactState, foldedState, this.exactSink, this.foldedSink, out);
  }
}
