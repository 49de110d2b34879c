/**
 * NAT over the real smallFlows capture (payloads stripped, real timings): one mapping per
 * connection, counted independently here; no public port held by two live connections; every
 * rewrite keeps the checksums valid. The capture's L4 checksums cannot be recomputed from scratch
 * (payloads stripped), so rewrites are checked with sdk `verifyRewriteChecksums` (IPv4 header from
 * scratch, L4 by ones'-complement residual equality with the captured original); the from-scratch
 * L4 check on full payloads is the property test in properties.test.ts.
 */
import { nat } from '../../../../functions/nat';
import { checkChecksums, verifyRewriteChecksums } from '../../../../sdk/checksum';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { loadTrace } from '../../../../trace/load';
import { requireData } from '../../../../trace/data';

const SMALLFLOWS = 'traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap';
const PUB = 0xcb007101; // 203.0.113.1
const isPrivate = (ip: number) => ip >>> 24 === 10 || ip >>> 20 === 0xac1 || ip >>> 16 === 0xc0a8;

/** Direction-independent connection name, built without the SDK's canonicalKey. */
function connName(p: Packet): string {
  const a = `${p.srcIp}:${p.srcPort}`;
  const b = `${p.dstIp}:${p.dstPort}`;
  return `${p.protocol}|${a < b ? a + '|' + b : b + '|' + a}`;
}

interface Run {
  /** connection → public ports its outbound packets left with, in order of first use. */
  portsOf: Map<string, number[]>;
  rewriteChecks: number;
  badRewrites: number;
  rt: LocalRuntime;
  /** Per packet: [conn, outbound?, public port or -1, time, tcp flags]. */
  events: [string, boolean, number, number, number][];
}

function run(path: string, config: unknown): Run {
  const trace = loadTrace(path);
  const rt = new LocalRuntime(nat, config);
  const p = new Packet();
  const before = new Packet();
  const scratch = Buffer.alloc(65536);
  const portsOf = new Map<string, number[]>();
  const events: Run['events'] = [];
  let rewriteChecks = 0;
  let badRewrites = 0;
  for (let i = 0; i < trace.count; i++) {
    const off = trace.offsets[i]!;
    const len = trace.lengths[i]!;
    trace.bytes.copy(scratch, 0, off, off + len);
    before.reset(scratch, 0, len);
    p.reset(trace.bytes, off, len);
    const conn = before.cls === 0 ? connName(before) : '';
    const outbound = before.cls === 0 && isPrivate(before.srcIp) && !isPrivate(before.dstIp);
    const verdict = rt.process(p, trace.timesNs[i]!);
    if (!trace.bytes.subarray(off, off + len).equals(scratch.subarray(0, len))) {
      rewriteChecks++;
      if (!verifyRewriteChecksums(before, p) || !checkChecksums(p).ip) badRewrites++;
    }
    if (outbound && verdict === 0) {
      expect(p.srcIp).toBe(PUB);
      const list = portsOf.get(conn) ?? [];
      if (list[list.length - 1] !== p.srcPort) list.push(p.srcPort);
      portsOf.set(conn, list);
    }
    if (conn) events.push([conn, outbound, outbound && verdict === 0 ? p.srcPort : -1, trace.timesNs[i]!, before.tcpFlags]);
  }
  return { portsOf, rewriteChecks, badRewrites, rt, events };
}

const path = requireData(SMALLFLOWS);
const maybe = path ? describe : describe.skip;

maybe('nat over smallFlows (real capture)', () => {
  it('keeps exactly one mapping per connection (timeouts longer than the trace)', () => {
    const r = run(path!, { publicIp: '203.0.113.1', idleTimeoutMs: { tcp: 3_600_000, udp: 3_600_000 } });
    // Independent count: connections with at least one inside → outside TCP/UDP packet.
    const expected = new Set(r.events.filter((e) => e[1]).map((e) => e[0]));
    expect(expected.size).toBe(599);
    // A tuple reused after a close (SYN after FIN+FIN/RST) would legitimately remap; none here.
    expect(r.portsOf.size).toBe(expected.size);
    for (const [conn, ports] of r.portsOf) {
      expect(expected.has(conn)).toBe(true);
      expect(ports).toHaveLength(1);
    }
    expect(new Set([...r.portsOf.values()].map((ps) => ps[0])).size).toBe(expected.size);
    expect(r.rt.state.size).toBe(expected.size);
    // Inbound packets before their connection's first outbound one (capture started mid-way,
    // or the reply overtook the request) have no mapping yet: dropped, as a NAT must.
    const mapped = new Set<string>();
    let early = 0;
    for (const [conn, outbound] of r.events) {
      if (outbound) mapped.add(conn);
      else if (expected.has(conn) && !mapped.has(conn)) early++;
    }
    expect(r.rt.counters.dropReasons.get('nat_no_mapping') ?? 0).toBe(early);
    expect([...r.rt.counters.dropReasons.keys()].sort()).toEqual(early ? ['nat_no_mapping', 'nat_unsupported_protocol'] : ['nat_unsupported_protocol']);
    // Every forwarded outbound packet was rewritten (and only those: pre-NAT replies pass as is).
    expect(r.rewriteChecks).toBe(r.events.filter((e) => e[2] >= 0).length);
    expect(r.rewriteChecks).toBeGreaterThan(5000);
    expect(r.badRewrites).toBe(0);
  });

  it('with the default timeouts and a 100-port pool, never gives one public port to two live connections', () => {
    const cfg = { publicIp: '203.0.113.1', ports: { min: 20000, max: 20099 } };
    const r = run(path!, cfg);
    const idle = (conn: string) => (conn.startsWith('6|') ? 300e9 : 30e9);
    // Independent liveness: last packet time per connection and whether it closed (FIN both ways or RST).
    const last = new Map<string, number>();
    const fins = new Map<string, number>();
    const owner = new Map<number, string>();
    let handovers = 0;
    for (const [conn, outbound, port, t, flags] of r.events) {
      if (port >= 0) {
        const prev = owner.get(port);
        if (prev !== undefined && prev !== conn) {
          const closed = (fins.get(prev) ?? 0) === 3 || (fins.get(prev) ?? 0) & 4;
          expect(closed || t - last.get(prev)! > idle(prev)).toBeTruthy();
          handovers++;
        }
        owner.set(port, conn);
      }
      last.set(conn, t);
      if (conn.startsWith('6|')) fins.set(conn, (fins.get(conn) ?? 0) | (flags & 4 ? 4 : 0) | (flags & 1 ? (outbound ? 1 : 2) : 0));
    }
    expect(handovers).toBeGreaterThan(100); // the small pool wraps: ports really are reused
    expect(r.rt.counters.dropReasons.get('nat_ports_exhausted') ?? 0).toBeGreaterThan(0);
    expect(r.badRewrites).toBe(0);
  });
});
