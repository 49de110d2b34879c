/**
 * Equivalence over real traffic: the IDS (through LocalRuntime, per-connection state) against the
 * stream reference (indexOf over each direction's concatenated payloads), with the Snort 3
 * community and ET Open rule sets over every IPv4 packet of all nDPI captures (~70k packets,
 * ~42k with payload, ~17 MB). Without the data directory, the same comparison runs on seeded
 * synthetic streams built from the demo signatures.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { ids, type IdsFunctionHandler } from '../../../../functions/ids';
import { DEMO_RULES } from '../../../../functions/ids/demo-rules';
import { loadTrace } from '../../../../trace/load';
import { requireData } from '../../../../trace/data';
import { tcp, udp } from '../../../helpers/packets';
import { referenceAlerts, StreamCollector } from './stream-reference';

/** Runs the IDS over the packets; returns its sorted "packetIndex:sid" alerts. */
function idsAlerts(rt: LocalRuntime<any, any>, packets: readonly Packet[]): string[] {
  packets.forEach((p, i) => rt.process(p, i * 1000));
  const got = [...new Set(rt.alerts.map((a) => `${a.packetIndex}:${a.sid}`))].sort();
  expect(got.length).toBe(rt.alerts.length); // never twice per (packet, sid)
  return got;
}

function reference(rt: LocalRuntime<any, any>, packets: readonly Packet[]): string[] {
  const c = new StreamCollector();
  packets.forEach((p, i) => c.add(p, i));
  return referenceAlerts((rt.handler as IdsFunctionHandler).patternSet, c.streams);
}

const ndpi = requireData('traces/ndpi/pcap');
const rulesDir = requireData('rules');

(ndpi && rulesDir ? describe : describe.skip)('ids on the nDPI captures with Snort 3 community + ET Open', () => {
  it('raises exactly the (packet, sid) alerts of the stream reference', () => {
    const rt = new LocalRuntime(ids as any, { ruleSets: ['snort3-community', 'et-open'], dataDir: join(rulesDir!, '..') });
    const handler = rt.handler as IdsFunctionHandler;
    expect(handler.report.patterns.patterns).toBeGreaterThan(15000);
    function* packets(): Generator<Packet> {
      for (const f of readdirSync(ndpi!).sort()) {
        const t = loadTrace(join(ndpi!, f));
        for (let i = 0; i < t.count; i++) yield Packet.parse(Buffer.from(t.bytes.subarray(t.offsets[i]!, t.offsets[i]! + t.lengths[i]!)));
      }
    }
    const all: Packet[] = [...packets()];
    expect(all.length).toBeGreaterThan(60000);
    const alerts = idsAlerts(rt, all);
    expect(alerts.length).toBeGreaterThan(1000);
    expect(alerts).toEqual(reference(rt, all));
  }, 120_000);
});

describe('ids vs the stream reference on seeded synthetic traffic (runs without real data)', () => {
  it('raises exactly the reference alerts', () => {
    const rt = new LocalRuntime(ids as any, { rules: [] });
    const sigs = [...DEMO_RULES.matchAll(/content:"([^"|]+)"/g)].map((m) => m[1]!.replace(/\\\\/g, '\\'));
    let seed = 12345;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const pkts: Packet[] = [];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      while (s.length < 60) s += rnd(3) === 0 ? sigs[rnd(sigs.length)]!.slice(rnd(4)) : 'xyz AB'.slice(rnd(6));
      if (rnd(2)) s = s.toUpperCase();
      const conn = rnd(20);
      const b = rnd(10) === 0 ? udp('10.0.0.1', 1000 + conn, '10.0.0.2', 53, s) : rnd(2) ? tcp('10.0.0.1', 1000 + conn, '10.0.0.2', 80, 0x18, s) : tcp('10.0.0.2', 80, '10.0.0.1', 1000 + conn, 0x18, s);
      pkts.push(Packet.parse(b));
    }
    const alerts = idsAlerts(rt, pkts);
    expect(alerts.length).toBeGreaterThan(100);
    expect(alerts).toEqual(reference(rt, pkts));
  });
});
