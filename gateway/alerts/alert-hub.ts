/**
 * What the NF said, gateway side: per-function counters of drops per reason and of alerts, and
 * the alerts themselves as EVE JSON lines to a sink, released in flow order with the packets.
 *
 * - `onNames(unit, …)`: a NAMES frame taught this unit's drop-reason ids or sid texts. Drop-reason
 *   ids are the unit's own (interned per unit process), so they are kept per unit; sid texts are
 *   the function's.
 * - `onRecord(unit, slot, r)`: an EGRESS v2 record came back for pending slot `slot`: its drop
 *   is counted at once (per unit and id: a typed-array increment); its alerts, if any, are copied
 *   aside until `release(slot)`, which the gateway calls when the egress order lets the packet go
 *   — so a flow's alerts leave in its packet order even when the flow moved between units.
 * Runtime reasons (EgressReason: malformed, unit lost, …) are not counted here: they are the
 * gateway's and the units' counters. Nothing here throws into the gateway.
 */
import type { EgressBatchV2Reader, EgressTuple } from '../../proto/frames/egress-batch-v2';
import { decodeNames, NameKind } from '../../proto/frames/names-v1';
import type { AlertSink } from './alert-sink';
import { formatEveAlert, ipv4Text, type EveSignature } from './eve';

/** Drop-reason ids counted per unit (the units' tables cap at 1024 by default); higher ids count as `#other`. */
const MAX_REASON_IDS = 4096;

interface UnitReasons {
  names: string[];
  counts: Float64Array;
}

interface HeldAlerts {
  unit: number;
  clock: number;
  dropped: boolean;
  tuple: EgressTuple;
  sids: number[];
}

export interface AlertStats {
  function: string;
  /** Packets the NF dropped, per reason text (summed over units; unnamed ids as `#<id>`). */
  drops: Record<string, number>;
  alerts: number;
  /** Alerts per signature id. */
  alertsBySid: Record<string, number>;
  /** Alerts whose packet never came back in order (unit lost) are not here; these are records sent. */
  alertLines: number;
  namesReceived: number;
  sink: { kind: string; written: number; failed: number; errors: number };
}

export class AlertHub {
  alerts = 0;
  alertLines = 0;
  namesReceived = 0;
  dropIdsOutOfRange = 0;
  private readonly units = new Map<number, UnitReasons>();
  private readonly signatures = new Map<number, EveSignature>();
  private readonly bySid = new Map<number, number>();
  private readonly held = new Map<number, HeldAlerts>();

  constructor(readonly fn: string, readonly sink: AlertSink, private readonly now: () => number = Date.now) {}

  onNames(unit: number, body: Buffer, count: number): void {
    for (const e of decodeNames(body, count)) {
      this.namesReceived++;
      if (e.kind === NameKind.DROP_REASON) this.unitReasons(unit).names[e.id] = e.text;
      else this.signatures.set(e.id, { signature: e.text, gid: e.gid ?? 1, rev: e.rev ?? 0, severity: e.severity ?? 0 });
    }
  }

  onRecord(unit: number, slot: number, r: EgressBatchV2Reader): void {
    if (r.dropId !== 0) {
      if (r.dropId < MAX_REASON_IDS) this.unitReasons(unit).counts[r.dropId]!++;
      else this.dropIdsOutOfRange++;
    }
    const n = r.alertCount;
    if (n === 0) return;
    this.alerts += n;
    const sids: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const sid = r.sid(i);
      sids[i] = sid;
      this.bySid.set(sid, (this.bySid.get(sid) ?? 0) + 1);
    }
    this.held.set(slot, { unit, clock: r.clock, dropped: r.verdict !== 0, tuple: { ...r.tuple }, sids });
  }

  /** The packet of `slot` leaves (or is given up): its alerts, if any, go to the sink. */
  release(slot: number): void {
    if (this.held.size === 0) return;
    const h = this.held.get(slot);
    if (h === undefined) return;
    this.held.delete(slot);
    const ms = this.now();
    const t = h.tuple;
    const key = `${t.proto}:${ipv4Text(t.srcIp)}:${t.srcPort}:${ipv4Text(t.dstIp)}:${t.dstPort}`;
    for (const sid of h.sids) {
      this.alertLines++;
      this.sink.write(formatEveAlert({
        timestampMs: ms, tuple: t, sid, dropped: h.dropped, sig: this.signatures.get(sid), fn: this.fn, unit: h.unit, clock: h.clock,
      }), key);
    }
  }

  stats(): AlertStats {
    const drops: Record<string, number> = {};
    for (const u of this.units.values()) {
      for (let id = 1; id < u.counts.length; id++) {
        const n = u.counts[id]!;
        if (n === 0) continue;
        const name = u.names[id] ?? `#${id}`;
        drops[name] = (drops[name] ?? 0) + n;
      }
    }
    if (this.dropIdsOutOfRange > 0) drops['#other'] = this.dropIdsOutOfRange;
    const bySid: Record<string, number> = {};
    for (const [sid, n] of [...this.bySid].sort((a, b) => a[0] - b[0])) bySid[sid] = n;
    return {
      function: this.fn, drops, alerts: this.alerts, alertsBySid: bySid, alertLines: this.alertLines,
      namesReceived: this.namesReceived, sink: { kind: this.sink.kind, ...this.sink.counters },
    };
  }

  close(): Promise<void> {
    return this.sink.close();
  }

  private unitReasons(unit: number): UnitReasons {
    let u = this.units.get(unit);
    if (u === undefined) {
      u = { names: [], counts: new Float64Array(MAX_REASON_IDS) };
      this.units.set(unit, u);
    }
    return u;
  }
}
