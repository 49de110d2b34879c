/**
 * The units' counters for /metrics, read without letting a slow unit hang a scrape.
 *
 * `gw.unitStats()` is a round trip to every unit (STATS request/answer). Here it runs at most
 * once per `maxAgeMs` (concurrent scrapes share one request), a scrape waits for it at most
 * `timeoutMs` and otherwise uses the last answer (`timeouts` counts that), and a request that
 * never answers is abandoned after `abandonMs` so the next scrape asks again.
 *
 * Totals are summed over running units plus the gateway's sum of retired ones (unit id 0), and
 * kept monotonic per field: a unit that dies without being retired takes its counts with it, and
 * a retiring unit is briefly counted twice (read into the retired sum just before it stops), so
 * each total is max(previous total, current sum). A counter therefore never goes down; after a
 * crash it stays flat until the live sum passes the old value.
 */
import type { StatsField, UnitStats } from '../../proto/frames/stats-v1';

export interface UnitStatsSource {
  unitStats(): Promise<Record<number, UnitStats>>;
}

export interface UnitStatsReaderOptions {
  maxAgeMs: number;
  timeoutMs: number;
  abandonMs: number;
  now?: () => number;
}

export const DEFAULT_UNIT_STATS_READER: UnitStatsReaderOptions = Object.freeze({ maxAgeMs: 500, timeoutMs: 500, abandonMs: 10_000 });

export class UnitStatsReader {
  /** Monotonic totals over every unit this gateway ran. */
  readonly totals: UnitStats = {};
  /** Scrapes that used an older answer because the units did not answer in time. */
  timeouts = 0;
  /** Requests that failed (a rejected unitStats()). */
  errors = 0;
  private readAtMs = -Infinity;
  private inFlight: Promise<void> | null = null;
  private inFlightSinceMs = 0;
  private readonly now: () => number;

  constructor(private readonly src: UnitStatsSource, private readonly o: UnitStatsReaderOptions = DEFAULT_UNIT_STATS_READER) {
    this.now = o.now ?? Date.now;
  }

  /** Refreshes `totals` if they are older than maxAgeMs; resolves within timeoutMs either way. */
  async refresh(): Promise<void> {
    const now = this.now();
    if (now - this.readAtMs < this.o.maxAgeMs) return;
    if (this.inFlight !== null && now - this.inFlightSinceMs > this.o.abandonMs) this.inFlight = null;
    if (this.inFlight === null) {
      this.inFlightSinceMs = now;
      const p: Promise<void> = this.src.unitStats().then(
        (byUnit) => this.apply(byUnit),
        () => void this.errors++,
      ).finally(() => {
        if (this.inFlight === p) this.inFlight = null;
      });
      this.inFlight = p;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.o.timeoutMs);
    });
    const late = await Promise.race([this.inFlight.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) this.timeouts++;
  }

  private apply(byUnit: Record<number, UnitStats>): void {
    const sum: UnitStats = {};
    for (const st of Object.values(byUnit)) {
      for (const k of Object.keys(st) as StatsField[]) sum[k] = (sum[k] ?? 0) + (st[k] ?? 0);
    }
    for (const k of Object.keys(sum) as StatsField[]) {
      if (sum[k]! > (this.totals[k] ?? 0)) this.totals[k] = sum[k];
    }
    this.readAtMs = this.now();
  }
}
