/**
 * Per-connection IDS state: the automaton states after the last payload byte seen in each
 * direction, so a signature split across packets is still found.
 *
 * Value: Uint32Array(4) = [dir0 exact, dir0 folded, dir1 exact, dir1 folded] — "exact" is the
 * case-sensitive automaton's state, "folded" the all-patterns folded automaton's (see
 * stream-matcher.ts); direction 0 is the packet from the lower (address, port) endpoint — the
 * first endpoint of the canonical key.
 *
 * Wire layout: 4 unsigned LEB128 varints in that order (4–20 bytes; shallow states, the common
 * case, take 1–3 bytes each). State ids are only meaningful for the automaton (rule set) that
 * produced them; the handler treats an out-of-range id as the start state.
 */
import { SnfError } from '../../sdk/errors';
import type { StateCodec } from '../../sdk/types';

export type IdsState = Uint32Array;

export const IDS_STATE_WORDS = 4;

export const idsStateCodec: StateCodec<IdsState> = {
  encode(s: IdsState): Buffer {
    const out = Buffer.allocUnsafe(IDS_STATE_WORDS * 5);
    let n = 0;
    for (let i = 0; i < IDS_STATE_WORDS; i++) {
      let v = s[i]! >>> 0;
      while (v >= 0x80) {
        out[n++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      out[n++] = v;
    }
    return out.subarray(0, n);
  },
  decode(b: Buffer): IdsState {
    const s = new Uint32Array(IDS_STATE_WORDS);
    let n = 0;
    for (let i = 0; i < IDS_STATE_WORDS; i++) {
      let v = 0;
      for (let shift = 0; ; shift += 7) {
        if (n >= b.length) throw new SnfError('SNF_ERR_STATE_CODEC', `ids state: truncated after ${n} bytes`);
        if (shift > 28) throw new SnfError('SNF_ERR_STATE_CODEC', 'ids state: varint longer than 5 bytes');
        const byte = b[n++]!;
        v += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
      }
      if (v > 0xffffffff) throw new SnfError('SNF_ERR_STATE_CODEC', 'ids state: value above 2^32 - 1');
      s[i] = v;
    }
    if (n !== b.length) throw new SnfError('SNF_ERR_STATE_CODEC', `ids state: ${b.length - n} trailing bytes`);
    return s;
  },
};
