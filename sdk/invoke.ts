/**
 * The one way every runtime runs a handler on a packet (`LocalRuntime`, the unit's
 * PacketProcessor, the watchdog's HTTP mode): one reusable Context, the runtime's FlowState
 * binding, and the same judgement of what the handler did.
 *
 * Judgement (the same everywhere):
 *   returned Verdict.FORWARD               → forwarded
 *   returned Verdict.DROP                  → dropped, reason = ctx.drop's argument, else 'unspecified'
 *   returned anything else                 → dropped, 'bad_verdict'
 *   threw                                  → dropped, 'handler_error'; counted, the error kept in
 *                                            `lastError` (state it put before throwing stays)
 *   packet class not runnable (`refuse`)   → dropped, the class reason (PACKET_CLASS_REASON)
 * Reasons are interned (drop-reasons.ts): after a call, `dropId` is the packet's reason id (0 when
 * forwarded) and `alertSids[0 … alertCount)` the ids it passed to `ctx.alert`, in call order.
 *
 * The caller binds the state (its own FlowState: RecordingFlowState, the unit's
 * EphemeralFlowState, HTTP mode's per-request Redis value) before `invoke`. Nothing here
 * allocates per packet: the alert buffer grows (doubling, up to `maxAlertsPerPacket`) only when
 * a packet raises more alerts than any before it; alerts beyond the cap are counted, not kept.
 */
import { DropReasonId, DropReasonTable } from './drop-reasons';
import type { Packet } from './packet';
import { PACKET_CLASS_REASON } from './packet-class';
import { Verdict, type Context, type FlowState, type PacketHandler } from './types';

export interface InvokeCounters {
  invoked: number;
  forwarded: number;
  dropped: number;
  /** Every ctx.alert call (kept or not). */
  alerts: number;
  handlerErrors: number;
  badVerdicts: number;
  /** Alerts past `maxAlertsPerPacket` in one packet: counted in `alerts`, not kept. */
  alertsOverflowed: number;
}

export interface InvokerOptions {
  /** The NF's declared drop reasons (NetworkFunction.dropReasons). */
  dropReasons?: readonly string[];
  /** Cap on distinct drop-reason ids (default DEFAULT_DROP_REASON_CAPACITY). */
  maxDropReasons?: number;
  /** Alerts kept per packet (default 4096; the wire carries a u16 count). */
  maxAlertsPerPacket?: number;
}

const INITIAL_ALERTS = 16;

class InvokeContext<S> implements Context<S> {
  nowNs = 0;
  reason: string | undefined = undefined;
  constructor(readonly state: FlowState<S>, private readonly inv: Invoker<S>) {}
  drop(reason: string): void {
    this.reason = reason;
  }
  alert(id: number): void {
    this.inv.recordAlert(id);
  }
}

export class Invoker<S> {
  readonly reasons: DropReasonTable;
  readonly counters: InvokeCounters = { invoked: 0, forwarded: 0, dropped: 0, alerts: 0, handlerErrors: 0, badVerdicts: 0, alertsOverflowed: 0 };
  /** The error the handler threw last (counted, never rethrown). */
  lastError: unknown = undefined;
  /** The last packet's drop-reason id (0 when it was forwarded). */
  dropId = 0;
  /** The last packet's alert ids: [0, alertCount). Replaced (larger) when it grows. */
  alertSids = new Uint32Array(INITIAL_ALERTS);
  alertCount = 0;
  private readonly ctx: InvokeContext<S>;
  private readonly maxAlerts: number;

  constructor(readonly handler: PacketHandler<S>, state: FlowState<S>, opts: InvokerOptions = {}) {
    this.reasons = new DropReasonTable(opts.dropReasons ?? [], opts.maxDropReasons);
    this.maxAlerts = Math.max(1, Math.min(opts.maxAlertsPerPacket ?? 4096, 0xffff));
    this.ctx = new InvokeContext<S>(state, this);
  }

  /** Run the handler on `p` (state already bound by the caller) and judge the result. */
  invoke(p: Packet, nowNs: number): Verdict {
    const c = this.counters;
    const ctx = this.ctx;
    c.invoked++;
    ctx.nowNs = nowNs;
    ctx.reason = undefined;
    this.alertCount = 0;
    let verdict: unknown;
    try {
      verdict = this.handler.process(p, ctx);
    } catch (err) {
      c.handlerErrors++;
      this.lastError = err;
      return this.dropped(DropReasonId.HANDLER_ERROR);
    }
    if (verdict === Verdict.FORWARD) {
      c.forwarded++;
      this.dropId = 0;
      return Verdict.FORWARD;
    }
    if (verdict === Verdict.DROP) {
      const r = ctx.reason;
      return this.dropped(r === undefined ? DropReasonId.UNSPECIFIED : this.reasons.intern(r));
    }
    c.badVerdicts++;
    return this.dropped(DropReasonId.BAD_VERDICT);
  }

  /** A packet whose class the handler never sees (NOT_IPV4, TRUNCATED, BAD_HEADER …). */
  refuse(cls: number): Verdict {
    this.counters.invoked++;
    this.alertCount = 0;
    return this.dropped(cls >= 0 && cls < PACKET_CLASS_REASON.length ? DropReasonId.CLASS_BASE + cls : DropReasonId.OTHER);
  }

  /** The reason text of the last packet ('' when forwarded). */
  get dropReason(): string {
    return this.reasons.names[this.dropId]!;
  }

  /** ctx.alert: keep the id for the current packet. */
  recordAlert(id: number): void {
    this.counters.alerts++;
    const n = this.alertCount;
    if (n === this.alertSids.length) {
      if (n >= this.maxAlerts) {
        this.counters.alertsOverflowed++;
        return;
      }
      const grown = new Uint32Array(Math.min(n * 2, this.maxAlerts));
      grown.set(this.alertSids);
      this.alertSids = grown;
    }
    this.alertSids[n] = id >>> 0;
    this.alertCount = n + 1;
  }

  private dropped(id: number): Verdict {
    this.counters.dropped++;
    this.dropId = id;
    this.reasons.count(id);
    return Verdict.DROP;
  }
}
