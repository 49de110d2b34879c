/**
 * Fuzz every NF: 100,000+ seeded hostile buffers per function (truncations and bit flips of real
 * generated packets with payloads, plus random bytes) through the reference runtime. The runtime
 * catches handler throws, so the assertion is on its counter: no handler may throw (handlerErrors
 * stays 0) and every packet gets a verdict. Each NF's state codec is fuzzed too: decoding random
 * bytes either yields a value or throws SNF_ERR_STATE_CODEC, never anything else.
 */
import { FUNCTIONS } from '../../../functions';
import { SnfError } from '../../../sdk/errors';
import { LocalRuntime } from '../../../sdk/local-runtime';
import { Packet } from '../../../sdk/packet';
import { Verdict } from '../../../sdk/types';
import { generateTraffic } from '../../../trace/generator';
import { seededRandom } from '../../helpers/seeded-random';

const BUFFERS_PER_NF = 100_000;

const trace = generateTraffic({ seed: 7, flows: 60 });

describe.each(Object.keys(FUNCTIONS))('%s under hostile input', (name) => {
  const fn = FUNCTIONS[name]!;

  test(`${BUFFERS_PER_NF.toLocaleString('en-US')} truncated, bit-flipped and random buffers: no handler throws`, () => {
    const runtime = new LocalRuntime(fn, fn.defaultConfig);
    const next = seededRandom(0xf022 + name.length);
    const frame = Buffer.alloc(2048);
    const packet = new Packet();
    const verdicts = [0, 0];
    for (let n = 0; n < BUFFERS_PER_NF; n++) {
      const i = Math.floor(next() * trace.count);
      const src = trace.bytes.subarray(trace.offsets[i]!, trace.offsets[i]! + trace.lengths[i]!);
      let len: number;
      switch (n % 4) {
        case 0: // truncated anywhere, including inside the IP and L4 headers
          len = Math.floor(next() * (src.length + 1));
          src.copy(frame, 0, 0, len);
          break;
        case 1: // a few bits flipped anywhere, headers included
          len = src.length;
          src.copy(frame, 0, 0, len);
          for (let f = 1 + Math.floor(next() * 4); f > 0; f--) frame[Math.floor(next() * len)]! ^= 1 << Math.floor(next() * 8);
          break;
        case 2: // random bytes that still look like IPv4 with a plausible header length
          len = 20 + Math.floor(next() * 200);
          for (let b = 0; b < len; b++) frame[b] = Math.floor(next() * 256);
          frame[0] = 0x45;
          frame[9] = next() < 0.5 ? 6 : 17;
          break;
        default: // pure noise
          len = Math.floor(next() * 300);
          for (let b = 0; b < len; b++) frame[b] = Math.floor(next() * 256);
      }
      packet.reset(frame, 0, len);
      const v = runtime.process(packet, n * 1000);
      verdicts[v] = (verdicts[v] ?? 0) + 1;
    }
    expect(runtime.counters.handlerErrors).toBe(0);
    expect(runtime.lastError).toBeUndefined();
    expect(runtime.counters.packets).toBe(BUFFERS_PER_NF);
    expect(verdicts[Verdict.FORWARD]! + verdicts[Verdict.DROP]!).toBe(BUFFERS_PER_NF);
    // The handler really ran on a good share of the inputs (not everything rejected up front).
    expect(runtime.counters.packets - (runtime.counters.dropReasons.get('truncated') ?? 0)).toBeGreaterThan(BUFFERS_PER_NF / 4);
  });

  test('state codec: random bytes decode or fail with SNF_ERR_STATE_CODEC', () => {
    const next = seededRandom(0xc0dec);
    let decoded = 0;
    let rejected = 0;
    for (let n = 0; n < 20_000; n++) {
      const bytes = Buffer.alloc(Math.floor(next() * 48));
      for (let b = 0; b < bytes.length; b++) bytes[b] = Math.floor(next() * 256);
      try {
        fn.stateCodec.decode(bytes);
        decoded++;
      } catch (err) {
        expect(err).toBeInstanceOf(SnfError);
        expect((err as SnfError).code).toBe('SNF_ERR_STATE_CODEC');
        rejected++;
      }
    }
    expect(decoded + rejected).toBe(20_000);
    expect(rejected).toBeGreaterThan(0);
  });
});
