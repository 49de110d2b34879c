/**
 * `seededRandom(seed)`: a uniform [0, 1) source for seeded tests (fuzzers, random unit hops), so
 * a failure replays exactly. It is the SDK's `Prng` (mulberry32) behind a plain function.
 */
import { Prng } from '../../sdk/prng';

export function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}
