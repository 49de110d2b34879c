/** The NAT equivalence checker (test/helpers/nat-equivalence.ts) accepts renaming and nothing else. */
import { nat } from '../../../../functions/nat';
import { parseIpv4 } from '../../../../sdk/flow-key';
import { Packet } from '../../../../sdk/packet';
import { generateTraffic } from '../../../../trace/generator';
import { checkNatEquivalence, type NatOutput } from '../../../helpers/nat-equivalence';
import { runOnUnits, runReference } from './unit-sim';

const PUBLIC = parseIpv4('203.0.113.1');
const trace = generateTraffic({ seed: 21, flows: 30, durationMs: 3000 });
const ref = runReference(nat, { publicIp: '203.0.113.1' }, trace);

/** A deep copy of the live outputs to corrupt. */
function liveCopy(): Map<string, NatOutput[]> {
  const live = runOnUnits(nat, { publicIp: '203.0.113.1' }, trace, { units: 3, moveProbability: 0.3, seed: 1 });
  return new Map([...live.outputs].map(([k, v]) => [k, v.map((o) => ({ index: o.index, bytes: o.bytes && Buffer.from(o.bytes) }))]));
}

/** The flows whose outbound packets were translated, and the first translated packet of each. */
function translated(m: Map<string, NatOutput[]>): Array<{ flow: string; at: number; p: Packet }> {
  const out: Array<{ flow: string; at: number; p: Packet }> = [];
  for (const [flow, list] of m) {
    const at = list.findIndex((o) => o.bytes !== null && Packet.parse(o.bytes).srcIp === PUBLIC && Packet.parse(o.bytes).payloadLength > 0);
    if (at >= 0) out.push({ flow, at, p: Packet.parse(list[at]!.bytes!) });
  }
  return out;
}

const check = (live: Map<string, NatOutput[]>) => checkNatEquivalence(ref.outputs, live, { publicIp: PUBLIC, maxProblems: 1000 });

it('accepts live output that differs only by public ports, and the reference itself', () => {
  const live = liveCopy();
  const r = check(live);
  expect(r.problems).toEqual([]);
  expect(r.translated).toBeGreaterThan(100);
  // The live ports really differ from the reference's (3 slices), so renaming was exercised.
  const a = translated(live)[0]!;
  const b = Packet.parse(ref.outputs.get(a.flow)![a.at]!.bytes!);
  expect(a.p.srcPort).not.toBe(b.srcPort);
  expect(check(ref.outputs).ok).toBe(true);
});

it('fails on a payload byte changed (checksum fixed up, so only the bytes differ)', () => {
  const live = liveCopy();
  const { p } = translated(live)[0]!;
  const at = p.payloadOffset;
  p.buf[at] = p.buf[at]! ^ 0xff;
  const r = check(live);
  expect(r.problems.some((s) => /bytes differ beyond the public port/.test(s))).toBe(true);
});

it('fails when the live port was written without fixing the checksum', () => {
  const live = liveCopy();
  const { p } = translated(live)[0]!;
  p.buf.writeUInt16BE(p.srcPort ^ 1, p.l4Offset); // raw write: checksum now stale
  expect(check(live).problems.some((s) => /checksums do not verify/.test(s))).toBe(true);
});

it('fails when a connection changes its live port mid-way (not a consistent renaming)', () => {
  const live = liveCopy();
  const [flow, list] = [...live].find(([, l]) => l.filter((o) => o.bytes && Packet.parse(o.bytes).srcIp === PUBLIC).length >= 2)!;
  const outs = list.filter((o) => o.bytes && Packet.parse(o.bytes).srcIp === PUBLIC);
  const p = Packet.parse(outs[outs.length - 1]!.bytes!);
  p.setSrcPort(p.srcPort === 65000 ? 65001 : 65000);
  const r = check(live);
  expect(r.problems.some((s) => s.startsWith(`flow ${flow}`) && /breaks the renaming/.test(s))).toBe(true);
});

it('fails when two connections hold one live port at the same time', () => {
  const live = liveCopy();
  // Two flows whose translated packets overlap in time.
  const span = (l: NatOutput[]) => {
    const ix = l.filter((o) => o.bytes && Packet.parse(o.bytes).srcIp === PUBLIC).map((o) => o.index);
    return ix.length ? [ix[0]!, ix[ix.length - 1]!] : null;
  };
  const flows = [...live].map(([f, l]) => ({ f, l, s: span(l) })).filter((x) => x.s !== null);
  const overlap = (x: (typeof flows)[0], y: (typeof flows)[0]) => x !== y && x.s![0] <= y.s![1] && y.s![0] <= x.s![1];
  const a = flows.find((x) => flows.some((y) => overlap(x, y)))!;
  const b = flows.find((y) => overlap(a, y))!;
  const port = Packet.parse(a.l.find((o) => o.bytes && Packet.parse(o.bytes).srcIp === PUBLIC)!.bytes!).srcPort;
  // Give every translated packet of b the port of a (checksums kept valid).
  for (const o of b.l) {
    if (o.bytes === null) continue;
    const p = Packet.parse(o.bytes);
    if (p.srcIp === PUBLIC) p.setSrcPort(port);
  }
  const r = check(live);
  expect(r.problems.some((s) => new RegExp(`public port ${port}: flows .* hold it at once`).test(s))).toBe(true);
});

it('fails on a verdict difference and on a missing packet', () => {
  const live = liveCopy();
  const [flow, list] = [...live].find(([, l]) => l.some((o) => o.bytes !== null))!;
  const i = list.findIndex((o) => o.bytes !== null);
  list[i] = { index: list[i]!.index, bytes: null };
  expect(check(live).problems.some((s) => s.startsWith(`flow ${flow}`) && /reference forwarded, live dropped/.test(s))).toBe(true);
  const live2 = liveCopy();
  live2.get(flow)!.pop();
  expect(check(live2).problems.some((s) => s.startsWith(`flow ${flow}:`) && /reference outputs/.test(s))).toBe(true);
});
