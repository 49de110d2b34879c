/**
 * Fuzz: Packet.parse/reset, flowKeyOf, connectionHash and the setters over 120,000 seeded inputs
 * (truncations and bit flips of valid packets, random bytes with and without an IPv4 nibble).
 * Nothing may throw, every invariant of the view must hold, and setters must never write outside
 * the packet's window (guard bytes around it stay intact).
 */
import { buildIpv4 } from '../../helpers/packets';
import { seededRandom } from '../../helpers/seeded-random';
import { checkChecksums } from '../../../sdk/checksum';
import { connectionHash, flowKeyOf, newFlowKey } from '../../../sdk/flow-key';
import { Packet, PacketClass } from '../../../sdk/packet';

const SEEDS = [
  buildIpv4({ proto: 'tcp', sport: 1234, dport: 80, payload: 'GET / HTTP/1.1\r\n\r\n', tcpOptions: Buffer.from([2, 4, 5, 0xb4]) }),
  buildIpv4({ proto: 'udp', sport: 53, dport: 33000, payload: 'answer' }),
  buildIpv4({ proto: 'udp', sport: 1, dport: 2, udpChecksum: false, ipOptions: Buffer.from([1, 1, 1, 1, 1, 1, 1, 0]) }),
  buildIpv4({ proto: 1, payload: Buffer.from([8, 0, 0, 0, 1, 2, 3, 4]) }),
  buildIpv4({ proto: 'tcp', fragOffset: 100, payload: 'fragment body' }),
  buildIpv4({ proto: 'tcp', moreFragments: true, payload: 'first fragment' }),
];

const GUARD = 8;
const GUARD_BYTE = 0xa5;

describe('Packet fuzz', () => {
  test('120,000 seeded hostile buffers: no throw, invariants hold, writes stay in the window', () => {
    const next = seededRandom(0x5eed);
    const p = new Packet();
    const key = newFlowKey();
    const frame = Buffer.alloc(GUARD + 128 + GUARD);
    const problems: string[] = [];
    const classes = new Array<number>(6).fill(0);
    for (let n = 0; n < 120_000 && problems.length < 5; n++) {
      const kind = n % 4;
      let len: number;
      frame.fill(GUARD_BYTE);
      if (kind <= 1) {
        const seed = SEEDS[Math.floor(next() * SEEDS.length)]!;
        len = kind === 0 ? Math.floor(next() * (seed.length + 1)) : seed.length; // truncate, or flip bits
        seed.copy(frame, GUARD, 0, len);
        const flips = kind === 1 ? 1 + Math.floor(next() * 8) : Math.floor(next() * 2);
        for (let f = 0; f < flips && len > 0; f++) frame[GUARD + Math.floor(next() * len)]! ^= 1 << Math.floor(next() * 8);
      } else {
        len = Math.floor(next() * 100);
        for (let i = 0; i < len; i++) frame[GUARD + i] = Math.floor(next() * 256);
        if (kind === 3 && len > 0) frame[GUARD] = 0x40 | (frame[GUARD]! & 0x0f); // IPv4 nibble: go deeper
      }
      const region = Buffer.from(frame.subarray(GUARD, GUARD + len));
      try {
        p.reset(frame, GUARD, len);
        classes[p.cls]!++;
        const end = GUARD + len;
        if (p.cls < 0 || p.cls > PacketClass.BAD_HEADER) problems.push(`${n}: class ${p.cls}`);
        if (p.payloadOffset < GUARD || p.payloadOffset + p.payloadLength > end || p.payloadLength < 0) problems.push(`${n}: payload window`);
        if (p.payload().length !== p.payloadLength) problems.push(`${n}: payload() length`);
        if (!p.hasL4 && (p.srcPort | p.dstPort | p.tcpFlags) !== 0) problems.push(`${n}: ports without L4`);
        if (p.cls === PacketClass.OK && (!p.hasL4 || p.l4Offset + 8 > end)) problems.push(`${n}: OK without L4`);
        if (p.srcIp < 0 || p.dstIp < 0) problems.push(`${n}: signed address`);
        flowKeyOf(p, key);
        connectionHash(key);
        checkChecksums(p);
        p.setSrcIp(0xdeadbeef);
        p.setDstIp(1);
        p.setSrcPort(0xffff);
        p.setDstPort(7);
        p.setTos(0xff);
        p.setTtl(0);
        for (let i = 0; i < GUARD; i++) {
          if (frame[i] !== GUARD_BYTE || frame[end + i] !== GUARD_BYTE) {
            problems.push(`${n}: wrote outside the window (input ${region.toString('hex')})`);
            break;
          }
        }
      } catch (err) {
        problems.push(`${n}: threw ${String(err)} on ${region.toString('hex')}`);
      }
    }
    expect(problems).toEqual([]);
    // Every class is reached, so the fuzz explores each branch of the parser.
    for (const c of classes) expect(c).toBeGreaterThan(100);
  });
});
