/**
 * Multiple controllers (§7, Fig. 8). Controllers ask a global resource manager (RM) for
 * processing capacity, in units of BW_max and possibly fractional (2.5 = two whole units and half
 * of a third), sized from the load of the last epoch (100 ms) plus headroom, asking again early
 * when the current epoch's load nears the grant, and releasing (asking 0) when idle.
 *
 * `ResourceManager.allocate()` packs every current request onto as few units as possible: each
 * request becomes its whole-unit pieces plus one fractional remainder; remainders are placed
 * first-fit decreasing onto units with room, so controllers share units up to their share.
 * `independentAllocation()` is the baseline where each controller owns ⌈request⌉ units.
 * Pure: time passed in, no I/O. The simulator drives both for Fig. 8.
 */
import { ConfigError } from '../../sdk/errors';

export interface Lease {
  controller: number;
  /** Unit id, 1-based, in the RM's pool. */
  unit: number;
  /** Share of the unit's capacity (0, 1]. */
  fraction: number;
}

/** Shares below this are rounding noise, not a piece to place. */
const EPSILON = 1e-9;

export class ResourceManager {
  private readonly requests = new Map<number, number>();
  private leases: Lease[] = [];
  private used = 0;

  /** Set controller `controller`'s capacity request (units of BW_max, ≥ 0). Applied at the next allocate(). */
  request(controller: number, capacityUnits: number): void {
    if (!Number.isFinite(capacityUnits) || capacityUnits < 0) {
      throw new ConfigError('capacityUnits', `must be a finite number ≥ 0 (got ${capacityUnits})`);
    }
    if (capacityUnits <= EPSILON) this.requests.delete(controller);
    else this.requests.set(controller, capacityUnits);
  }

  release(controller: number): void {
    this.requests.delete(controller);
  }

  /** Re-pack all requests; returns the leases (valid until the next allocate). */
  allocate(_nowNs: number): readonly Lease[] {
    const leases: Lease[] = [];
    const free: number[] = []; // free[unit-1] = remaining share of that unit
    const rest: { controller: number; share: number }[] = [];
    const controllers = [...this.requests.keys()].sort((a, b) => a - b);
    for (const c of controllers) {
      const want = this.requests.get(c)!;
      const whole = Math.floor(want + EPSILON);
      for (let i = 0; i < whole; i++) {
        free.push(0);
        leases.push({ controller: c, unit: free.length, fraction: 1 });
      }
      const share = want - whole;
      if (share > EPSILON) rest.push({ controller: c, share });
    }
    rest.sort((a, b) => b.share - a.share || a.controller - b.controller);
    for (const { controller, share } of rest) {
      let unit = free.findIndex((room) => room + EPSILON >= share);
      if (unit < 0) {
        free.push(1);
        unit = free.length - 1;
      }
      free[unit] = free[unit]! - share;
      leases.push({ controller, unit: unit + 1, fraction: share });
    }
    this.leases = leases;
    this.used = free.length;
    return leases;
  }

  /** Units the last allocate() needs. */
  get unitsInUse(): number {
    return this.used;
  }

  /** Capacity granted to `controller` by the last allocate() (units of BW_max). */
  granted(controller: number): number {
    let sum = 0;
    for (const l of this.leases) if (l.controller === controller) sum += l.fraction;
    return sum;
  }

  leasesOf(controller: number): Lease[] {
    return this.leases.filter((l) => l.controller === controller);
  }
}

/** Baseline: every controller provisions whole units of its own. */
export function independentAllocation(requests: ReadonlyMap<number, number>): { unitsInUse: number; perController: Map<number, number> } {
  const perController = new Map<number, number>();
  let unitsInUse = 0;
  for (const [c, want] of requests) {
    const n = want > EPSILON ? Math.ceil(want - EPSILON) : 0;
    perController.set(c, n);
    unitsInUse += n;
  }
  return { unitsInUse, perController };
}

export interface CapacityRequesterOptions {
  unitCapacityBps: number;
  /** Epoch length (ns); the paper uses 100 ms. */
  epochNs: number;
  /** Extra capacity asked for on top of the measured load (0.1 = 10 %). */
  headroom: number;
  /** Ask for more mid-epoch once the epoch's rate so far exceeds this share of the grant. */
  nearFraction: number;
  /** Requests are rounded up to a multiple of this (units). */
  granularity: number;
}

export const DEFAULT_REQUESTER: Omit<CapacityRequesterOptions, 'unitCapacityBps'> = {
  epochNs: 100e6,
  headroom: 0.1,
  nearFraction: 0.9,
  granularity: 0.1,
};

/**
 * A controller's side of the RM protocol: feed it the bytes the controller routes; it answers
 * with a new request (units) when one is due — at each epoch boundary, from the last epoch's load,
 * or mid-epoch when load nears the grant — and null otherwise. An idle epoch asks 0 (release).
 */
export class CapacityRequester {
  private readonly o: CapacityRequesterOptions;
  private epochStartNs = 0;
  private epochBytes = 0;
  private current = 0;

  constructor(options: Partial<CapacityRequesterOptions> & { unitCapacityBps: number }) {
    this.o = { ...DEFAULT_REQUESTER, ...options };
  }

  /** Capacity currently requested (units). */
  get requested(): number {
    return this.current;
  }

  observe(wireBytes: number, nowNs: number): number | null {
    const o = this.o;
    let changed: number | null = null;
    if (nowNs >= this.epochStartNs + o.epochNs) {
      const epochs = Math.floor((nowNs - this.epochStartNs) / o.epochNs);
      // A gap of several epochs means the last full epoch was idle.
      const lastBps = epochs === 1 ? (this.epochBytes * 8e9) / o.epochNs : 0;
      this.epochStartNs += epochs * o.epochNs;
      this.epochBytes = 0;
      changed = this.set(this.units(lastBps));
    }
    this.epochBytes += wireBytes;
    const elapsed = Math.max(nowNs - this.epochStartNs, o.epochNs / 10);
    const rateBps = (this.epochBytes * 8e9) / elapsed;
    if (rateBps > o.nearFraction * this.current * o.unitCapacityBps) {
      const more = this.units(rateBps);
      if (more > this.current) changed = this.set(more);
    }
    return changed;
  }

  private units(bps: number): number {
    const g = this.o.granularity;
    const raw = (bps / this.o.unitCapacityBps) * (1 + this.o.headroom);
    return Math.max(0, Math.ceil(raw / g - 1e-9)) * g;
  }

  private set(units: number): number | null {
    const rounded = Math.round(units * 1e6) / 1e6;
    if (rounded === this.current) return null;
    this.current = rounded;
    return rounded;
  }
}
