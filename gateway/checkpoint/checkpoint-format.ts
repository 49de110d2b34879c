/**
 * What a gateway checkpoint holds in Redis and how it is spelled (pure; README.md in this folder).
 *
 * `<prefix>:meta` (string, JSON `CheckpointMeta`): the function, the run id (Kafka topic, state
 * namespace), the unit set with every unit's and logger's addresses and pids, the flowlet counter.
 * `<prefix>:flows` (hash): field `proto:srcIp:srcPort:dstIp:dstPort` (canonical key, IPs as
 * uint32) → `clock,unit,prevUnit,flowletId,demandBps[,target…]`.
 */
import type { HostPort } from '../units/provider';

export const CHECKPOINT_VERSION = 1;

export interface CheckpointUnit {
  unit: number;
  data: HostPort;
  peer: HostPort;
  /** The provider's instance name of the unit (`pid:N` locally). */
  instance: string;
  logger: { data: HostPort; peer: HostPort; instance: string } | null;
}

export interface CheckpointMeta {
  v: number;
  function: string;
  runId: string;
  flowletSeq: number;
  units: CheckpointUnit[];
  /** Wall-clock ms of the flush that wrote this. */
  atMs: number;
}

export interface CheckpointFlow {
  proto: number;
  srcIp: number;
  srcPort: number;
  dstIp: number;
  dstPort: number;
  clock: number;
  unit: number;
  prevUnit: number;
  flowletId: number;
  demandBps: number;
  targets: number[];
}

export function metaKey(prefix: string): string {
  return `${prefix}:meta`;
}

export function flowsKey(prefix: string): string {
  return `${prefix}:flows`;
}

export function flowField(proto: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number): string {
  return `${proto}:${srcIp >>> 0}:${srcPort}:${dstIp >>> 0}:${dstPort}`;
}

export function encodeFlowValue(clock: number, unit: number, prevUnit: number, flowletId: number, demandBps: number, targets: ArrayLike<number>, base: number, n: number): string {
  let s = `${clock},${unit},${prevUnit},${flowletId},${Math.round(demandBps)}`;
  for (let i = 0; i < n; i++) s += `,${targets[base + i]!}`;
  return s;
}

const INT = /^-?\d+$/;

/** One hash entry → a flow, or a reason it is not one (a checkpoint written by something else). */
export function decodeFlow(field: string, value: string): CheckpointFlow | string {
  const k = field.split(':');
  const v = value.split(',');
  if (k.length !== 5 || !k.every((x) => INT.test(x))) return `bad flow key ${JSON.stringify(field)}`;
  if (v.length < 5 || !v.every((x) => INT.test(x))) return `bad flow value ${JSON.stringify(value)}`;
  const [proto, srcIp, srcPort, dstIp, dstPort] = k.map(Number) as [number, number, number, number, number];
  const n = v.map(Number);
  if (proto > 255 || srcPort > 65535 || dstPort > 65535 || srcIp > 0xffffffff || dstIp > 0xffffffff || n[0]! < 1 || n[1]! < 1) return `out-of-range flow ${field}=${value}`;
  return { proto, srcIp, srcPort, dstIp, dstPort, clock: n[0]!, unit: n[1]!, prevUnit: n[2]!, flowletId: n[3]!, demandBps: n[4]!, targets: n.slice(5) };
}

export function decodeMeta(raw: string | null): CheckpointMeta | string {
  if (raw === null) return 'no checkpoint under this prefix';
  let m: CheckpointMeta;
  try {
    m = JSON.parse(raw) as CheckpointMeta;
  } catch {
    return 'checkpoint meta is not JSON';
  }
  if (m === null || typeof m !== 'object' || m.v !== CHECKPOINT_VERSION) return `checkpoint version ${String((m as { v?: unknown } | null)?.v)} is not ${CHECKPOINT_VERSION}`;
  if (typeof m.function !== 'string' || typeof m.runId !== 'string' || !Array.isArray(m.units) || !Number.isFinite(m.flowletSeq)) return 'checkpoint meta lacks function, runId, units or flowletSeq';
  return m;
}
