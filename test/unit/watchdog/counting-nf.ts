/**
 * A tiny NF for the watchdog tests: per-connection state is the number of packets seen so far;
 * each packet leaves with TOS = that count (before this packet) so the output shows which state
 * it ran on. A UDP packet to port 9 deletes the state; to port 13 drops.
 */
import type { NetworkFunction } from '../../../sdk/types';
import { Verdict } from '../../../sdk/types';

export interface CountState { n: number }

export const countingNf: NetworkFunction<null, CountState> = {
  name: 'counting',
  description: 'test NF',
  config: { parse: () => null },
  defaultConfig: null,
  stateCodec: {
    encode: (v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v.n); return b; },
    decode: (b) => { if (b.length !== 4) throw new Error('bad state'); return { n: b.readUInt32BE(0) }; },
  },
  create: () => ({
    process(p, ctx) {
      const s = ctx.state.get();
      const n = s ? s.n : 0;
      p.setTos(n & 0xff);
      if (p.dstPort === 9) { ctx.state.delete(); return Verdict.FORWARD; }
      ctx.state.put({ n: n + 1 });
      if (p.dstPort === 13) { ctx.drop('port13'); return Verdict.DROP; }
      return Verdict.FORWARD;
    },
  }),
};
