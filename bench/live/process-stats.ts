/**
 * Issue 12's per-process figures for one `snf bench live` run: event-loop delay, GC pauses and CPU
 * per packet of the gateway (the bench process's main thread; the replayer runs on a thread of its
 * own, bench/replay/replay-thread.ts, whose CPU is subtracted) and of each unit (from its
 * STATS frame, filled by a unit started with SNF_TIMING=1), and the latency breakdown the gateway
 * kept (gateway/dispatch/breakdown.ts).
 */
import type { Gateway } from '../../gateway/gateway';
import type { UnitStats } from '../../proto/frames/stats-v1';
import type { ProcessFigures } from '../../watchdog/process-meter';

export interface ProcessReport {
  eventLoopDelayUs: { p50: number; p99: number; max: number };
  gcPauseMs: { total: number; max: number };
  /** CPU time over the run divided by the packets this process handled, µs. */
  cpuUsPerPacket: number;
  cpuMs: number;
  packets: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function benchProcessReport(f: ProcessFigures, packets: number): ProcessReport {
  return {
    eventLoopDelayUs: f.eventLoopDelayUs, gcPauseMs: { total: f.gcPauseMs.total, max: f.gcPauseMs.max },
    cpuUsPerPacket: r2(f.cpuUs / Math.max(1, packets)), cpuMs: Math.round(f.cpuUs / 1e3), packets,
  };
}

export function unitProcessReport(s: UnitStats): ProcessReport {
  const packets = s.packets ?? 0;
  const cpu = s.cpuUs ?? 0;
  return {
    eventLoopDelayUs: { p50: s.eventLoopDelayP50Us ?? 0, p99: s.eventLoopDelayP99Us ?? 0, max: s.eventLoopDelayMaxUs ?? 0 },
    gcPauseMs: { total: s.gcPauseTotalMs ?? 0, max: s.gcPauseMaxMs ?? 0 },
    cpuUsPerPacket: r2(cpu / Math.max(1, packets)), cpuMs: Math.round(cpu / 1e3), packets,
  };
}

/**
 * `processes` (`gateway`: the bench process less its replayer thread's CPU), and `breakdownUs`, `movedStateWaitUs`, `slowest` from the
 * gateway's breakdown (null when it kept none: the `packet` HTTP baseline).
 */
export async function liveFigures(gw: Gateway, bench: ProcessFigures, benchPackets: number): Promise<Record<string, unknown>> {
  const processes: Record<string, ProcessReport> = { gateway: benchProcessReport(bench, benchPackets) };
  const per = await gw.unitStats();
  for (const [u, s] of Object.entries(per)) if (Number(u) !== 0 && (s.cpuUs ?? 0) > 0) processes[`unit${u}`] = unitProcessReport(s);
  const bd = gw.core.breakdown?.summary() ?? null;
  let frames = 0;
  let packets = 0;
  let framesWaited = 0;
  let waitingPeak = 0;
  let windowFull = 0;
  for (const l of gw.pool.links.values()) {
    frames += l.counters.framesOut;
    packets += l.counters.packetsOut;
    framesWaited += l.counters.framesWaited;
    waitingPeak = Math.max(waitingPeak, l.counters.waitingPeak);
    windowFull += l.counters.windowFull;
  }
  return {
    processes,
    /** Packets per PACKETS frame to the units (each frame costs a write, a read and an EGRESS write back). */
    packetsPerLinkFrame: frames > 0 ? Math.round((packets / frames) * 100) / 100 : null,
    /** Link backpressure (unit-link.ts): times a unit's window filled (behind), whole frames that waited in the gateway, and the most packets in such frames for one unit. */
    linkBackpressure: { windowFull, framesWaited, waitingPeak },
    breakdownUs: bd?.breakdownUs ?? null,
    movedStateWaitUs: bd?.movedStateWaitUs ?? null,
    breakdownPackets: bd ? { timed: bd.packets, untimed: bd.untimed } : null,
    slowest: bd?.slowest ?? null,
  };
}

/** The highest offered rate whose steady p99 stays ≤ `p99LimitUs` with nothing lost (rates ascending), or 0. */
export function knee(points: ReadonlyArray<{ rate: number; p99Us: number; lost: number }>, p99LimitUs = 5000): number {
  let best = 0;
  for (const p of [...points].sort((a, b) => a.rate - b.rate)) {
    if (p.p99Us <= p99LimitUs && p.lost === 0) best = p.rate;
    else break;
  }
  return best;
}
