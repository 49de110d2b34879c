/**
 * The IDS's scanner: ONE case-folded automaton over every pattern (nocase and case-sensitive),
 * with case-sensitive hits verified against the packet's own bytes, so each payload byte costs
 * one table lookup instead of two (one per automaton). Measured alone (one lane, full ET Open,
 * nDPI payloads, whole handler, CPU time, alternating runs on this busy 2-core machine): two
 * automata ~85 MB/s → one folded automaton + verification ~93 MB/s; the bigger win is that one
 * lookup chain leaves room for more interleaved lanes (see twoLanes, fourLanes).
 *
 * A case-sensitive occurrence that started in an earlier packet cannot be verified from this
 * packet's bytes, so a second, small automaton over the case-sensitive patterns alone (`exact`)
 * keeps exact semantics across packets without keeping old bytes:
 * - its state after the previous packet is part of the per-connection state;
 * - head: from that state it is fed this packet's first bytes only while its depth exceeds the
 *   bytes consumed (an occurrence that started earlier can still end), reporting only those
 *   straddling occurrences — usually 0 bytes (state 0) or a few;
 * - main pass: the folded automaton reports case-sensitive candidates that start inside the
 *   packet, each compared byte for byte with the pattern;
 * - tail: the exact state after the packet is the exact automaton run from its start state over
 *   the last depth(folded state) bytes (every prefix of a case-sensitive pattern that is a
 *   suffix of the stream is, folded, a suffix the folded automaton tracks, so it is no longer
 *   than that), unless the head pass ran to the end of the packet.
 * Hits are reported as in `AhoCorasick.scanDistinct`: every pattern that ends in the packet at
 * least once, not once per occurrence.
 */
import { AhoCorasick, type MatchSink } from './aho-corasick';
import {
  buildOutputRecords, PAT_INTS, P_LENGTH, P_OFFSET, P_SEEN, R_EXACT_COUNT, R_EXACT_HEAD, R_EXACT_NEXT,
  R_NOCASE_COUNT, R_NOCASE_HEAD, R_NOCASE_NEXT, R_SEEN, R_START, REC_INTS,
} from './output-records';

export interface StreamPattern {
  readonly bytes: Uint8Array;
  readonly nocase: boolean;
}

/** Rewrites automaton-local pattern ids to the caller's ids before passing a match on. */
export class MappedSink implements MatchSink {
  target: MatchSink | null = null;
  constructor(private readonly ids: Int32Array) {}
  onMatch(pattern: number, end: number): void {
    this.target!.onMatch(this.ids[pattern]!, end);
  }
}

export interface StreamMatcherOptions {
  /** Dense-table budget of the folded automaton in bytes (see AhoCorasick). */
  readonly denseBudgetBytes?: number;
  /** Payloads at least this long are scanned in two lanes (default 32; tests use small values). */
  readonly splitMinBytes?: number;
  /** Payloads at least this long are scanned in four lanes (default 64; tests use small values). */
  readonly fourLaneMinBytes?: number;
}

/** Shorter payloads are scanned in one lane (the hand-over costs a few steps; 16 and 32 B measured alike). */
const SPLIT_MIN_BYTES = 32;
/** From here on four lanes (2026-11-29: 64 B vs 128 B +3–7 % on the nDPI bench, 32 B alike; see README). */
const FOUR_LANE_MIN_BYTES = 64;

/** Slots of the emit memo (8 KiB with its serials: stays in L1). */
const RECENT_SLOTS = 1024;

/** The exact automaton is used on a few bytes per packet: a small dense table suffices. */
const EXACT_DENSE_BUDGET = 1024 * 1024;

export class StreamMatcher {
  /** Every pattern, ASCII case folded; its state is what the main pass tracks. */
  readonly folded: AhoCorasick;
  /** The case-sensitive patterns only, exact bytes (head/tail of a packet; see the file comment). */
  readonly exact: AhoCorasick;
  private readonly exactSink: MappedSink;
  /** Output records of `folded`, one per state, by cursor (output-records.ts), and their pattern lists. */
  private readonly rec: Int32Array;
  private readonly outList: Int32Array;
  /** Per pattern: original bytes' offset, length, last reporting call (output-records.ts). */
  private readonly pat: Int32Array;
  private readonly patternBytes: Uint8Array;
  /** Record index of a sparse cursor x: x - sparseNodeBase. */
  private readonly sparseNodeBase: number;
  private serial = 0;
  /** Direct-mapped memo of output cursors already reported in a call (cursor, call serial): see emit. */
  private readonly recentCursor = new Int32Array(RECENT_SLOTS).fill(-1);
  private readonly recentSerial = new Uint32Array(RECENT_SLOTS);
  private readonly splitMinBytes: number;
  private readonly fourLaneMinBytes: number;

  constructor(patterns: readonly StreamPattern[], options: StreamMatcherOptions = {}) {
    const denseBudgetBytes = options.denseBudgetBytes;
    this.splitMinBytes = Math.max(2, options.splitMinBytes ?? SPLIT_MIN_BYTES);
    this.fourLaneMinBytes = Math.max(4, options.fourLaneMinBytes ?? FOUR_LANE_MIN_BYTES);
    this.folded = AhoCorasick.build(patterns.map((p) => p.bytes), { caseFold: true, denseBudgetBytes });
    const exactIds: number[] = [];
    patterns.forEach((p, i) => p.nocase || exactIds.push(i));
    const exactBudget = Math.min(denseBudgetBytes ?? EXACT_DENSE_BUDGET, EXACT_DENSE_BUDGET);
    this.exact = AhoCorasick.build(exactIds.map((i) => patterns[i]!.bytes), { caseFold: false, denseBudgetBytes: exactBudget });
    this.exactSink = new MappedSink(Int32Array.from(exactIds));

    const nocase = Uint8Array.from(patterns, (p) => (p.nocase ? 1 : 0));
    const records = buildOutputRecords(this.folded, patterns.map((p) => p.bytes), nocase);
    this.rec = records.rec;
    this.outList = records.list;
    this.pat = records.pat;
    this.patternBytes = records.patternBytes;
    this.sparseNodeBase = this.folded.denseEnd - this.folded.denseStates;
  }

  get memoryBytes(): number {
    const tables = [this.rec, this.outList, this.pat, this.patternBytes];
    return this.folded.memoryBytes + this.exact.memoryBytes + tables.reduce((n, t) => n + t.byteLength, 0);
  }

  /**
   * Scans buf[start, end) from (exactState, foldedState); reports each pattern that ends in the
   * range (at least once). New states go to out[0] (exact) and out[1] (folded). With
   * `keepState` false (a datagram: nothing carries over) the exact tail is skipped and out[0] = 0.
   */
  scan(buf: Uint8Array, start: number, end: number, exactState: number, foldedState: number, sink: MatchSink, out: Uint32Array, keepState: boolean): void {
    let exactAfter = -1;
    if (exactState !== 0) {
      this.exactSink.target = sink;
      if (this.exact.scanStraddling(buf, start, end, exactState, this.exactSink, out) === end) exactAfter = out[0]!;
    }
    const f = this.folded;
    const serial = (this.serial = (this.serial + 1) >>> 0 || 1);
    let x = f.cursorOf(foldedState);
    const n = end - start;
    if (n >= this.fourLaneMinBytes) x = this.fourLanes(buf, start, end, x, sink, serial);
    else if (n >= this.splitMinBytes) x = this.twoLanes(buf, start, end, x, sink, serial);
    else x = this.lane(buf, start, end, x, start, sink, serial);
    const s = f.stateOf(x);
    out[1] = s;
    if (!keepState) out[0] = 0;
    else if (exactAfter >= 0) out[0] = exactAfter;
    else {
      const d = f.depth[s]!;
      out[0] = d === 0 ? 0 : this.exact.stateAfter(buf, Math.max(start, end - d), end, 0);
    }
  }

  /** Feeds buf[from, to) from cursor x, emitting outputs (`start`: the packet's first byte); returns the cursor. */
  private lane(buf: Uint8Array, from: number, to: number, x: number, start: number, sink: MatchSink, serial: number): number {
    const f = this.folded;
    const dense = f.dense;
    const classOf = f.classOf;
    const denseEnd = f.denseEnd;
    let done = -1; // see emit
    for (let i = from; i < to; i++) {
      const c = classOf[buf[i]!]!;
      const v = x < denseEnd ? dense[x + c]! : f.sparseStep(x, c);
      x = v & 0x7fffffff;
      if (v < 0 && x !== done) done = this.emit(x, i + 1, buf, start, sink, serial);
    }
    return x;
  }

  /**
   * Two independent lookup chains interleaved: lane A scans the first half from the stream's
   * cursor, lane B the second half from the start state, so the two table loads of an iteration
   * overlap instead of waiting on each other (each step's load depends on the previous one).
   * Measured (raw loop, full ET, nDPI payloads, CPU time): 218 → 388 MB/s.
   * B alone misses occurrences that start before the midpoint, so A goes on past it until its
   * depth is at most the bytes it has fed since the midpoint: from there on A and B are in the
   * same state (the longest suffix that is a trie path now lies inside B's range), usually after
   * a few bytes. If A never gets there, A's state is the final one.
   */
  private twoLanes(buf: Uint8Array, start: number, end: number, x: number, sink: MatchSink, serial: number): number {
    const f = this.folded;
    const dense = f.dense;
    const classOf = f.classOf;
    const denseEnd = f.denseEnd;
    const mid = start + ((end - start) >> 1);
    let xa = x;
    let xb = 0; // the start state's cursor (the root always has dense row 0)
    let doneA = -1; // per lane: see emit
    let doneB = -1;
    for (let i = start, j = mid; i < mid; i++, j++) {
      const ca = classOf[buf[i]!]!;
      const cb = classOf[buf[j]!]!;
      const va = xa < denseEnd ? dense[xa + ca]! : f.sparseStep(xa, ca);
      const vb = xb < denseEnd ? dense[xb + cb]! : f.sparseStep(xb, cb);
      xa = va & 0x7fffffff;
      xb = vb & 0x7fffffff;
      if ((va | vb) < 0) {
        if (va < 0 && xa !== doneA) doneA = this.emit(xa, i + 1, buf, start, sink, serial);
        if (vb < 0 && xb !== doneB) doneB = this.emit(xb, j + 1, buf, start, sink, serial);
      }
    }
    xb = this.lane(buf, mid + (mid - start), end, xb, start, sink, serial); // odd length: B's last byte
    return this.handOver(buf, mid, end, xa, xb, start, sink, serial);
  }

  /**
   * Four lanes, one per quarter (the last also takes the 0–3 left-over bytes), for long payloads:
   * four independent lookup chains in flight instead of two. The hand-overs are done in order,
   * each from the true cursor at the previous quarter's end (see handOver).
   */
  private fourLanes(buf: Uint8Array, start: number, end: number, x: number, sink: MatchSink, serial: number): number {
    const f = this.folded;
    const dense = f.dense;
    const classOf = f.classOf;
    const denseEnd = f.denseEnd;
    const q = (end - start) >> 2;
    const b1 = start + q;
    const b2 = b1 + q;
    const b3 = b2 + q;
    let x0 = x;
    let x1 = 0;
    let x2 = 0;
    let x3 = 0;
    let done0 = -1; // per lane: see emit
    let done1 = -1;
    let done2 = -1;
    let done3 = -1;
    for (let i = start; i < b1; i++) {
      const c0 = classOf[buf[i]!]!;
      const c1 = classOf[buf[i + q]!]!;
      const c2 = classOf[buf[i + 2 * q]!]!;
      const c3 = classOf[buf[i + 3 * q]!]!;
      const v0 = x0 < denseEnd ? dense[x0 + c0]! : f.sparseStep(x0, c0);
      const v1 = x1 < denseEnd ? dense[x1 + c1]! : f.sparseStep(x1, c1);
      const v2 = x2 < denseEnd ? dense[x2 + c2]! : f.sparseStep(x2, c2);
      const v3 = x3 < denseEnd ? dense[x3 + c3]! : f.sparseStep(x3, c3);
      x0 = v0 & 0x7fffffff;
      x1 = v1 & 0x7fffffff;
      x2 = v2 & 0x7fffffff;
      x3 = v3 & 0x7fffffff;
      if ((v0 | v1 | v2 | v3) < 0) {
        if (v0 < 0 && x0 !== done0) done0 = this.emit(x0, i + 1, buf, start, sink, serial);
        if (v1 < 0 && x1 !== done1) done1 = this.emit(x1, i + q + 1, buf, start, sink, serial);
        if (v2 < 0 && x2 !== done2) done2 = this.emit(x2, i + 2 * q + 1, buf, start, sink, serial);
        if (v3 < 0 && x3 !== done3) done3 = this.emit(x3, i + 3 * q + 1, buf, start, sink, serial);
      }
    }
    x3 = this.lane(buf, b3 + q, end, x3, start, sink, serial); // the left-over bytes
    x1 = this.handOver(buf, b1, b2, x0, x1, start, sink, serial);
    x2 = this.handOver(buf, b2, b3, x1, x2, start, sink, serial);
    return this.handOver(buf, b3, end, x2, x3, start, sink, serial);
  }

  /**
   * The true cursor at `to`, given the true cursor x at `from` and the cursor y of a lane that
   * scanned buf[from, to) from the start state. x is fed on (reporting) until its depth is at
   * most the bytes fed since `from`: its string then lies inside the lane's range, so the lane is
   * in the same state from there on and y is the answer; if that never happens, x is. The check
   * is made again once the bytes fed reach the depth last seen, not after every byte: past the
   * agreement point both stay equal, so overshooting only repeats hits the lane also reported.
   */
  private handOver(buf: Uint8Array, from: number, to: number, x: number, y: number, start: number, sink: MatchSink, serial: number): number {
    const f = this.folded;
    const depth = f.depth;
    for (let p = from, ahead = depth[f.stateOf(x)]!; ahead > p - from; ahead = depth[f.stateOf(x)]!) {
      if (p === to) return x;
      const q = Math.min(to, from + ahead);
      x = this.lane(buf, p, q, x, start, sink, serial);
      p = q;
    }
    return y;
  }

  /**
   * Output cursor x reached with its last byte at end - 1. Returns x when reaching x again in
   * this call can report nothing new (its nocase chain is now walked and every case-sensitive
   * candidate on its chain has been reported in this call), else -1: the lanes skip the call
   * when the cursor repeats (a zero fill sits in one output state: 65 % of the output steps on
   * the nDPI payloads), and such cursors are memoised per call so that other repeats (another
   * 16 %; 46 % of the calls hit it) cost no record reads.
   */
  private emit(x: number, end: number, buf: Uint8Array, start: number, sink: MatchSink, serial: number): number {
    const h = (x ^ (x >>> 10)) & (RECENT_SLOTS - 1);
    if (this.recentCursor[h] === x && this.recentSerial[h] === serial) return x;
    const rec = this.rec;
    const list = this.outList;
    const tag = serial | 0;
    const f = this.folded;
    const b = (x < f.denseEnd ? (x / f.classCount) | 0 : x - this.sparseNodeBase) * REC_INTS;
    // nocase chain: a node already walked in this call had its whole chain reported then.
    for (let t = rec[b + R_NOCASE_HEAD]!; t >= 0 && rec[t + R_SEEN] !== tag; t = rec[t + R_NOCASE_NEXT]!) {
      rec[t + R_SEEN] = tag;
      for (let k = rec[t + R_START]!, e = k + rec[t + R_NOCASE_COUNT]!; k < e; k++) sink.onMatch(list[k]!, end);
    }
    // case-sensitive candidates: the folded bytes match; compare the exact bytes, if they all lie
    // in this packet (the head pass reported the ones that started earlier).
    let pending = false; // a candidate not yet reported in this call: x may report again
    for (let t = rec[b + R_EXACT_HEAD]!; t >= 0; t = rec[t + R_EXACT_NEXT]!) {
      for (let k = rec[t + R_START]! + rec[t + R_NOCASE_COUNT]!, e = k + rec[t + R_EXACT_COUNT]!; k < e; k++) {
        const p = list[k]!;
        const pb = p * PAT_INTS;
        if (this.pat[pb + P_SEEN] === tag) continue;
        const from = end - this.pat[pb + P_LENGTH]!;
        if (from >= start && this.sameBytes(buf, from, end, this.pat[pb + P_OFFSET]!)) {
          this.pat[pb + P_SEEN] = tag;
          sink.onMatch(p, end);
        } else pending = true;
      }
    }
    if (pending) return -1;
    this.recentCursor[h] = x;
    this.recentSerial[h] = serial;
    return x;
  }

  private sameBytes(buf: Uint8Array, from: number, end: number, at: number): boolean {
    const pb = this.patternBytes;
    for (let i = from, j = at; i < end; i++, j++) if (buf[i] !== pb[j]) return false;
    return true;
  }
}
