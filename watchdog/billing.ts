/**
 * Billing meter: packets, bytes and CPU time per function. Packets and wall time are counted per
 * batch; CPU is read with process.cpuUsage() at most once per `cpuSampleNs` (default 20 ms), not
 * around every batch: the call showed as 4–6 % of a unit's CPU at ~50 k packets/s per unit even at one read per ms, with
 * small batches (profile 2026-11-28). The unit process runs one function, so CPU between samples
 * (the NF, state transfer, I/O) is all that function's.
 */
export interface BillingTotals {
  function: string;
  packets: number;
  bytes: number;
  cpuMicros: number;
  wallNs: number;
  batches: number;
}

export class BillingMeter {
  readonly totals: BillingTotals;
  private cpuLast: NodeJS.CpuUsage = process.cpuUsage();
  private lastSampleNs = 0;
  private wall0 = 0;
  /** CPU µs since the last `takeCpuDelta` (for CREDIT frames). */
  private cpuSinceCredit = 0;

  constructor(fn: string, private readonly cpuSampleNs = 20e6) {
    this.totals = { function: fn, packets: 0, bytes: 0, cpuMicros: 0, wallNs: 0, batches: 0 };
  }

  begin(nowNs: number): void {
    this.wall0 = nowNs;
  }

  end(nowNs: number, packets: number, bytes: number): void {
    const t = this.totals;
    t.wallNs += nowNs - this.wall0;
    t.packets += packets;
    t.bytes += bytes;
    t.batches++;
    if (nowNs - this.lastSampleNs >= this.cpuSampleNs) this.sample(nowNs);
  }

  /** Reads the process CPU now (also before reporting totals). */
  sample(nowNs: number): void {
    const cur = process.cpuUsage();
    const cpu = cur.user - this.cpuLast.user + (cur.system - this.cpuLast.system);
    this.cpuLast = cur;
    this.lastSampleNs = nowNs;
    this.totals.cpuMicros += cpu;
    this.cpuSinceCredit += cpu;
  }

  takeCpuDelta(): number {
    const v = this.cpuSinceCredit;
    this.cpuSinceCredit = 0;
    return v;
  }
}
