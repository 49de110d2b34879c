/**
 * Billing meter: packets and CPU time per function, measured around whole batches
 * (process.cpuUsage and hrtime cost ~75 ns and allocate; per batch, never per packet).
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
  private cpu0: NodeJS.CpuUsage = { user: 0, system: 0 };
  private wall0 = 0;
  /** CPU µs since the last `takeCpuDelta` (for CREDIT frames). */
  private cpuSinceCredit = 0;

  constructor(fn: string) {
    this.totals = { function: fn, packets: 0, bytes: 0, cpuMicros: 0, wallNs: 0, batches: 0 };
  }

  begin(nowNs: number): void {
    this.cpu0 = process.cpuUsage();
    this.wall0 = nowNs;
  }

  end(nowNs: number, packets: number, bytes: number): void {
    const d = process.cpuUsage(this.cpu0);
    const cpu = d.user + d.system;
    const t = this.totals;
    t.cpuMicros += cpu;
    t.wallNs += nowNs - this.wall0;
    t.packets += packets;
    t.bytes += bytes;
    t.batches++;
    this.cpuSinceCredit += cpu;
  }

  takeCpuDelta(): number {
    const v = this.cpuSinceCredit;
    this.cpuSinceCredit = 0;
    return v;
  }
}
