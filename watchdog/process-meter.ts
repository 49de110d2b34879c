/**
 * What a process costs while it serves (issue 12): event-loop delay (perf_hooks
 * monitorEventLoopDelay), GC pauses (a PerformanceObserver on 'gc') and CPU time
 * (process.cpuUsage), from `start()` on. Used by a unit with SNF_TIMING=1 (reported in STATS) and by
 * `snf bench live` for its own process (replayer + gateway). Nothing per packet: the monitor
 * samples on its own timer, GC entries arrive per collection.
 */
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'perf_hooks';

export interface ProcessFigures {
  eventLoopDelayUs: { p50: number; p99: number; max: number };
  gcPauseMs: { total: number; max: number; count: number };
  /** CPU time (user + system) since start, µs. */
  cpuUs: number;
}

/**
 * Event-loop sampling period: fine enough for ms-scale stalls, adds one timer wake-up per period.
 * Node's histogram records the whole interval between samples (an idle loop reads ~2 ms at p50),
 * so the figures below subtract the period: what is reported is the delay beyond it.
 */
const RESOLUTION_MS = 2;
const RESOLUTION_NS = RESOLUTION_MS * 1e6;

export class ProcessMeter {
  private loop: IntervalHistogram | null = null;
  private gc: PerformanceObserver | null = null;
  private gcTotal = 0;
  private gcMax = 0;
  private gcCount = 0;
  private cpu0: NodeJS.CpuUsage = process.cpuUsage();

  get running(): boolean {
    return this.loop !== null;
  }

  /** (Re)starts every figure from now. */
  start(): void {
    this.stop();
    this.loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.loop.enable();
    this.gcTotal = this.gcMax = this.gcCount = 0;
    this.gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.gcTotal += e.duration;
        this.gcCount++;
        if (e.duration > this.gcMax) this.gcMax = e.duration;
      }
    });
    this.gc.observe({ entryTypes: ['gc'] });
    this.cpu0 = process.cpuUsage();
  }

  read(): ProcessFigures {
    const h = this.loop;
    const us = (ns: number) => Math.round(Math.max(0, ns - RESOLUTION_NS) / 100) / 10;
    const c = process.cpuUsage(this.cpu0);
    const ms = (x: number) => Math.round(x * 100) / 100;
    return {
      eventLoopDelayUs: h === null || h.count === 0 ? { p50: 0, p99: 0, max: 0 } : { p50: us(h.percentile(50)), p99: us(h.percentile(99)), max: us(h.max) },
      gcPauseMs: { total: ms(this.gcTotal), max: ms(this.gcMax), count: this.gcCount },
      cpuUs: c.user + c.system,
    };
  }

  stop(): void {
    this.loop?.disable();
    this.loop = null;
    this.gc?.disconnect();
    this.gc = null;
  }
}

/** The STATS fields (proto/frames/stats-v1.ts, appended in v1.1) that carry these figures. */
export function processStatsFields(f: ProcessFigures): Record<string, number> {
  return {
    eventLoopDelayP50Us: f.eventLoopDelayUs.p50, eventLoopDelayP99Us: f.eventLoopDelayUs.p99, eventLoopDelayMaxUs: f.eventLoopDelayUs.max,
    gcPauseTotalMs: f.gcPauseMs.total, gcPauseMaxMs: f.gcPauseMs.max, cpuUs: f.cpuUs,
  };
}
