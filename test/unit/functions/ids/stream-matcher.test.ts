import fc from 'fast-check';
import { AhoCorasick, type MatchSink } from '../../../../functions/ids/aho-corasick';
import { StreamMatcher } from '../../../../functions/ids/stream-matcher';
import { naiveMatches, type NaivePattern } from './naive-matcher';

class PatternSetSink implements MatchSink {
  hits = new Set<number>();
  onMatch(pattern: number): void {
    this.hits.add(pattern);
  }
}

/** Scans `pieces` as consecutive packets of one stream; per piece, the sorted set of patterns reported; final states. */
function scanStream(m: StreamMatcher, pieces: readonly (string | Uint8Array)[]): { perPiece: number[][]; exact: number; folded: number } {
  const out = new Uint32Array(2);
  const perPiece: number[][] = [];
  for (const p of pieces) {
    const buf = Buffer.from(p as Uint8Array);
    const sink = new PatternSetSink();
    m.scan(buf, 0, buf.length, out[0]!, out[1]!, sink, out, true);
    perPiece.push([...sink.hits].sort((a, b) => a - b));
  }
  return { perPiece, exact: out[0]!, folded: out[1]! };
}

/** The naive answer: per piece, the patterns with an occurrence ending inside it. */
function expected(pats: readonly NaivePattern[], pieces: readonly Uint8Array[]): number[][] {
  const text = Buffer.concat(pieces);
  const ends: number[] = [];
  let acc = 0;
  for (const p of pieces) ends.push((acc += p.length));
  const per = pieces.map(() => new Set<number>());
  for (const [pi, end] of naiveMatches(pats, text)) per[ends.findIndex((e) => end <= e)]!.add(pi);
  return per.map((s) => [...s].sort((a, b) => a - b));
}

const alphabet = fc.constantFrom(0x61, 0x41, 0x62, 0x42, 0x00, 0xff, 0x7a);
const bytes = (min: number, max: number) => fc.array(alphabet, { minLength: min, maxLength: max }).map((a) => Uint8Array.from(a));
const pattern = fc.record({ bytes: bytes(1, 6), nocase: fc.boolean() });
const pieces = fc.array(bytes(0, 40), { minLength: 1, maxLength: 5 });

describe('StreamMatcher (one folded automaton, case-sensitive hits verified)', () => {
  const SECRET = [{ bytes: Buffer.from('SeCrEtKey'), nocase: false }];

  it.each([
    [['xxSeC', 'rEtKey'], [[], [0]]],
    [['xxsec', 'rEtKey'], [[], []]],
    [['xxSECR', 'EtKey'], [[], []]],
    [['Se', 'CrE', 'tKey!'], [[], [], [0]]],
    [['Se', 'cRE', 'tKey!'], [[], [], []]],
    [['sE', 'CrE', 'tKey!'], [[], [], []]],
    [['S', 'eCrEtKe', 'Y', 'y'], [[], [], [], []]],
  ])('case-sensitive pattern split across packets %j → hits per packet %j', (pkts, hits) => {
    expect(scanStream(new StreamMatcher(SECRET), pkts).perPiece).toEqual(hits);
  });

  it('verifies a case-sensitive candidate that lies inside a packet and sits beside a nocase twin', () => {
    const m = new StreamMatcher([...SECRET, { bytes: Buffer.from('secretkey'), nocase: true }]);
    expect(scanStream(m, ['..secretkey..', '..SeCrEtKey..', 'SECRETKEY']).perPiece).toEqual([[1], [0, 1], [1]]);
  });

  it.each([
    [1000, 1000],
    [2, 4],
  ])('a folded state whose case-sensitive candidate failed is checked again when reached later (lanes from %i / %i bytes)', (splitMinBytes, fourLaneMinBytes) => {
    const m = new StreamMatcher([{ bytes: Buffer.from('AbCd'), nocase: false }, { bytes: Buffer.from('zz'), nocase: true }], { splitMinBytes, fourLaneMinBytes });
    expect(scanStream(m, ['abcd.ZZ.abcd.zz.ABCD.AbCd.abcd']).perPiece).toEqual([[0, 1]]);
    expect(scanStream(m, ['AbCd.abcd.zz.AbCd.abcd.AbCd...']).perPiece).toEqual([[0, 1]]);
    expect(scanStream(m, ['abcd.abcd.abcd.abcd.abcd.abcd.']).perPiece).toEqual([[]]);
  });

  it('finds occurrences across the two-lane midpoint of a long packet', () => {
    const m = new StreamMatcher([{ bytes: Buffer.from('MidPoint'), nocase: false }, { bytes: Buffer.from('acrossmid'), nocase: true }], { splitMinBytes: 2 });
    for (let at = 0; at < 40; at++) {
      const text = Buffer.alloc(40, '.');
      text.write('MidPoint', Math.min(at, 32));
      const hits = scanStream(m, [text]).perPiece[0];
      expect(hits).toEqual([0]);
      const text2 = Buffer.alloc(41, '-');
      text2.write('ACROSSMID', Math.min(at, 32));
      expect(scanStream(m, [text2]).perPiece[0]).toEqual([1]);
    }
  });

  it('finds occurrences across the four-lane quarter boundaries of a long packet', () => {
    const m = new StreamMatcher([{ bytes: Buffer.from('QuarterX'), nocase: false }, { bytes: Buffer.from('acrossq'), nocase: true }], { splitMinBytes: 2, fourLaneMinBytes: 4 });
    for (const len of [40, 41, 42, 43]) {
      for (let at = 0; at + 8 <= len; at++) {
        const text = Buffer.alloc(len, '.');
        text.write('QuarterX', at);
        expect(scanStream(m, [text]).perPiece[0]).toEqual([0]);
        const text2 = Buffer.alloc(len, '-');
        text2.write('ACROSSQ', at);
        expect(scanStream(m, [text2]).perPiece[0]).toEqual([1]);
      }
    }
  });

  it('a pattern longer than a quarter hands over across two quarters (true state carried)', () => {
    // 12-byte packet, quarters of 3: "aaaaaaaab" spans lanes 0–2; "aab" alone would be found by lane 2.
    const m = new StreamMatcher([{ bytes: Buffer.from('aaaaaaaab'), nocase: true }], { splitMinBytes: 2, fourLaneMinBytes: 4 });
    expect(scanStream(m, ['xaaaaaaaabyy']).perPiece).toEqual([[0]]);
    expect(scanStream(m, ['xxaaaaaaaaby', 'aaaaaaa', 'aabzz']).perPiece).toEqual([[0], [], [0]]);
  });

  it.each([
    [2, 1000],
    [1000, 1000],
    [2, 4],
    [1000, 4],
  ])('equals the naive matcher per packet on random streams (two lanes from %i bytes, four from %i)', (splitMinBytes, fourLaneMinBytes) => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 12 }), pieces, fc.constantFrom(1 << 30, 2048, 1), (pats, ps, budget) => {
        const m = new StreamMatcher(pats, { denseBudgetBytes: budget, splitMinBytes, fourLaneMinBytes });
        expect(scanStream(m, ps).perPiece).toEqual(expected(pats as NaivePattern[], ps));
      }),
      { numRuns: 300 },
    );
  });

  it.each([1000, 4])('ends in the states the stand-alone automata reach over the whole stream (four lanes from %i bytes)', (fourLaneMinBytes) => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 12 }), pieces, (pats, ps) => {
        const m = new StreamMatcher(pats, { denseBudgetBytes: 2048, splitMinBytes: 2, fourLaneMinBytes });
        const text = Buffer.concat(ps);
        const got = scanStream(m, ps);
        expect(got.folded).toBe(m.folded.stateAfter(text, 0, text.length, 0));
        expect(got.exact).toBe(m.exact.stateAfter(text, 0, text.length, 0));
      }),
      { numRuns: 300 },
    );
  });

  it('a datagram scan (keepState false) reports the same hits and leaves the exact state at 0', () => {
    const m = new StreamMatcher(SECRET);
    const out = new Uint32Array(2);
    const sink = new PatternSetSink();
    m.scan(Buffer.from('..SeCrEtKey..SeC'), 0, 16, 0, 0, sink, out, false);
    expect([...sink.hits]).toEqual([0]);
    expect(out[0]).toBe(0);
  });
});

describe('AhoCorasick dense rows ordered by byte weights', () => {
  it('matches the same with skewed weights and any budget', () => {
    const weights = new Float64Array(256).fill(1);
    weights[0x7a] = 1000;
    weights[0x00] = 500;
    fc.assert(
      fc.property(fc.array(bytes(1, 6), { minLength: 1, maxLength: 12 }), bytes(0, 80), fc.constantFrom(1 << 30, 2048, 64), (pats, text, budget) => {
        const a = AhoCorasick.build(pats, { caseFold: false, denseBudgetBytes: budget, byteWeights: weights });
        const b = AhoCorasick.build(pats, { caseFold: false, denseBudgetBytes: 1 << 30 });
        const ha: Array<[number, number]> = [];
        const hb: Array<[number, number]> = [];
        expect(a.scan(text, 0, text.length, 0, { onMatch: (p, e) => ha.push([p, e]) })).toBe(b.scan(text, 0, text.length, 0, { onMatch: (p, e) => hb.push([p, e]) }));
        expect(ha).toEqual(hb);
      }),
      { numRuns: 200 },
    );
  });
});
