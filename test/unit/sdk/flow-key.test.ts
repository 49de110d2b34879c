import fc from 'fast-check';
import { buildIpv4 } from '../../helpers/packets';
import { SnfError } from '../../../sdk/errors';
import { canonicalKey, connectionHash, flowHash, flowKeyOf, formatFlowKey, ipToString, parseIpv4, sameFlowKey, type FlowKey } from '../../../sdk/flow-key';
import { Packet } from '../../../sdk/packet';

const keyArb: fc.Arbitrary<FlowKey> = fc.record({
  proto: fc.constantFrom(1, 6, 17),
  srcIp: fc.integer({ min: 0, max: 0xffffffff }),
  srcPort: fc.integer({ min: 0, max: 0xffff }),
  dstIp: fc.integer({ min: 0, max: 0xffffffff }),
  dstPort: fc.integer({ min: 0, max: 0xffff }),
});
const reverse = (k: FlowKey): FlowKey => ({ proto: k.proto, srcIp: k.dstIp, srcPort: k.dstPort, dstIp: k.srcIp, dstPort: k.srcPort });

describe('flow-key', () => {
  test('flowKeyOf reads the 5-tuple; ports 0 for ICMP', () => {
    const k = flowKeyOf(Packet.parse(buildIpv4({ proto: 'tcp', src: '10.0.0.1', sport: 1234, dst: '10.0.0.2', dport: 80 })));
    expect(formatFlowKey(k)).toBe('tcp 10.0.0.1:1234 > 10.0.0.2:80');
    const i = flowKeyOf(Packet.parse(buildIpv4({ proto: 1, src: '1.1.1.1', dst: '2.2.2.2', payload: 'ping' })));
    expect(formatFlowKey(i)).toBe('icmp 1.1.1.1:0 > 2.2.2.2:0');
  });

  test('property: canonical key and connection hash are the same for both directions', () => {
    fc.assert(
      fc.property(keyArb, (k) => {
        expect(canonicalKey(k)).toEqual(canonicalKey(reverse(k)));
        expect(connectionHash(k)).toBe(connectionHash(reverse(k)));
        const c = canonicalKey(k);
        expect(c.srcIp < c.dstIp || (c.srcIp === c.dstIp && c.srcPort <= c.dstPort)).toBe(true);
        expect(sameFlowKey(c, k) || sameFlowKey(c, reverse(k))).toBe(true);
        expect(connectionHash(k)).toBe(flowHash(c));
        const h = flowHash(k);
        expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  test('canonicalKey may write into its input', () => {
    const k = { proto: 6, srcIp: 9, srcPort: 1, dstIp: 3, dstPort: 2 };
    expect(canonicalKey(k, k)).toEqual({ proto: 6, srcIp: 3, srcPort: 2, dstIp: 9, dstPort: 1 });
  });

  test('flowHash is direction-dependent and spreads sequential ports', () => {
    const k = { proto: 6, srcIp: 1, srcPort: 1000, dstIp: 2, dstPort: 80 };
    expect(flowHash(k)).not.toBe(flowHash(reverse(k)));
    const buckets = new Set<number>();
    for (let p = 0; p < 1024; p++) buckets.add(flowHash({ ...k, srcPort: p }) & 1023);
    expect(buckets.size).toBeGreaterThan(550); // ~ 1024 * (1 - 1/e) ≈ 647 for a uniform hash
  });

  test('parseIpv4 / ipToString round trip and strict rejection', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => expect(parseIpv4(ipToString(n))).toBe(n)));
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', ' 1.2.3.4', '1.2.3.-4', 'a.b.c.d']) {
      expect(() => parseIpv4(bad)).toThrow(SnfError);
    }
  });
});
