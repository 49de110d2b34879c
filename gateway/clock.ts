/**
 * The gateway's clock: nanoseconds since the process started, monotonic, read through
 * `performance.now()` (a double; `process.hrtime.bigint()` allocates a BigInt per read). Read once
 * per ingress batch / egress frame / tick, never per packet — the controller takes time as an
 * argument and the batch shares one reading.
 */
import { performance } from 'perf_hooks';
import { monotonicNs } from '../proto/frames/timing-v1';

export function monoNs(): number {
  return performance.now() * 1e6;
}

/** Add to a `monoNs()` reading to get the host-wide monotonic clock of TIMING frames (proto/frames/timing-v1). */
export const MONO_TO_HOST_NS = monotonicNs() - monoNs();
