/**
 * The unit ready record: how a compute unit (or an `--http` unit) tells whoever started it that
 * it is up and where it listens. One JSON object on one line, written once, after every listener
 * is bound, to the file descriptor named by SNF_READY_FD (the local process provider passes a
 * pipe as fd 3), then that fd is closed. It never goes to the log stream, so log levels and log
 * wording cannot break readiness.
 *
 *   {"snfReady":1,"kind":"compute","unit":3,"host":"127.0.0.1","data":40123,"peer":40125,"http":0,"pid":4242}
 *
 * | field | meaning |
 * |---|---|
 * | snfReady | record version, 1 |
 * | kind | `compute` (data plane + StatePeer), `http` (the of-watchdog HTTP baseline) or `logger` (an output logger: data plane + StatePeer) |
 * | unit | the unit id it runs as (0 for `http`) |
 * | host | the address its listeners bound (the provider learns the address, never assumes it) |
 * | data | data-plane TCP port (`compute`), else 0 |
 * | peer | StatePeer gRPC port (`compute`), else 0 |
 * | http | HTTP port (`http`), else 0 |
 * | pid | the unit's process id |
 *
 * Providers where the platform owns readiness (Kubernetes: a readiness probe and EndpointSlices)
 * learn the same fields from the platform instead; the record stays the contract for processes.
 */
export const READY_FD_ENV = 'SNF_READY_FD';

export type UnitKind = 'compute' | 'http' | 'logger';

export interface ReadyRecord {
  snfReady: 1;
  kind: UnitKind;
  unit: number;
  host: string;
  data: number;
  peer: number;
  http: number;
  pid: number;
}

export function encodeReadyRecord(r: Omit<ReadyRecord, 'snfReady'>): string {
  return `${JSON.stringify({ snfReady: 1, kind: r.kind, unit: r.unit, host: r.host, data: r.data, peer: r.peer, http: r.http, pid: r.pid })}\n`;
}

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;

/** The record in `line`, or a string saying what is wrong with it. */
export function parseReadyRecord(line: string): ReadyRecord | string {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  if (j === null || typeof j !== 'object') return 'not an object';
  if (j.snfReady !== 1) return `snfReady must be 1 (got ${JSON.stringify(j.snfReady)})`;
  if (j.kind !== 'compute' && j.kind !== 'http' && j.kind !== 'logger') return `kind must be compute, http or logger (got ${JSON.stringify(j.kind)})`;
  if (!Number.isInteger(j.unit) || (j.unit as number) < 0 || (j.unit as number) > 32767) return 'unit must be 0–32767';
  if (typeof j.host !== 'string' || j.host === '') return 'host missing';
  for (const f of ['data', 'peer', 'http'] as const) if (!isPort(j[f])) return `${f} must be a port number`;
  if ((j.kind === 'compute' || j.kind === 'logger') && ((j.data as number) === 0 || (j.peer as number) === 0)) return 'a compute unit needs data and peer ports';
  if (j.kind === 'http' && (j.http as number) === 0) return 'an http unit needs its http port';
  if (!Number.isInteger(j.pid) || (j.pid as number) <= 0) return 'pid must be a positive integer';
  return { snfReady: 1, kind: j.kind, unit: j.unit as number, host: j.host, data: j.data as number, peer: j.peer as number, http: j.http as number, pid: j.pid as number };
}
