import * as fs from 'fs';
import { LINKTYPE } from '../../../trace/link-types';
import { TraceReader } from '../../../trace/reader';
import { PcapWriter } from '../../../trace/writer';
import { tcp, udp } from '../../helpers/packets';
import { tmpFile } from './capture-bytes';

const packets = [tcp('10.0.0.1', 1000, '10.0.0.2', 80, 0x02), udp('10.0.0.3', 53, '10.0.0.4', 4000, 'x'.repeat(900))];

function readBack(path: string) {
  const r = TraceReader.open(path);
  const out: Array<{ tsSec: number; tsNsec: number; origLen: number; l3: string; linkType: number }> = [];
  for (let rec = r.next(); rec; rec = r.next()) {
    out.push({ tsSec: rec.tsSec, tsNsec: rec.tsNsec, origLen: rec.origLen, linkType: rec.linkType, l3: rec.data.subarray(rec.l3Offset).toString('hex') });
  }
  r.close();
  return out;
}

describe('PcapWriter round trip through TraceReader', () => {
  test.each([
    ['raw, ns', {}, 101, 123_456_789],
    ['raw, µs (ns truncated)', { nanosecond: false }, 101, 123_456_000],
    ['ethernet, ns', { linkType: LINKTYPE.ETHERNET }, 1, 123_456_789],
  ])('%s', (_name, options, linkType, expectNs) => {
    const path = tmpFile(Buffer.alloc(0), 'out.pcap');
    const w = PcapWriter.create(path, { ...options, bufferSize: 4096 }); // small buffer: forces flushes
    for (let i = 0; i < 50; i++) w.writeIpv4(packets[i % 2]!, 1_700_000_000 + i, 123_456_789, packets[i % 2]!.length + 10);
    w.close();
    expect(w.count).toBe(50);
    const back = readBack(path);
    expect(back).toHaveLength(50);
    const linkHeader = linkType === 1 ? 14 : 0;
    back.forEach((r, i) => {
      expect(r).toEqual({ tsSec: 1_700_000_000 + i, tsNsec: expectNs, linkType, origLen: packets[i % 2]!.length + 10 + linkHeader, l3: packets[i % 2]!.toString('hex') });
    });
  });

  test('a record larger than the buffer is written whole', () => {
    const path = tmpFile(Buffer.alloc(0), 'big.pcap');
    const big = udp('10.0.0.1', 1, '10.0.0.2', 2, Buffer.alloc(9000, 1));
    const w = PcapWriter.create(path, { bufferSize: 4096 });
    w.write(big, 1, 2);
    w.write(packets[0]!, 1, 3);
    w.close();
    expect(readBack(path).map((r) => r.l3.length / 2)).toEqual([big.length, packets[0]!.length]);
    expect(fs.statSync(path).size).toBe(24 + 16 * 2 + big.length + packets[0]!.length);
  });

  test('write after close is an error; close twice is harmless', () => {
    const w = PcapWriter.create(tmpFile(Buffer.alloc(0)));
    w.close();
    w.close();
    expect(() => w.write(packets[0]!, 0, 0)).toThrow(/write after close/);
  });
});
