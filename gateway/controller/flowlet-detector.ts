/**
 * Flowlet detector (WGM, §4.1, Pseudocode 1 lines 14–25): a packet starts a new flowlet when the
 * gap since the flow's previous packet exceeds T, or when adding it would take the flowlet above
 * B bytes (the size test is off in `flowlet-timeout-only`). Returns a RouteReason.
 */
import { RouteReason } from './types';

export function detectFlowlet(
  open: boolean,
  gapNs: number,
  flowletBytes: number,
  wireBytes: number,
  timeoutNs: number,
  sizeThresholdBytes: number,
  sizeTest: boolean,
): RouteReason {
  // `open` is false once the flowlet was closed by the expiry sweep (which uses the same gap test).
  if (!open || gapNs > timeoutNs) return RouteReason.TIMEOUT;
  if (sizeTest && flowletBytes + wireBytes > sizeThresholdBytes) return RouteReason.SIZE;
  return RouteReason.SAME_FLOWLET;
}
