import { loadTrace } from '../../../trace/load';
import { tcp, udp } from '../../helpers/packets';
import { classicPcap, frame, tmpFile } from './capture-bytes';

const a = tcp('10.0.0.1', 1000, '10.0.0.2', 80, 0x02);
const b = udp('10.0.0.3', 53, '10.0.0.4', 4000, 'payload');
const arp = Buffer.concat([Buffer.from('ffffffffffff020000000001', 'hex'), Buffer.from([0x08, 0x06]), Buffer.alloc(28)]);

function file() {
  return tmpFile(
    classicPcap({
      endian: 'le',
      nano: true,
      linkType: 1,
      frames: [
        { sec: 100, sub: 900_000_000, data: frame.ethernet(a) },
        { sec: 101, sub: 100_000_000, data: arp },
        // captured 30 of b's IPv4 bytes: wire length comes from the IP header
        { sec: 101, sub: 200_000_000, data: frame.ethernet(b).subarray(0, 14 + 30), origLen: 14 + b.length },
        { sec: 102, sub: 0, data: frame.ethernet(a, [0x8100]) },
      ],
    }),
  );
}

test('packs IPv4 packets back to back with lengths, wire lengths and relative times', () => {
  const t = loadTrace(file());
  expect(t.count).toBe(3);
  expect(t.skipped).toBe(1);
  expect(Array.from(t.lengths)).toEqual([a.length, 30, a.length]);
  expect(Array.from(t.wireLengths)).toEqual([a.length, b.length, a.length]);
  expect(Array.from(t.offsets)).toEqual([0, a.length, a.length + 30]);
  expect(Array.from(t.timesNs)).toEqual([0, 300_000_000, 1_100_000_000]);
  expect(t.bytes.length).toBe(2 * a.length + 30);
  expect(t.bytes.subarray(t.offsets[2]!, t.offsets[2]! + t.lengths[2]!)).toEqual(a);
  expect(t.bytes.subarray(t.offsets[1]!, t.offsets[1]! + 30)).toEqual(b.subarray(0, 30));
});

test('limit stops after that many IPv4 packets', () => {
  const t = loadTrace(file(), { limit: 2 });
  expect(t.count).toBe(2);
  expect(t.timesNs.length).toBe(2);
});

test('grows past its initial arrays', () => {
  const frames = Array.from({ length: 3000 }, (_, i) => ({ sec: i, sub: 0, data: i % 2 ? a : b }));
  const t = loadTrace(tmpFile(classicPcap({ endian: 'be', nano: false, linkType: 101, frames })));
  expect(t.count).toBe(3000);
  expect(t.timesNs[2999]).toBe(2999e9);
  expect(t.bytes.subarray(t.offsets[2999]!, t.offsets[2999]! + t.lengths[2999]!)).toEqual(a);
});
