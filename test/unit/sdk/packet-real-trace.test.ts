/**
 * Packet and the checksum updates against real captures (../shared/data, see its README):
 * smallFlows (payloads stripped: most packets are capture-truncated) and the nDPI corpus (real
 * payloads, fuzzed and odd packets included).
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkChecksums, verifyRewriteChecksums } from '../../../sdk/checksum';
import { Packet, PacketClass } from '../../../sdk/packet';
import { requireData } from '../../../trace/data';
import { loadTrace, type LoadedTrace } from '../../../trace/load';

const smallFlows = requireData('traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap');
const ndpi = requireData('traces/ndpi/pcap');

/** Rewrite every rewritable packet (on a copy) and check the checksums honestly. Returns failures. */
function rewriteAll(t: LoadedTrace): { rewritten: number; failures: number; skippedInvalid: number } {
  let rewritten = 0;
  let failures = 0;
  let skippedInvalid = 0;
  const p = new Packet();
  for (let i = 0; i < t.count; i++) {
    const bytes = t.bytes.subarray(t.offsets[i], t.offsets[i]! + t.lengths[i]!);
    p.reset(bytes);
    if (p.cls > PacketClass.FRAGMENT) continue;
    const r = checkChecksums(p);
    // A checksum that was already wrong in the capture (offload, fuzzed files) cannot stay right.
    if (!r.ip || r.l4 === 'invalid') {
      skippedInvalid++;
      continue;
    }
    const before = Packet.parse(Buffer.from(bytes));
    const after = Packet.parse(Buffer.from(bytes));
    after.setSrcIp((0xc6336400 + (i & 0xff)) >>> 0);
    after.setDstIp(0x0a000001);
    after.setSrcPort(40000 + (i & 0x3ff));
    after.setDstPort(8080);
    after.setTos(i & 0xfc);
    after.setTtl(63);
    rewritten++;
    if (!verifyRewriteChecksums(before, after)) failures++;
  }
  return { rewritten, failures, skippedInvalid };
}

(smallFlows ? describe : describe.skip)('smallFlows (payloads stripped)', () => {
  const t = smallFlows ? loadTrace(smallFlows) : null;

  test('every IPv4 packet classifies OK or OTHER_PROTOCOL; stripped payloads are flagged', () => {
    const p = new Packet();
    const classes = new Array<number>(6).fill(0);
    let truncated = 0;
    let invalid = 0;
    for (let i = 0; i < t!.count; i++) {
      p.reset(t!.bytes, t!.offsets[i], t!.lengths[i]);
      classes[p.cls]!++;
      if (p.payloadTruncated) {
        truncated++;
        if (p.totalLength !== t!.wireLengths[i]) invalid++;
      }
      const r = checkChecksums(p);
      if (!r.ip || r.l4 === 'invalid') invalid++;
    }
    // Measured with this parser; tcpdump agrees (no IP fragments, 34 ICMP packets).
    expect(t!.count).toBe(14_243);
    expect(classes).toEqual([14_209, 34, 0, 0, 0, 0]);
    expect(truncated).toBe(8_069);
    expect(invalid).toBe(0);
  });

  test('rewrites of every packet keep checksums valid (residual check where the payload was cut)', () => {
    expect(rewriteAll(t!)).toEqual({ rewritten: 14_243, failures: 0, skippedInvalid: 0 });
  });
});

(ndpi ? describe : describe.skip)('nDPI corpus (real payloads, fuzzed files)', () => {
  test('parse never throws; every rewrite of a packet with valid checksums stays valid', () => {
    const files = fs.readdirSync(ndpi!).filter((f) => /\.(pcap|pcapng|cap)$/.test(f));
    let rewritten = 0;
    let failures = 0;
    for (const f of files) {
      const r = rewriteAll(loadTrace(path.join(ndpi!, f)));
      rewritten += r.rewritten;
      failures += r.failures;
    }
    expect(failures).toBe(0);
    expect(rewritten).toBeGreaterThan(50_000);
  });
});
