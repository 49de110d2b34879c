/**
 * Retiring a unit the controller no longer routes to (gateway/README.md, "Scaling live"). The
 * unit goes only once it has started (packets may be queued for it) and every packet sent to it
 * has come back, or after `drainMs`, when what is left counts as lost; the id is reused only
 * after the unit is gone (controller `holdRetiredIds`). Found by test/e2e/live/scaling.test.ts:
 * a unit retired while its process was still starting took its queued packets with it; and a
 * unit retired while a newer one was starting handed its flows to everyone but the newcomer,
 * which then held that flow's packets for a pull from a process that was gone.
 */
import { addStats, type UnitStats } from '../../proto/frames/stats-v1';
import type { UnitPool } from './unit-pool';

export interface RetirementHooks {
  /** Packets sent to `unit` still in flight. */
  inFlightAt(unit: number): number;
  /** Whatever is still in flight at `unit` is lost (released as drops, counted). */
  lost(unit: number): void;
  /** False once the gateway is stopping: stop waiting. */
  running(): boolean;
  /** The unit is gone: its id may be reused (controller.unitGone). */
  gone(unit: number): void;
  nowNs(): number;
}

/** Pause after the pool settled, so a newcomer has the PEERS table before the hand-off. */
const SETTLE_MS = 100;
const POLL_MS = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Retirement {
  /** Counters of retired units, summed (read before each one goes). */
  readonly retiredStats: UnitStats = {};

  constructor(private readonly pool: UnitPool, private readonly drainMs: number, private readonly h: RetirementHooks) {}

  async retire(unit: number): Promise<void> {
    const h = this.h;
    try {
      await this.pool.whenStarted(unit);
      const deadline = h.nowNs() + this.drainMs * 1e6;
      while (h.inFlightAt(unit) > 0 && h.nowNs() < deadline && h.running()) await sleep(POLL_MS);
      if (h.inFlightAt(unit) > 0) h.lost(unit);
      // Units still starting may hold packets whose state is here: let them come up and reach
      // this unit's PEERS table first, so its SIGTERM hand-off reaches them too.
      await this.pool.settled();
      await sleep(SETTLE_MS);
      // Its counters outlive it (stateLost, pulls, pushes…): read them before it goes.
      const st = await this.pool.links.get(unit)?.requestStats();
      if (st) addStats(this.retiredStats, st);
      await this.pool.stop(unit);
    } finally {
      h.gone(unit);
    }
  }
}
