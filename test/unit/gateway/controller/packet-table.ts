/**
 * Packet tables for controller tests: rows of (flow, gap before this packet, size) with the
 * expected outcome, replayed through one Controller. Gaps are explicit so every timeout case is
 * visible in the table.
 */
import type { FlowKey } from '../../../../sdk/flow-key';
import { Controller, ROUTE_REASON_NAMES, type RouteDecision } from '../../../../gateway/controller';

export const US = 1_000;
export const MS = 1_000_000;

/** Connection n: 10.0.0.1:(1000+n) → 10.0.1.1:80 TCP; `reverse` gives the other direction. */
export function flow(n: number, reverse = false): FlowKey {
  const a = { ip: 0x0a000001, port: 1000 + n };
  const b = { ip: 0x0a000101, port: 80 };
  const [s, d] = reverse ? [b, a] : [a, b];
  return { proto: 6, srcIp: s.ip, srcPort: s.port, dstIp: d.ip, dstPort: d.port };
}

export interface Row {
  key: FlowKey;
  /** ns since the previous row. */
  gap: number;
  bytes: number;
}

export interface Seen {
  unit: number;
  newFlowlet: boolean;
  reason: string;
  clock: number;
  prevUnit: number;
  flowletId: number;
  hasState: boolean;
  targets: number[];
  holdUntilNs: number;
  atNs: number;
}

export function snapshot(d: RouteDecision, atNs: number): Seen {
  return {
    unit: d.unit,
    newFlowlet: d.newFlowlet,
    reason: ROUTE_REASON_NAMES[d.reason],
    clock: d.clock,
    prevUnit: d.prevUnit,
    flowletId: d.flowletId,
    hasState: d.hasState,
    targets: Array.from(d.targets.subarray(0, d.targetCount)),
    holdUntilNs: d.holdUntilNs,
    atNs,
  };
}

/** Replay rows starting at `startNs`; optional drain of every packet at its arrival (ideal unit). */
export function replay(c: Controller, rows: Row[], opts: { startNs?: number; drain?: boolean } = {}): Seen[] {
  let t = opts.startNs ?? 0;
  const out: Seen[] = [];
  for (const r of rows) {
    t += r.gap;
    const d = c.route(r.key, r.bytes, t);
    out.push(snapshot(d, t));
    if (opts.drain) c.onDrained(d.unit, r.bytes, t);
  }
  return out;
}
