/**
 * The gateway's side of checkpoint and restart, as one object gateway.ts holds (`--checkpoint
 * <prefix>`): at start, resume from the checkpoint under the prefix if there is one for this
 * function (adopt its units and loggers, restore the flow table with exact clocks); while running,
 * the Checkpointer flushes; on a clean stop the checkpoint is deleted (the units stop with the
 * gateway, so there is nothing to resume).
 */
import Redis from 'ioredis';
import type { Controller } from '../controller';
import type { UnitPool } from '../units/unit-pool';
import { Checkpointer, type CheckpointCounters } from './checkpointer';
import { flowsKey, metaKey } from './checkpoint-format';
import { applyCheckpoint, loggedClocks, readCheckpoint, type RestoreSummary } from './restore';

/** Flowlet ids a dead gateway may have handed out after its last flush: the restarted one starts above. */
const FLOWLET_MARGIN = 1 << 24;
/** Reads of the loggers' clocks until two agree (units finish the packets they had). */
const SETTLE_READS = 20;
const SETTLE_GAP_MS = 50;

export interface GatewayCheckpointOptions {
  prefix: string;
  intervalMs: number;
  redisUrl: string;
  function: string;
  token: string;
}

export interface ResumeResult extends RestoreSummary {
  runId: string;
  /** Link close of the dead gateway → this one ready is not known here; this is checkpoint read → flows restored. */
  ms: number;
  unitsMissing: number;
  rejectedEntries: number;
  checkpointAgeMs: number;
}

export class GatewayCheckpoint {
  readonly redis: Redis;
  private writer: Checkpointer | null = null;
  resumed: ResumeResult | null = null;

  constructor(private readonly o: GatewayCheckpointOptions, private readonly log: (msg: string, fields: Record<string, unknown>) => void) {
    this.redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    this.redis.on('error', () => undefined); // surfaced by the commands that fail (flushErrors)
  }

  get counters(): (CheckpointCounters & { resumed: ResumeResult | null }) {
    return { ...(this.writer?.counters ?? { flushes: 0, flowsWritten: 0, flowsDeleted: 0, flushErrors: 0, lastFlushMs: 0, maxFlushMs: 0, scanUs: 0 }), resumed: this.resumed };
  }

  /**
   * Resume if a checkpoint of this function is under the prefix: returns its run id (the new
   * gateway keeps it: Kafka topic and state namespace) after adopting its units and restoring the
   * flow table; null when there is none (a fresh start).
   */
  async resume(ctl: Controller, pool: UnitPool, nowNs: () => number): Promise<ResumeResult | null> {
    const t0 = performance.now();
    const cp = await readCheckpoint(this.redis, this.o.prefix);
    if (typeof cp === 'string') {
      this.log('no checkpoint to resume from: fresh start', { prefix: this.o.prefix, why: cp });
      return null;
    }
    if (cp.meta.function !== this.o.function) throw new Error(`checkpoint ${this.o.prefix} is of function ${cp.meta.function}, not ${this.o.function}`);
    let unitsMissing = 0;
    for (const u of cp.meta.units) {
      try {
        await pool.adopt({ unit: u.unit, kind: 'compute', data: u.data, peer: u.peer, instance: u.instance, ...(u.logger ? { logger: u.logger } : {}) });
      } catch (err) {
        unitsMissing++;
        this.log('a checkpointed unit did not answer: handled as a dead unit', { unit: u.unit, err: String(err) });
      }
    }
    const loggers = cp.meta.units.filter((u) => u.logger !== null).map((u) => ({ unit: u.unit, address: `${u.logger!.peer.host}:${u.logger!.peer.port}` }));
    let logged = await loggedClocks(loggers, this.o.token);
    for (let i = 0; i < SETTLE_READS; i++) {
      await new Promise((r) => setTimeout(r, SETTLE_GAP_MS));
      const again = await loggedClocks(loggers, this.o.token);
      const same = again.size === logged.size && [...again].every(([k, v]) => logged.get(k)?.clock === v.clock);
      logged = again;
      if (same) break;
    }
    const sum = applyCheckpoint(ctl, cp, logged, nowNs(), FLOWLET_MARGIN);
    const r: ResumeResult = {
      ...sum, runId: cp.meta.runId, ms: Math.round((performance.now() - t0) * 100) / 100, unitsMissing, rejectedEntries: cp.rejected,
      checkpointAgeMs: Date.now() - cp.meta.atMs,
    };
    this.resumed = r;
    this.log('resumed from the checkpoint: units adopted, flows restored (clocks from the output loggers)', { prefix: this.o.prefix, ...r });
    return r;
  }

  /** Start flushing (after start or resume). */
  start(ctl: () => Controller, pool: UnitPool, runId: string): void {
    this.writer = new Checkpointer({
      redis: this.redis, prefix: this.o.prefix, intervalMs: this.o.intervalMs, function: this.o.function, runId,
      controller: ctl, pool, nowMs: () => performance.now(), log: this.log,
    });
    this.writer.start();
  }

  /** Clean stop: the units go with the gateway, so the checkpoint is removed. */
  async stop(): Promise<void> {
    await this.writer?.stop();
    try {
      await this.redis.del(metaKey(this.o.prefix), flowsKey(this.o.prefix));
    } finally {
      this.redis.disconnect();
    }
  }
}
