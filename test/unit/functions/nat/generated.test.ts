/**
 * NAT over generated traffic with full payloads: every rewritten packet's IPv4 and TCP/UDP
 * checksums verify when recomputed from scratch (sdk verifyChecksums and the independent test
 * helper), which the payload-stripped real capture cannot offer.
 */
import { nat } from '../../../../functions/nat';
import { verifyChecksums } from '../../../../sdk/checksum';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { generateTraffic } from '../../../../trace/generator';
import { checksumsValid } from '../../../helpers/packets';

it('every packet the NAT rewrites in a generated trace verifies from scratch', () => {
  const trace = generateTraffic({ seed: 11, flows: 120, durationMs: 5000 });
  const rt = new LocalRuntime(nat, { publicIp: '203.0.113.1' });
  const p = new Packet();
  let rewritten = 0;
  let withPayload = 0;
  for (let i = 0; i < trace.count; i++) {
    const off = trace.offsets[i]!;
    const len = trace.lengths[i]!;
    const before = Buffer.from(trace.bytes.subarray(off, off + len));
    p.reset(trace.bytes, off, len);
    rt.process(p, trace.timesNs[i]!);
    const after = trace.bytes.subarray(off, off + len);
    if (after.equals(before)) continue;
    rewritten++;
    if (p.payloadLength > 0) withPayload++;
    expect(p.payloadTruncated).toBe(false);
    expect(verifyChecksums(p)).toBe(true);
    expect(checksumsValid(Buffer.from(after))).toEqual({ ip: true, l4: true });
  }
  expect(rewritten).toBeGreaterThan(500);
  expect(withPayload).toBeGreaterThan(100);
  expect(rt.counters.handlerErrors).toBe(0);
});
