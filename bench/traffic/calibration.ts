/**
 * The calibration of the built-in traffic (calibrated-generator.ts): distributions measured on a
 * real trace by traceStats (trace-stats.ts) at T = 20 ms (the LIVE flowlet timeout), kept as
 * quantile knots at STAT_QUANTILES (p0, p10, p25, p50, p75, p90, p99, p100). The generator draws
 * from these by inverse CDF, interpolating between knots on a log scale.
 *
 * Source: Tcpreplay's smallFlows (`traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap`
 * in ../shared/data: 14,243 IPv4 packets, 635 connections over 298 s). `calibrationFrom(stats)`
 * turns a measurement into these figures; the calibration test re-measures the real trace and
 * checks that it still gives exactly SMALLFLOWS_CALIBRATION.
 */
import type { TraceStats } from './trace-stats';

export const CALIBRATION_TRACE = 'traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap';
export const CALIBRATION_TIMEOUT_NS = 20e6;

export interface TrafficCalibration {
  /** Where the figures come from (relative to ../shared/data). */
  source: string;
  timeoutMs: number;
  udpShare: number;
  flowletsPerConnection: number[];
  packetsPerFlowlet: number[];
  interFlowletGapMs: number[];
  intraFlowletGapMs: number[];
  wireBytes: number[];
}

export function calibrationFrom(source: string, s: TraceStats): TrafficCalibration {
  return {
    source, timeoutMs: s.timeoutMs, udpShare: s.udpShare,
    flowletsPerConnection: s.flowletsPerConnection, packetsPerFlowlet: s.packetsPerFlowlet,
    interFlowletGapMs: s.interFlowletGapMs, intraFlowletGapMs: s.intraFlowletGapMs, wireBytes: s.wireBytes,
  };
}

/** calibrationFrom(traceStats(smallFlows, 20 ms)), measured 2026-12-03. */
export const SMALLFLOWS_CALIBRATION: TrafficCalibration = Object.freeze({
  source: CALIBRATION_TRACE,
  timeoutMs: 20,
  udpShare: 0.231,
  flowletsPerConnection: [1, 2, 2, 4, 6, 12, 69, 113],
  packetsPerFlowlet: [1, 1, 1, 1, 3, 6, 40, 193],
  interFlowletGapMs: [20.014, 33.276, 50.609, 136.589, 379.689, 7894.313, 78318.777, 239999.385],
  intraFlowletGapMs: [0, 0.002, 0.022, 0.083, 0.795, 3.895, 18.527, 19.975],
  wireBytes: [39, 40, 40, 148, 1500, 1500, 1500, 1500],
});
