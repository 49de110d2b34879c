/**
 * The gateway's clock as a unit can know it, from the arrival times (PACKETS `tsNs`, the gateway's
 * clock) of the packets it reads, without synchronised clocks: for every packet, read time −
 * arrival time = (the offset between the two clocks) + (the packet's delay: gateway batching, the
 * link, this unit's event loop). The smallest such difference over a recent window is the offset
 * plus the smallest delay, so `nowNs − minimum` is the gateway's clock now, low by that smallest
 * delay (tens of µs on a quiet link) — a lower bound, however far behind this unit is.
 *
 * Why (issue 12): a unit that is behind reads a flow's last packet late; counting T/2 of idleness
 * from when it ran the packet pushes the flow's state late by as much, and the next flowlet, which
 * the gateway starts T after the last packet on ITS clock, beats the push to the new unit. On the
 * gateway's clock the idle time already includes that lag.
 *
 * The minimum is kept over two windows of `windowNs` (the current and the last), so a clock that
 * drifts (units on other hosts) or a link that got slower for good moves the estimate within two
 * windows. Pure: time is an argument; two compares per packet.
 */
export class GatewayClock {
  private minCur = Infinity;
  private minPrev = Infinity;
  private windowStartNs = -1;

  constructor(private readonly windowNs = 1e9) {}

  /** A packet stamped `tsNs` by the gateway was read at `nowNs` (this unit's clock). */
  saw(tsNs: number, nowNs: number): void {
    const d = nowNs - tsNs;
    if (d < this.minCur) this.minCur = d;
    if (this.windowStartNs < 0) this.windowStartNs = nowNs;
  }

  /** The gateway's clock now (a lower bound); −Infinity before any packet. */
  nowNs(nowNs: number): number {
    if (this.windowStartNs >= 0 && nowNs - this.windowStartNs >= this.windowNs) {
      this.minPrev = this.minCur;
      this.minCur = Infinity;
      this.windowStartNs = nowNs;
    }
    const m = this.minCur < this.minPrev ? this.minCur : this.minPrev;
    return m === Infinity ? -Infinity : nowNs - m;
  }
}
