/**
 * `snf bench nf`: every NF over a trace in this process, one core, printing one JSON object:
 * {"trace", "results": {"nat": {"pps", "nsPerPacket"}, …, "ids": {"pps", "nsPerPacket", "payloadMBps", "patterns"}}}.
 * The IDS is measured over a trace with payloads (`idsTrace`, e.g. the nDPI corpus) with the
 * rule files given (`ruleFiles`, e.g. the full ET Open set); no files = the built-in demo set.
 */
import { getFunction } from '../functions';
import { LocalRuntime } from '../sdk/local-runtime';
import type { LoadedTrace } from '../trace/load';
import { benchIds, DEFAULT_IDS_BENCH, type IdsBenchResult } from './ids-bench';
import { benchNf, DEFAULT_NF_BENCH, type NfBenchResult } from './nf-bench';

export const BENCHED_FUNCTIONS = ['nat', 'lb', 'udp-whitelist', 'qos', 'ids'] as const;

export interface NfBenchSuiteResult {
  trace: string;
  idsTrace?: string;
  ruleFiles?: number;
  results: Record<string, NfBenchResult | IdsBenchResult>;
}

export interface NfBenchSuiteOptions {
  trace: LoadedTrace;
  idsTrace: LoadedTrace;
  ruleFiles: string[];
  functions: readonly string[];
  minMs?: number;
  onProgress?: (name: string) => void;
}

export function runNfBenchSuite(o: NfBenchSuiteOptions): NfBenchSuiteResult {
  const results: NfBenchSuiteResult['results'] = {};
  for (const name of o.functions) {
    o.onProgress?.(name);
    if (name === 'ids') {
      results.ids = benchIds(o.idsTrace, o.ruleFiles, { ...DEFAULT_IDS_BENCH, minMs: o.minMs ?? DEFAULT_IDS_BENCH.minMs });
    } else {
      const fn = getFunction(name);
      results[name] = benchNf(new LocalRuntime(fn, fn.defaultConfig), o.trace, { ...DEFAULT_NF_BENCH, minMs: o.minMs ?? DEFAULT_NF_BENCH.minMs });
    }
  }
  return {
    trace: o.trace.path,
    ...(o.functions.includes('ids') ? { idsTrace: o.idsTrace.path, ruleFiles: o.ruleFiles.length } : {}),
    results,
  };
}
