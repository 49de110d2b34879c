/**
 * Traces the NF reference-model tests replay: the real smallFlows capture when the data is there
 * (requireData prints one line naming SNF_DATA when it is not; CI=true makes that a failure) and
 * always a seeded generated trace, so the same assertions run on a machine without the data.
 */
import { generateTraffic } from '../../../../trace/generator';
import { loadTrace, type LoadedTrace } from '../../../../trace/load';
import { requireData } from '../../../../trace/data';

export const SMALLFLOWS = 'traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap';

export function traceSources(): [string, () => LoadedTrace][] {
  const out: [string, () => LoadedTrace][] = [];
  const real = requireData(SMALLFLOWS);
  if (real) out.push(['smallFlows (real)', () => loadTrace(real)]);
  out.push(['generated seed 7', () => generateTraffic({ seed: 7, flows: 150, durationMs: 20_000 })]);
  return out;
}
