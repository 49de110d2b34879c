/**
 * NAT output equivalence for the SNF correctness tests: live units allocate public ports from
 * their own slices, so their output differs from the single-instance reference exactly by which
 * public port each connection got. `checkNatEquivalence` accepts that difference and nothing else:
 *
 * 1. per flow, the same packets (trace indices) in the same order, dropped exactly where the
 *    reference dropped;
 * 2. every forwarded live packet equals its reference packet byte for byte once the public port
 *    (source port when the source is publicIp, destination port when the destination is) is set
 *    back to the reference's through Packet.setSrcPort/setDstPort (incremental checksum update) —
 *    so the live checksums must be consistent with the live port;
 * 3. the live IP checksum verifies and the L4 checksum is not 'invalid' (captures cut by snaplen
 *    are 'unverifiable': (2) covers them);
 * 4. a consistent renaming per flow: one live port ↔ one reference port, both ways;
 * 5. no two flows hold the same live public port at the same time: per flow and port, the span
 *    [first, last] trace index of the live packets carrying it; spans of different flows on one
 *    port must not overlap (ports are shared between TCP and UDP, as the NAT's pool is).
 */
import { checkChecksums } from '../../sdk/checksum';
import { Packet } from '../../sdk/packet';

export interface NatOutput {
  /** Trace index of the input packet (orders time across flows). */
  index: number;
  /** Output bytes (L3, IPv4), or null when the packet was dropped. */
  bytes: Buffer | null;
}

export interface NatEquivalenceReport {
  ok: boolean;
  /** Human-readable differences (at most `maxProblems`). */
  problems: string[];
  /** Forwarded packets that carried the public address (and so were renamed). */
  translated: number;
  /** Distinct (flow, reference port) pairs seen. */
  mappings: number;
}

export interface NatEquivalenceOptions {
  /** The NAT's public address (uint32). */
  publicIp: number;
  maxProblems?: number;
}

interface Span {
  flow: string;
  first: number;
  last: number;
}

/** Which port field is the public one: 1 source, 2 destination, 0 none. */
function publicSide(p: Packet, publicIp: number): 0 | 1 | 2 {
  if (!p.hasL4) return 0;
  if (p.srcIp === publicIp) return 1;
  if (p.dstIp === publicIp) return 2;
  return 0;
}

export function checkNatEquivalence<K>(
  reference: ReadonlyMap<K, readonly NatOutput[]>,
  live: ReadonlyMap<K, readonly NatOutput[]>,
  options: NatEquivalenceOptions,
): NatEquivalenceReport {
  const max = options.maxProblems ?? 20;
  const publicIp = options.publicIp >>> 0;
  const problems: string[] = [];
  const problem = (s: string): void => {
    if (problems.length < max) problems.push(s);
  };
  let translated = 0;
  let mappings = 0;
  const spans = new Map<number, Span[]>();
  const ref = new Packet();
  const got = new Packet();

  for (const k of new Set([...reference.keys(), ...live.keys()])) {
    const flow = String(k);
    const want = reference.get(k) ?? [];
    const have = live.get(k) ?? [];
    if (want.length !== have.length) problem(`flow ${flow}: ${want.length} reference outputs, ${have.length} live`);
    const refToLive = new Map<number, number>();
    const liveToRef = new Map<number, number>();
    const flowSpans = new Map<number, Span>();
    const n = Math.min(want.length, have.length);
    for (let i = 0; i < n; i++) {
      const w = want[i]!;
      const h = have[i]!;
      const at = `flow ${flow} #${i} (packet ${w.index})`;
      if (w.index !== h.index) {
        problem(`${at}: live has packet ${h.index} here`);
        break;
      }
      if (w.bytes === null || h.bytes === null) {
        if (w.bytes !== h.bytes) problem(`${at}: ${w.bytes === null ? 'reference dropped, live forwarded' : 'reference forwarded, live dropped'}`);
        continue;
      }
      ref.reset(w.bytes, 0, w.bytes.length);
      got.reset(h.bytes, 0, h.bytes.length);
      const side = publicSide(ref, publicIp);
      if (side !== publicSide(got, publicIp)) {
        problem(`${at}: the public address is on different sides`);
        continue;
      }
      const cs = checkChecksums(got);
      if (!cs.ip || cs.l4 === 'invalid') problem(`${at}: live checksums do not verify (ip ${cs.ip}, l4 ${cs.l4})`);
      if (side === 0) {
        if (!w.bytes.equals(h.bytes)) problem(`${at}: bytes differ (no public port involved)`);
        continue;
      }
      translated++;
      const refPort = side === 1 ? ref.srcPort : ref.dstPort;
      const livePort = side === 1 ? got.srcPort : got.dstPort;
      const mapped = refToLive.get(refPort);
      const back = liveToRef.get(livePort);
      if (mapped === undefined && back === undefined) {
        refToLive.set(refPort, livePort);
        liveToRef.set(livePort, refPort);
        mappings++;
      } else if (mapped !== livePort || back !== refPort) {
        problem(`${at}: reference port ${refPort} ↔ live port ${livePort} breaks the renaming (${refPort} ↔ ${mapped ?? '-'}, ${back ?? '-'} ↔ ${livePort})`);
      }
      const renamed = Buffer.from(h.bytes);
      const r = Packet.parse(renamed);
      if (side === 1) r.setSrcPort(refPort);
      else r.setDstPort(refPort);
      if (!renamed.equals(w.bytes)) problem(`${at}: bytes differ beyond the public port`);
      const sp = flowSpans.get(livePort);
      if (sp === undefined) flowSpans.set(livePort, { flow, first: h.index, last: h.index });
      else sp.last = Math.max(sp.last, h.index);
    }
    for (const [port, sp] of flowSpans) {
      let list = spans.get(port);
      if (list === undefined) spans.set(port, (list = []));
      list.push(sp);
    }
  }

  for (const [port, list] of spans) {
    list.sort((a, b) => a.first - b.first);
    let open = list[0]!;
    for (let i = 1; i < list.length; i++) {
      const s = list[i]!;
      if (s.first <= open.last) problem(`public port ${port}: flows ${open.flow} (packets ${open.first}..${open.last}) and ${s.flow} (${s.first}..${s.last}) hold it at once`);
      if (s.last > open.last) open = s;
    }
  }
  return { ok: problems.length === 0, problems, translated, mappings };
}
