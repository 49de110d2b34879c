/**
 * Bounded Pareto on [lo, hi] with shape α: the flow size law of the heavy-tailed synthetic
 * workload (heavy-tail.ts). Parametrised by its mean rather than its lower bound because the
 * mean is what sets the offered load (load = arrival rate × mean size).
 */
import { ConfigError } from '../sdk/errors';
import type { Prng } from '../sdk/prng';

export interface BoundedPareto {
  alpha: number;
  lo: number;
  hi: number;
}

/** E[X] of a bounded Pareto (α = 1 handled by its limit, lo·ln(hi/lo)/(1 − lo/hi)). */
export function boundedParetoMean(d: BoundedPareto): number {
  const { alpha: a, lo, hi } = d;
  const norm = 1 - Math.pow(lo / hi, a);
  if (Math.abs(a - 1) < 1e-9) return (lo * Math.log(hi / lo)) / norm;
  return ((a / (a - 1)) * Math.pow(lo, a) * (Math.pow(lo, 1 - a) - Math.pow(hi, 1 - a))) / norm;
}

/** P(X > x) of a bounded Pareto. */
export function boundedParetoTail(d: BoundedPareto, x: number): number {
  if (x <= d.lo) return 1;
  if (x >= d.hi) return 0;
  const r = Math.pow(d.lo / d.hi, d.alpha);
  return (Math.pow(d.lo / x, d.alpha) - r) / (1 - r);
}

/** The bounded Pareto with shape α, upper bound hi and the given mean (lower bound by bisection). */
export function boundedParetoWithMean(alpha: number, mean: number, hi: number): BoundedPareto {
  if (!(alpha > 0)) throw new ConfigError('paretoAlpha', `must be > 0, got ${alpha}`);
  if (!(mean >= 1 && hi > mean)) throw new ConfigError('meanFlowBytes', `must be >= 1 and below maxFlowBytes (${hi}), got ${mean}`);
  // The mean grows with lo (from ~0 at lo → 0 to hi at lo → hi), so bisect on lo in (0, mean].
  let a = 1e-9;
  let b = mean;
  for (let i = 0; i < 200; i++) {
    const m = (a + b) / 2;
    if (boundedParetoMean({ alpha, lo: m, hi }) < mean) a = m;
    else b = m;
  }
  return { alpha, lo: (a + b) / 2, hi };
}

/** One draw by inverting the CDF: x = lo / (1 − u(1 − (lo/hi)^α))^(1/α). */
export function sampleBoundedPareto(d: BoundedPareto, rng: Prng): number {
  const r = Math.pow(d.lo / d.hi, d.alpha);
  return d.lo / Math.pow(1 - rng.next() * (1 - r), 1 / d.alpha);
}
