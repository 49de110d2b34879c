/**
 * What the gateway does when a unit or its output logger dies (`--logger` ≠ off; paper §6;
 * the failure model is in watchdog/README.md). Per unit, two links tell it: the unit's data-plane
 * link and the link to its logger (EGRESS comes from there).
 *
 * A dead unit is taken over under its own id (the recovery unit): the controller keeps routing to
 * the id, so no flow moves and every `prevUnit` that names the dead unit stays right; packets for
 * it queue on a new link meanwhile (held, never dropped).
 * - Unit link closes → `unitDown`: a new link for the id (packets queue), and PEERS maps the id
 *   to the logger's StatePeer address, so peers that pull the dead unit's flows get them from its
 *   mirror until the recovery unit is up.
 * - The logger's UNIT_GONE (it released everything it will for the dead process) → `recover`:
 *   the dead process's packets still in flight are re-sent into the new link (DispatchCore.resendUnit:
 *   what the logger already holds is not re-sent), and a unit process is started under the id,
 *   attached to the same logger: it restores every flow from the mirror (RESTORE frames) before it
 *   takes packets, then PEERS points the id at it.
 * - Logger link closes while the unit lives → a replacement logger; the unit reconnects to it and
 *   sends every flow whole (rebuilt from the unit's live state). Packets the dead logger held are
 *   lost like on the network (released as UNIT_LOST, counted `lostToDeadLogger`).
 * - Both gone → a replacement logger rebuilt from Kafka (`kafka:*`; `strict` guarantees that every
 *   released packet's effect is in it), then `recover` with it. With `memory` there is no durable
 *   copy: the id is given up (Controller.unitFailed), its in-flight packets are lost and its flows
 *   start afresh where they land (logged, counted `stateLostNoLog`).
 */
import type { FlowKey } from '../../sdk/flow-key';
import type { Controller } from '../controller';
import type { DispatchCore } from '../dispatch/dispatch-core';
import { pullStates } from '../state-dump';
import type { HostPort, UnitEndpoint } from '../units/provider';
import type { UnitPool } from '../units/unit-pool';

export interface RecoveryCounters {
  unitsDown: number;
  unitsRecovered: number;
  /** Of unitsRecovered: restored from the dead unit's living logger / from a logger rebuilt from Kafka. */
  fromLogger: number;
  fromKafka: number;
  loggersLost: number;
  loggersReplaced: number;
  rebuiltFromKafka: number;
  stateLostNoLog: number;
  lostToDeadLogger: number;
  recoveryErrors: number;
}

export interface RecoveryDeps {
  core: () => DispatchCore;
  controller: () => Controller;
  pool: UnitPool;
  token: string;
  durable: boolean;
  nowNs: () => number;
  /** Start a replacement logger for `unit` (`rebuild: kafka` when the unit is dead too). */
  startLogger?: (unit: number, rebuild: 'none' | 'kafka') => Promise<UnitEndpoint>;
  /** Tell the living unit where its replacement logger is. */
  moveLogger?: (unit: number, at: HostPort) => void;
  log: (msg: string, fields: Record<string, unknown>) => void;
}

type LoggerEp = { data: HostPort; peer: HostPort; instance: string };
interface Dead { unitDown: boolean; loggerDown: boolean; recovering: boolean; logger: LoggerEp | null; atNs: number; inFlight: number[] }

/** How long a dead logger's unit gets to show whether it died too. */
const LOGGER_GRACE_MS = 150;
/** Successors started for one dead unit before its id is given up. */
const FAILOVER_ATTEMPTS = 3;

export class UnitRecovery {
  readonly counters: RecoveryCounters = {
    unitsDown: 0, unitsRecovered: 0, fromLogger: 0, fromKafka: 0, loggersLost: 0, loggersReplaced: 0, rebuiltFromKafka: 0, stateLostNoLog: 0, lostToDeadLogger: 0, recoveryErrors: 0,
  };
  private readonly dead = new Map<number, Dead>();
  /** Per recovery: link close → recovery unit ready (ms), and the restore alone (re-send → ready). */
  readonly recoveryMs: number[] = [];

  constructor(private readonly d: RecoveryDeps) {}

  private entry(unit: number): Dead {
    let e = this.dead.get(unit);
    if (e === undefined) {
      e = { unitDown: false, loggerDown: false, recovering: false, logger: this.d.pool.loggers.get(unit) ?? null, atNs: this.d.nowNs(), inFlight: [] };
      this.dead.set(unit, e);
    }
    return e;
  }

  /** The unit's data-plane link closed (it died). */
  unitDown(unit: number): void {
    const e = this.entry(unit);
    if (e.unitDown) return;
    e.unitDown = true;
    e.atNs = this.d.nowNs();
    this.counters.unitsDown++;
    e.inFlight = this.d.core().inFlightSnapshot(unit);
    this.d.pool.prepareFailover(unit);
    if (e.logger !== null) this.d.pool.markDead(unit, e.logger.peer);
    this.d.log('unit died: packets for it are held until a unit under its id restored its flows from its output logger', {
      unit, inFlight: this.d.core().inFlightAt(unit), logger: e.logger?.peer,
    });
    if (e.loggerDown) void this.bothDown(unit, e);
  }

  /** The unit's logger released everything for the dead process (UNIT_GONE). */
  unitGone(unit: number): void {
    const e = this.entry(unit);
    if (!e.unitDown) this.unitDown(unit);
    if (!e.recovering && e.logger !== null && !e.loggerDown) void this.recover(unit, e, e.logger, 'logger');
  }

  /** The gateway's link to the unit's logger closed. */
  loggerLost(unit: number): void {
    const e = this.entry(unit);
    this.counters.loggersLost++;
    e.loggerDown = true;
    if (e.unitDown) {
      if (!e.recovering) void this.bothDown(unit, e);
      return;
    }
    // Killed together? Give the unit's link a moment to close too before treating the unit as alive.
    setTimeout(() => {
      if (!e.unitDown) this.loggerOnlyLost(unit);
    }, LOGGER_GRACE_MS).unref();
  }

  /** The logger died, its unit lives: what the logger held is lost like on the network; a replacement is rebuilt from the unit. */
  private loggerOnlyLost(unit: number): void {
    const core = this.d.core();
    const lost = core.pending.inFlightAt(unit);
    this.counters.lostToDeadLogger += lost;
    core.onUnitLost(unit, this.d.nowNs());
    this.dead.delete(unit);
    this.d.log('output logger died: replacing it, rebuilt from its unit\'s live state', { unit, lost });
    void this.replaceLogger(unit);
  }

  private async replaceLogger(unit: number): Promise<void> {
    if (this.d.startLogger === undefined) return;
    try {
      const ep = await this.d.startLogger(unit, 'none');
      const lg = { data: ep.data, peer: ep.peer!, instance: ep.instance };
      await this.d.pool.connectLogger(unit, ep.data);
      const cur = this.d.pool.endpoints.get(unit);
      if (cur !== undefined) cur.logger = lg;
      this.d.pool.loggers.set(unit, lg);
      this.d.moveLogger?.(unit, ep.data);
      this.counters.loggersReplaced++;
      this.d.log('replacement output logger up; the unit sends it every flow', { unit, data: ep.data, peer: ep.peer });
    } catch (err) {
      this.counters.recoveryErrors++;
      this.d.log('replacing an output logger failed', { unit, err: String(err) });
    }
  }

  /** Unit and logger both gone: rebuild from Kafka, or, without a durable log, give the id up (state lost). */
  private async bothDown(unit: number, e: Dead): Promise<void> {
    if (e.recovering) return;
    e.recovering = true;
    if (!this.d.durable || this.d.startLogger === undefined) return this.giveUp(unit, 'unit and its memory-mode logger both died');
    try {
      const ep = await this.d.startLogger(unit, 'kafka');
      this.counters.rebuiltFromKafka++;
      const lg = { data: ep.data, peer: ep.peer!, instance: ep.instance };
      this.d.pool.loggers.set(unit, lg);
      this.d.pool.markDead(unit, lg.peer);
      e.logger = lg;
      await this.d.pool.connectLogger(unit, ep.data);
      e.loggerDown = false;
      e.recovering = false;
      await this.recover(unit, e, lg, 'kafka');
    } catch (err) {
      this.counters.recoveryErrors++;
      this.giveUp(unit, `rebuilding from Kafka failed: ${String(err)}`);
    }
  }

  private giveUp(unit: number, why: string): void {
    this.counters.stateLostNoLog++;
    const core = this.d.core();
    const now = this.d.nowNs();
    const flows = this.d.controller().unitFailed(unit, now);
    this.d.pool.links.get(unit)?.close();
    this.d.pool.links.delete(unit);
    core.onUnitLost(unit, now);
    this.d.log(`STATE LOST: ${why}; its in-flight packets are dropped and its flows start afresh`, { unit, flows });
  }

  /** Re-send what the dead process never answered (minus what the logger holds), then start its successor. */
  private async recover(unit: number, e: Dead, logger: LoggerEp, from: 'logger' | 'kafka'): Promise<void> {
    if (e.recovering) return;
    e.recovering = true;
    const core = this.d.core();
    const ctl = this.d.controller();
    const slots: number[] = [];
    const seen = new Set<number>();
    for (let i = 2; i < e.inFlight.length; i += 3) {
      const flow = core.pending.flow[e.inFlight[i]!]!;
      if (!seen.has(flow)) (seen.add(flow), slots.push(flow));
    }
    const keys: FlowKey[] = slots.map((s) => ctl.flowKeyOfSlot(s));
    const clocks = new Map<number, number>();
    try {
      const states = keys.length === 0 ? [] : await pullStates([{ unit, address: `${logger.peer.host}:${logger.peer.port}` }], this.d.token, keys, 5000);
      states.forEach((st, i) => clocks.set(slots[i]!, st === null ? 0 : st.clock));
    } catch (err) {
      this.counters.recoveryErrors++;
      this.d.log('reading the logger\'s clocks failed: re-sending every in-flight packet', { unit, err: String(err) });
    }
    const before = { ...core.counters };
    const resent = core.resendUnit(unit, this.d.nowNs(), (flow) => clocks.get(flow) ?? 0, e.inFlight);
    e.inFlight = [];
    const t1 = this.d.nowNs();
    // A successor that dies before it is ready never took a packet (they queue on its link): start another.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.d.pool.failover(unit, logger);
        break;
      } catch (err) {
        this.counters.recoveryErrors++;
        if (attempt >= FAILOVER_ATTEMPTS || !this.d.pool.links.has(unit)) return this.giveUp(unit, `no unit could take over: ${String(err)}`);
        this.d.log('the unit taking over died before it was ready: starting another', { unit, attempt, err: String(err) });
      }
    }
    const now = this.d.nowNs();
    this.counters.unitsRecovered++;
    if (from === 'kafka') this.counters.fromKafka++;
    else this.counters.fromLogger++;
    this.recoveryMs.push((now - e.atNs) / 1e6);
    this.dead.delete(unit);
    this.d.log('unit recovered: a unit under its id restored its flows', {
      unit, from, flowsInFlight: slots.length, resent,
      loggedNotReleased: core.counters.loggedNotReleased - before.loggedNotReleased,
      lostNoCopy: core.counters.lostNoCopy - before.lostNoCopy,
      ms: Math.round((now - e.atNs) / 1e3) / 1e3, startMs: Math.round((now - t1) / 1e3) / 1e3,
    });
  }
}
