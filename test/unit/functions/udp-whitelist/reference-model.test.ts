/**
 * The whitelister's verdicts over real timings (smallFlows) and a generated trace equal those of
 * a straightforward re-implementation of the definition, written here independently of the NF.
 */
import { udpWhitelist } from '../../../../functions/udp-whitelist';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { traceSources } from '../nat/trace-sources';

const isPrivate = (ip: number) => ip >>> 24 === 10 || ip >>> 20 === 0xac1 || ip >>> 16 === 0xc0a8;

/** The definition: a response passes iff its connection saw a request at most `expiryNs` ago. */
function referenceVerdicts(trace: ReturnType<ReturnType<typeof traceSources>[number][1]>, expiryNs: number): { out: string[]; admitted: number } {
  let admitted = 0;
  const lastRequest = new Map<string, number>();
  const out: string[] = [];
  const p = new Packet();
  for (let i = 0; i < trace.count; i++) {
    p.reset(trace.bytes, trace.offsets[i]!, trace.lengths[i]!);
    const t = trace.timesNs[i]!;
    if (p.cls > 2) { out.push(`DROP:${['ok', 'other_protocol', 'fragment', 'not_ipv4', 'truncated', 'bad_header'][p.cls]}`); continue; }
    const inSrc = isPrivate(p.srcIp);
    const inDst = isPrivate(p.dstIp);
    if (p.protocol !== 17 || inSrc === inDst) { out.push('FORWARD'); continue; }
    if (p.cls !== 0) { out.push(inDst ? 'DROP:udp_fragment' : 'FORWARD'); continue; }
    const a = `${p.srcIp}:${p.srcPort}`;
    const b = `${p.dstIp}:${p.dstPort}`;
    const conn = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (inSrc) { lastRequest.set(conn, t); out.push('FORWARD'); continue; }
    const seen = lastRequest.get(conn);
    if (seen === undefined) out.push('DROP:udp_unsolicited');
    else if (expiryNs > 0 && t - seen > expiryNs) { lastRequest.delete(conn); out.push('DROP:udp_expired'); }
    else {
      admitted++;
      out.push('FORWARD');
    }
  }
  return { out, admitted };
}

describe.each(traceSources())('udp-whitelist equals the reference model on %s', (_name, load) => {
  it.each([120_000, 2_000, 0])('expiryMs %d', (expiryMs) => {
    const trace = load();
    const { out: expected, admitted } = referenceVerdicts(trace, expiryMs * 1e6);
    const rt = new LocalRuntime(udpWhitelist, { expiryMs });
    const p = new Packet();
    const got: string[] = [];
    for (let i = 0; i < trace.count; i++) {
      p.reset(trace.bytes, trace.offsets[i]!, trace.lengths[i]!);
      const before = new Map(rt.counters.dropReasons);
      const v = rt.process(p, trace.timesNs[i]!);
      let reason = '';
      for (const [k, n] of rt.counters.dropReasons) if ((before.get(k) ?? 0) !== n) reason = k;
      got.push(v === 0 ? 'FORWARD' : `DROP:${reason}`);
    }
    const firstDiff = got.findIndex((g, i) => g !== expected[i]);
    expect(firstDiff).toBe(-1);
    // The traces really exercise the definition (smallFlows has no unsolicited UDP; the generated
    // trace has some by construction).
    const count = (v: string) => expected.filter((x) => x === v).length;
    expect(admitted).toBeGreaterThan(50);
    if (_name.startsWith('generated')) expect(count('DROP:udp_unsolicited')).toBeGreaterThan(0);
  });
});
