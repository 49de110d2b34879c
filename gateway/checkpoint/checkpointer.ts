/**
 * The gateway's checkpoint writer (paper §6, last paragraph): every `intervalMs` it scans the
 * controller's flow store for flows whose clock or unit changed since the last flush (or that
 * went), and writes them, the unit set and the flowlet counter to Redis in one pipeline. Nothing
 * runs per packet: the scan compares two typed arrays, O(flow slots) once per interval, and one
 * flush is in flight at a time (a slow Redis stretches the interval, never queues flushes).
 * Layout: checkpoint-format.ts. What a restart does with it: restore.ts.
 */
import type Redis from 'ioredis';
import type { Controller } from '../controller';
import type { UnitPool } from '../units/unit-pool';
import { CHECKPOINT_VERSION, encodeFlowValue, flowField, flowsKey, metaKey, type CheckpointMeta, type CheckpointUnit } from './checkpoint-format';

export interface CheckpointCounters {
  flushes: number;
  flowsWritten: number;
  flowsDeleted: number;
  flushErrors: number;
  /** Duration of the last flush (scan + Redis round trip), ms. */
  lastFlushMs: number;
  maxFlushMs: number;
  /** Time spent in the scan (on the event loop), µs, summed. */
  scanUs: number;
}

export interface CheckpointerDeps {
  redis: Redis;
  prefix: string;
  intervalMs: number;
  function: string;
  runId: string;
  controller: () => Controller;
  pool: UnitPool;
  nowMs: () => number;
  log: (msg: string, fields: Record<string, unknown>) => void;
}

export class Checkpointer {
  readonly counters: CheckpointCounters = { flushes: 0, flowsWritten: 0, flowsDeleted: 0, flushErrors: 0, lastFlushMs: 0, maxFlushMs: 0, scanUs: 0 };
  /** Per slot: the clock last written (0 = nothing written), a signature of its key, the field written. */
  private ckClock = new Float64Array(0);
  private ckUnit = new Int32Array(0);
  private ckSig = new Int32Array(0);
  private ckField: Array<string | undefined> = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly d: CheckpointerDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.d.intervalMs);
    this.timer.unref();
  }

  /** One flush now (also the last one on a clean stop); resolves when Redis answered. */
  flush(): Promise<void> {
    if (this.inFlight !== null) return this.inFlight;
    const t0 = this.d.nowMs();
    const p = this.write(t0).then(() => {
      const ms = this.d.nowMs() - t0;
      this.counters.lastFlushMs = ms;
      if (ms > this.counters.maxFlushMs) this.counters.maxFlushMs = ms;
    }, (err) => {
      if (this.counters.flushErrors++ < 5) this.d.log('checkpoint flush failed (retried next interval)', { err: String(err) });
    }).finally(() => {
      this.inFlight = null;
    });
    this.inFlight = p;
    return p;
  }

  private async write(t0: number): Promise<void> {
    const ctl = this.d.controller();
    const f = ctl.flows;
    if (this.ckClock.length < f.slots) this.grow(f.slots);
    const set: string[] = [];
    const del: string[] = [];
    const written: number[] = [];
    const k = ctl.params.k;
    for (let s = 0; s < f.slots; s++) {
      const old = this.ckField[s];
      if (f.used[s] !== 1) {
        if (old !== undefined) {
          del.push(old);
          this.ckField[s] = undefined;
          this.ckClock[s] = 0;
        }
        continue;
      }
      const sig = (f.srcIp[s]! ^ f.dstIp[s]! ^ ((f.srcPort[s]! << 16) | f.dstPort[s]!) ^ f.proto[s]!) | 0;
      if (this.ckClock[s] === f.clock[s] && this.ckUnit[s] === f.unit[s] && this.ckSig[s] === sig && old !== undefined) continue;
      const field = flowField(f.proto[s]!, f.srcIp[s]!, f.srcPort[s]!, f.dstIp[s]!, f.dstPort[s]!);
      if (old !== undefined && old !== field) del.push(old);
      set.push(field, encodeFlowValue(f.clock[s]!, f.unit[s]!, f.prevUnit[s]!, f.flowletId[s]!, f.demandBps[s]!, f.targets, s * k, f.targetCount[s]!));
      this.ckClock[s] = f.clock[s]!;
      this.ckUnit[s] = f.unit[s]!;
      this.ckSig[s] = sig;
      this.ckField[s] = field;
      written.push(s);
    }
    this.counters.scanUs += Math.round((this.d.nowMs() - t0) * 1000);
    const pipe = this.d.redis.pipeline();
    if (del.length > 0) pipe.hdel(flowsKey(this.d.prefix), ...del);
    if (set.length > 0) pipe.hset(flowsKey(this.d.prefix), ...set);
    pipe.set(metaKey(this.d.prefix), JSON.stringify(this.meta(ctl)));
    const res = await pipe.exec();
    const failed = res?.find(([err]) => err !== null);
    if (failed) {
      // Written again next time: forget that these slots were written.
      for (const s of written) this.ckClock[s] = 0;
      throw failed[0];
    }
    this.counters.flushes++;
    this.counters.flowsWritten += set.length / 2;
    this.counters.flowsDeleted += del.length;
  }

  private meta(ctl: Controller): CheckpointMeta {
    const units: CheckpointUnit[] = [];
    for (const u of ctl.unitIds()) {
      const ep = this.d.pool.endpoints.get(u);
      const lg = this.d.pool.loggers.get(u) ?? null;
      if (ep === undefined || ep.peer === null) continue; // starting, or dead and being recovered: not resumable as is
      units.push({ unit: u, data: ep.data, peer: ep.peer, instance: ep.instance, logger: lg });
    }
    return { v: CHECKPOINT_VERSION, function: this.d.function, runId: this.d.runId, flowletSeq: ctl.flowletSeqValue, units, atMs: Date.now() };
  }

  private grow(n: number): void {
    const c = new Float64Array(n);
    c.set(this.ckClock);
    const u = new Int32Array(n);
    u.set(this.ckUnit);
    const g = new Int32Array(n);
    g.set(this.ckSig);
    this.ckClock = c;
    this.ckUnit = u;
    this.ckSig = g;
  }

  /** Stops the timer after one last flush (a clean stop leaves an exact checkpoint). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
    await this.flush();
  }
}
