/**
 * STATS frames v1: the gateway asks a unit for its counters, the unit answers on the same
 * connection (control path, rare: allocation is fine).
 *
 * STATS_REQUEST (type 5, gateway → unit): count 0, empty body.
 * STATS (type 6, unit → gateway): `count` records of 8 bytes, each one f64 counter value, in the
 * order of `STATS_FIELDS_V1` (index = record number). A receiver ignores records past the fields
 * it knows and treats missing ones as absent, so fields are only ever appended.
 */
import { FRAME_HEADER_BYTES, FrameType } from './constants';
import { writeFrameHeader } from './frame-header-v1';

export const STATS_RECORD_BYTES = 8;

/** Counter names, in record order. Append only. */
export const STATS_FIELDS_V1 = [
  'packets', 'forwarded', 'dropped', 'seamless', 'local', 'waited', 'pulled', 'releasedByPush',
  'late', 'stateLost', 'pushesSent', 'pushFlowsSent', 'pushBytesSent', 'pushFlowsApplied', 'pushFlowsStale',
  'pullsSent', 'pullAttempts', 'pullFlowsFound', 'pullFlowsUnknown', 'pullErrors', 'pullFlowsServed',
  'pullBytesServed', 'handlerErrors', 'storeReads', 'storeWrites', 'storeBytesWritten', 'storeErrors',
  'restarted', 'evicted', 'pullFlowsNotYet', 'storeFlowsMissing',
  // Appended 2026-12-03 (issue 12), filled only by a unit with SNF_TIMING=1 (0 otherwise): the
  // unit process's event-loop delay p50/p99/max (µs), GC pause total/max (ms) and CPU time (µs),
  // all since its first PACKETS frame.
  'eventLoopDelayP50Us', 'eventLoopDelayP99Us', 'eventLoopDelayMaxUs', 'gcPauseTotalMs', 'gcPauseMaxMs', 'cpuUs',
  // Output loggers (issue 8): the unit's restored flows; the logger's own counters (it answers STATS_REQUEST too).
  'logRestoredFlows', 'logRecords', 'logApplied', 'logStale', 'logUnknownFlow', 'logWrongUnit', 'logCorruptFrames',
  'logKafkaErrors', 'logKafkaRetries', 'logHeld', 'logKafkaDropped', 'logKafkaBuffered',
  // Appended for issue 12 (why moved flowlets were not seamless; watchdog/runtime/counters.ts).
  'pushedByGatewayClock', 'pushLateUsSum', 'pushLateMaxUs', 'pushTooOld', 'pullAskNotTarget', 'pullAskBehind',
  'pullAskPushSent', 'pullAskIdleShort', 'pullAskIdleShortGw', 'pullAskNotSwept',
  // Appended for issue 12 (where a proactive push's time goes; watchdog/state/push-timing.ts), µs,
  // per unit (not summable: percentiles): idle at send (sender), flight (receiver), flight of the
  // pushes that released a held flowlet, and messages without a usable send stamp.
  'pushIdleP50Us', 'pushIdleP99Us', 'pushIdleMaxUs', 'pushIdleCount',
  'pushFlightP50Us', 'pushFlightP99Us', 'pushFlightMaxUs', 'pushFlightCount',
  'pushFlightLateP50Us', 'pushFlightLateP99Us', 'pushFlightLateMaxUs', 'pushFlightUnstamped',
  // Sender: placed → the push message's write completed (watchdog/push-lane.ts), µs, per unit.
  'pushWriteP50Us', 'pushWriteP99Us', 'pushWriteMaxUs',
] as const;
export type StatsField = (typeof STATS_FIELDS_V1)[number];
export type UnitStats = Partial<Record<StatsField, number>>;

/** Adds `from`'s counters into `into` (summing units). */
export function addStats(into: UnitStats, from: UnitStats): UnitStats {
  for (const k of Object.keys(from) as StatsField[]) into[k] = (into[k] ?? 0) + (from[k] ?? 0);
  return into;
}

export function encodeStatsRequest(): Buffer {
  const buf = Buffer.alloc(FRAME_HEADER_BYTES);
  writeFrameHeader(buf, 0, FrameType.STATS_REQUEST, 0, 0, 0);
  return buf;
}

export function validateStatsRequest(body: Buffer, count: number): string | null {
  return count === 0 && body.length === 0 ? null : 'stats request must be empty';
}

/** Encodes `values` (missing fields as 0) as a whole STATS frame. */
export function encodeStats(values: Readonly<Record<string, number>>): Buffer {
  const n = STATS_FIELDS_V1.length;
  const buf = Buffer.alloc(FRAME_HEADER_BYTES + n * STATS_RECORD_BYTES);
  writeFrameHeader(buf, 0, FrameType.STATS, 0, n, n * STATS_RECORD_BYTES);
  for (let i = 0; i < n; i++) buf.writeDoubleBE(values[STATS_FIELDS_V1[i]!] ?? 0, FRAME_HEADER_BYTES + i * STATS_RECORD_BYTES);
  return buf;
}

export function validateStats(body: Buffer, count: number): string | null {
  if (body.length !== count * STATS_RECORD_BYTES) return `stats frame: ${body.length} bytes for ${count} records`;
  return null;
}

export function decodeStats(body: Buffer, count: number): UnitStats {
  const out: UnitStats = {};
  const n = Math.min(count, STATS_FIELDS_V1.length);
  for (let i = 0; i < n; i++) out[STATS_FIELDS_V1[i]!] = body.readDoubleBE(i * STATS_RECORD_BYTES);
  return out;
}
