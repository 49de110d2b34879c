import fc from 'fast-check';
import { AhoCorasick, type MatchSink } from '../../../../functions/ids/aho-corasick';
import { PatternMatcher } from '../../../../functions/ids/pattern-matcher';
import { naiveMatches, type NaivePattern } from './naive-matcher';

class Collect implements MatchSink {
  hits: Array<[number, number]> = [];
  offset = 0;
  onMatch(pattern: number, end: number): void {
    this.hits.push([pattern, end + this.offset]);
  }
  sorted(): Array<[number, number]> {
    return [...this.hits].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  }
}

/** Small alphabets (with both cases of a letter) make overlaps, shared prefixes and case clashes likely. */
const alphabet = fc.constantFrom(0x61, 0x41, 0x62, 0x42, 0x00, 0xff, 0x7a);
const bytes = (min: number, max: number) => fc.array(alphabet, { minLength: min, maxLength: max }).map((a) => Uint8Array.from(a));
const pattern = fc.record({ bytes: bytes(1, 6), nocase: fc.boolean() });

/** Runs the matcher over `text` cut into `cuts` pieces, carrying state; returns all matches (absolute ends). */
function scanPieces(m: PatternMatcher, text: Uint8Array, cuts: number[], distinct: boolean): Array<[number, number]> {
  const sink = new Collect();
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < text.length).sort((a, b) => a - b), text.length];
  let se = 0;
  let sf = 0;
  const pieces: Array<Array<[number, number]>> = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const piece = Buffer.from(text.subarray(bounds[k], bounds[k + 1])); // a separate buffer, like a packet
    sink.hits = [];
    sink.offset = bounds[k]!;
    se = distinct ? m.scanExactDistinct(piece, 0, piece.length, se, sink) : m.scanExact(piece, 0, piece.length, se, sink);
    sf = distinct ? m.scanFoldedDistinct(piece, 0, piece.length, sf, sink) : m.scanFolded(piece, 0, piece.length, sf, sink);
    pieces.push(sink.hits);
  }
  return pieces.flat().sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

describe('AhoCorasick', () => {
  it('finds overlapping, nested and repeated patterns with their end offsets', () => {
    const pats = ['he', 'she', 'his', 'hers'].map((s) => Buffer.from(s));
    const ac = AhoCorasick.build(pats, { caseFold: false });
    const sink = new Collect();
    const end = ac.scan(Buffer.from('ushers'), 0, 6, 0, sink);
    expect(sink.sorted()).toEqual([[0, 4], [1, 4], [3, 6]]);
    expect(end).toBeGreaterThan(0);
  });

  it('matches case-insensitively only when built with caseFold', () => {
    const pats = [Buffer.from('AbC')];
    const folded = AhoCorasick.build(pats, { caseFold: true });
    const exact = AhoCorasick.build(pats, { caseFold: false });
    const a = new Collect();
    const b = new Collect();
    folded.scan(Buffer.from('xabcxABCx'), 0, 9, 0, a);
    exact.scan(Buffer.from('xabcxABCxAbC'), 0, 12, 0, b);
    expect(a.sorted()).toEqual([[0, 4], [0, 8]]);
    expect(b.sorted()).toEqual([[0, 12]]);
  });

  it('resumes a pattern split across calls from the returned state', () => {
    const ac = AhoCorasick.build([Buffer.from('/etc/passwd')], { caseFold: false });
    const sink = new Collect();
    const s = ac.scan(Buffer.from('GET /etc/pa'), 0, 11, 0, sink);
    expect(sink.hits).toEqual([]);
    ac.scan(Buffer.from('sswd HTTP/1.0'), 0, 13, s, sink);
    expect(sink.hits).toEqual([[0, 4]]);
  });

  it('scans only buf[start, end)', () => {
    const ac = AhoCorasick.build([Buffer.from('abc')], { caseFold: false });
    const sink = new Collect();
    ac.scan(Buffer.from('abcabcabc'), 1, 8, 0, sink);
    expect(sink.hits).toEqual([[0, 6]]);
  });

  it('has a single start state and reports nothing when built with no patterns', () => {
    const ac = AhoCorasick.build([new Uint8Array(0)], { caseFold: true });
    const sink = new Collect();
    expect(ac.scan(Buffer.from('anything'), 0, 8, 0, sink)).toBe(0);
    expect(ac.stateCount).toBe(1);
    expect(sink.hits).toEqual([]);
  });

  it.each([1 << 30, 4096, 1])('equals the naive matcher on random inputs (dense budget %i bytes)', (budget) => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 12 }), bytes(0, 80), fc.array(fc.nat(80), { maxLength: 5 }), (pats, text, cuts) => {
        const m = new PatternMatcher(pats, { denseBudgetBytes: budget });
        const expected = naiveMatches(pats as NaivePattern[], text);
        expect(scanPieces(m, text, cuts, false)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('scanBothDistinct equals the two separate scanDistinct passes (hits and states)', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 12 }), bytes(0, 80), fc.array(fc.nat(80), { maxLength: 5 }), (pats, text, cuts) => {
        const m = new PatternMatcher(pats, { denseBudgetBytes: 2048 });
        const bounds = [0, ...cuts.filter((c) => c > 0 && c < text.length).sort((a, b) => a - b), text.length];
        const one = new Collect();
        const two = new Collect();
        const out = new Uint32Array(2);
        let se = 0;
        let sf = 0;
        for (let k = 0; k + 1 < bounds.length; k++) {
          const piece = Buffer.from(text.subarray(bounds[k], bounds[k + 1]));
          one.offset = two.offset = bounds[k]!;
          m.scanBothDistinct(piece, 0, piece.length, out[0]!, out[1]!, one, out);
          se = m.scanExactDistinct(piece, 0, piece.length, se, two);
          sf = m.scanFoldedDistinct(piece, 0, piece.length, sf, two);
          expect([out[0], out[1]]).toEqual([se, sf]);
        }
        expect(one.sorted()).toEqual(two.sorted());
      }),
      { numRuns: 300 },
    );
  });

  it('scanDistinct reports exactly the set of patterns that occur in each piece', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 12 }), bytes(0, 80), fc.array(fc.nat(80), { maxLength: 5 }), (pats, text, cuts) => {
        const m = new PatternMatcher(pats, { denseBudgetBytes: 2048 });
        const all = scanPieces(m, text, cuts, false);
        const distinct = scanPieces(m, text, cuts, true);
        const bounds = [0, ...cuts.filter((c) => c > 0 && c < text.length).sort((a, b) => a - b), text.length];
        const pieceOf = (end: number) => bounds.findIndex((b, k) => end > b && end <= bounds[k + 1]!);
        const key = (h: [number, number]) => `${pieceOf(h[1])}:${h[0]}`;
        expect(new Set(distinct.map(key))).toEqual(new Set(all.map(key)));
        for (const h of distinct) expect(all).toContainEqual(h);
      }),
      { numRuns: 300 },
    );
  });
});
