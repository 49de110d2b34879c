/**
 * One alert as a JSON line in the shape of Suricata's EVE `alert` record (event_type "alert",
 * the flow 5-tuple, and `alert` with action, gid, signature_id, rev, signature, severity), plus an
 * `snf` object saying which function, unit and flow clock raised it. Pure.
 */
import type { EgressTuple } from '../../proto/frames/egress-batch-v2';

export interface EveSignature {
  signature: string;
  gid: number;
  /** 0 = unknown (omitted). */
  rev: number;
  /** 0 = unknown (omitted). */
  severity: number;
}

export interface EveAlert {
  timestampMs: number;
  tuple: EgressTuple;
  sid: number;
  /** The packet went on (allowed) or was dropped (blocked). */
  dropped: boolean;
  sig: EveSignature | undefined;
  fn: string;
  unit: number;
  clock: number;
}

const PROTO_NAMES: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 58: 'IPv6-ICMP', 132: 'SCTP' };

export function ipv4Text(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** Suricata's timestamp style: 2026-12-03T10:00:00.123000+0000. */
export function eveTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+0000');
}

export function formatEveAlert(a: EveAlert): string {
  const t = a.tuple;
  const s = a.sig;
  const alert: Record<string, unknown> = {
    action: a.dropped ? 'blocked' : 'allowed',
    gid: s?.gid || 1,
    signature_id: a.sid,
  };
  if (s !== undefined && s.rev > 0) alert.rev = s.rev;
  alert.signature = s !== undefined && s.signature !== '' ? s.signature : `sid ${a.sid}`;
  if (s !== undefined && s.severity > 0) alert.severity = s.severity;
  return JSON.stringify({
    timestamp: eveTimestamp(a.timestampMs),
    event_type: 'alert',
    src_ip: ipv4Text(t.srcIp),
    src_port: t.srcPort,
    dest_ip: ipv4Text(t.dstIp),
    dest_port: t.dstPort,
    proto: PROTO_NAMES[t.proto] ?? String(t.proto),
    alert,
    snf: { function: a.fn, unit: a.unit, clock: a.clock },
  });
}
