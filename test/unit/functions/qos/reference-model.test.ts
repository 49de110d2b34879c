/**
 * The policer's verdicts (and DSCP marks) over real timings (smallFlows) and a generated trace
 * equal those of a straightforward token bucket written here from the definition.
 */
import { qos } from '../../../../functions/qos';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { traceSources } from '../nat/trace-sources';

interface Cfg {
  rateBps: number;
  burstBytes: number;
  action: 'drop' | 'mark';
}

const CONFIGS: Cfg[] = [
  { rateBps: 64_000, burstBytes: 3_000, action: 'drop' },
  { rateBps: 1_000_000, burstBytes: 10_000, action: 'mark' },
  { rateBps: 10_000_000, burstBytes: 65_536, action: 'drop' },
];

describe.each(traceSources())('qos equals the reference token bucket on %s', (_name, load) => {
  it.each(CONFIGS)('%o', (cfg) => {
    const trace = load();
    const rt = new LocalRuntime(qos, cfg);
    const buckets = new Map<string, { t: number; tokens: number }>();
    const p = new Packet();
    let mismatches = 0;
    let over = 0;
    for (let i = 0; i < trace.count; i++) {
      p.reset(trace.bytes, trace.offsets[i]!, trace.lengths[i]!);
      const t = trace.timesNs[i]!;
      // Reference: bucket per unordered endpoint pair + protocol, full at first sight.
      let expectPass = false;
      if (p.cls <= 2) {
        const a = `${p.srcIp}:${p.srcPort}`;
        const b = `${p.dstIp}:${p.dstPort}`;
        const conn = `${p.protocol}/${a < b ? a + '/' + b : b + '/' + a}`;
        let bucket = buckets.get(conn);
        if (!bucket) buckets.set(conn, (bucket = { t, tokens: cfg.burstBytes }));
        if (t > bucket.t) {
          bucket.tokens = Math.min(cfg.burstBytes, bucket.tokens + ((t - bucket.t) * cfg.rateBps) / 8e9);
          bucket.t = t;
        }
        expectPass = p.totalLength <= bucket.tokens;
        if (expectPass) bucket.tokens -= p.totalLength;
        else over++;
      }
      const tosBefore = p.tos;
      const v = rt.process(p, t);
      const ok =
        cfg.action === 'drop'
          ? (v === 0) === expectPass
          : v === 0 && p.tos === (expectPass ? tosBefore : (8 << 2) | (tosBefore & 3));
      if (!ok && p.cls <= 2) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(over).toBeGreaterThan(0); // the config really polices this trace
  });
});
