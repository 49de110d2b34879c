/**
 * What the gateway does when a unit or its output logger dies (`--logger` ≠ off; paper §6,
 * watchdog/README.md "Failure model"). Per unit, two links tell it: the unit's data-plane link and
 * the link to its logger (EGRESS comes from there).
 *
 * - Unit link closes → `unitDown`: the controller drops the unit (Controller.unitFailed: its flows
 *   start a new flowlet elsewhere with the dead unit as previous unit), and PEERS maps the dead
 *   unit's id to its logger's StatePeer address, so recovery units pull the flows' state from the
 *   logger like from a live peer. Nothing is re-sent yet: the logger may still release packets.
 * - The logger's UNIT_GONE (it released everything it will for the unit) → `recover`: the logger's
 *   clock of each flow with packets still in flight is pulled, and DispatchCore.recoverUnit re-sends
 *   the packets whose effect it lacks to the flows' recovery units (the others were logged but
 *   never released: their output is lost and counted, their effect kept).
 * - Logger link closes while the unit lives → a replacement logger; the unit reconnects to it and
 *   sends every flow whole (rebuilt from the unit's live state). Packets the dead logger held are
 *   lost like on the network (counted `lostToDeadLogger`).
 * - Both gone → a replacement logger rebuilt from Kafka (`kafka:*`; `strict` guarantees that every
 *   released packet's effect is there) takes the dead unit's id, then `recover` as above. With
 *   `memory` there is no durable copy: the flows' state is lost (logged, counted).
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

/** How long a dead logger's unit gets to show whether it died too. */
const LOGGER_GRACE_MS = 150;

interface Dead { unitDown: boolean; loggerDown: boolean; recovered: boolean; logger: HostPort | null; atNs: number }

export class UnitRecovery {
  readonly counters: RecoveryCounters = {
    unitsDown: 0, unitsRecovered: 0, loggersLost: 0, loggersReplaced: 0, rebuiltFromKafka: 0, stateLostNoLog: 0, lostToDeadLogger: 0, recoveryErrors: 0,
  };
  private readonly dead = new Map<number, Dead>();
  /** Recovery time per recovered unit (ms, link close → packets re-sent), for the benchmark. */
  readonly recoveryMs: number[] = [];

  constructor(private readonly d: RecoveryDeps) {}

  private entry(unit: number): Dead {
    let e = this.dead.get(unit);
    if (e === undefined) {
      const ep = this.d.pool.endpoints.get(unit);
      e = { unitDown: false, loggerDown: false, recovered: false, logger: ep?.logger?.peer ?? null, atNs: this.d.nowNs() };
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
    const flows = this.d.controller().unitFailed(unit, e.atNs);
    if (e.logger !== null) this.d.pool.markDead(unit, e.logger);
    this.d.log('unit died: its flows move to recovery units, state from its output logger', {
      unit, flows, inFlight: this.d.core().inFlightAt(unit), logger: e.logger,
    });
    if (e.loggerDown) void this.bothDown(unit, e);
  }

  /** The unit's logger released everything for it (UNIT_GONE). */
  unitGone(unit: number): void {
    const e = this.entry(unit);
    if (!e.unitDown) this.unitDown(unit);
    if (!e.recovered && e.logger !== null) void this.recover(unit, e, e.logger, 'logger');
  }

  /** The gateway's link to the unit's logger closed. */
  loggerLost(unit: number): void {
    const e = this.entry(unit);
    this.counters.loggersLost++;
    e.loggerDown = true;
    if (e.unitDown) {
      if (!e.recovered) void this.bothDown(unit, e);
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
      await this.d.pool.connectLogger(unit, ep.data);
      const cur = this.d.pool.endpoints.get(unit);
      if (cur !== undefined) cur.logger = { data: ep.data, peer: ep.peer!, instance: ep.instance };
      this.d.moveLogger?.(unit, ep.data);
      this.counters.loggersReplaced++;
      this.d.log('replacement output logger up', { unit, data: ep.data, peer: ep.peer });
    } catch (err) {
      this.counters.recoveryErrors++;
      this.d.log('replacing an output logger failed', { unit, err: String(err) });
    }
  }

  /** Unit and logger both gone: rebuild from Kafka (or, without a durable log, the state is lost). */
  private async bothDown(unit: number, e: Dead): Promise<void> {
    if (e.recovered) return;
    e.recovered = true;
    if (!this.d.durable || this.d.startLogger === undefined) {
      this.counters.stateLostNoLog++;
      this.d.log('STATE LOST: unit and its memory-mode logger both died; in-flight packets dropped', { unit });
      this.d.core().onUnitLost(unit, this.d.nowNs());
      return;
    }
    try {
      const ep = await this.d.startLogger(unit, 'kafka');
      this.counters.rebuiltFromKafka++;
      e.logger = ep.peer!;
      this.d.pool.markDead(unit, ep.peer!);
      e.recovered = false;
      await this.recover(unit, e, ep.peer!, 'kafka');
    } catch (err) {
      this.counters.recoveryErrors++;
      this.d.log('rebuilding from Kafka failed: in-flight packets dropped', { unit, err: String(err) });
      this.d.core().onUnitLost(unit, this.d.nowNs());
    }
  }

  /** Re-send what the dead unit never answered, given the logger's clock of each flow. */
  private async recover(unit: number, e: Dead, logger: HostPort, from: 'logger' | 'kafka'): Promise<void> {
    if (e.recovered) return;
    e.recovered = true;
    const core = this.d.core();
    const ctl = this.d.controller();
    const slots: number[] = [];
    const seen = new Set<number>();
    core.pending.forUnit(unit, (_f, _c, s) => {
      const flow = core.pending.flow[s]!;
      if (!seen.has(flow)) (seen.add(flow), slots.push(flow));
    });
    const keys: FlowKey[] = slots.map((s) => ctl.flowKeyOfSlot(s));
    const clocks = new Map<number, number>();
    try {
      const states = keys.length === 0 ? [] : await pullStates([{ unit, address: `${logger.host}:${logger.port}` }], this.d.token, keys, 5000);
      states.forEach((st, i) => clocks.set(slots[i]!, st === null ? 0 : st.clock));
    } catch (err) {
      this.counters.recoveryErrors++;
      this.d.log('reading the logger\'s clocks failed: re-sending every in-flight packet', { unit, err: String(err) });
    }
    const now = this.d.nowNs();
    const before = { ...core.counters };
    const resent = core.recoverUnit(unit, now, (flow) => clocks.get(flow) ?? 0);
    this.counters.unitsRecovered++;
    const ms = (now - e.atNs) / 1e6;
    this.recoveryMs.push(ms);
    this.d.log('unit recovered', {
      unit, from, flowsInFlight: slots.length, resent,
      loggedNotReleased: core.counters.loggedNotReleased - before.loggedNotReleased,
      lostNoCopy: core.counters.lostNoCopy - before.lostNoCopy, ms: Math.round(ms * 1000) / 1000,
    });
  }
}
