import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildComposite } from '../../../trace/composite';
import { generateTraffic } from '../../../trace/generator';
import { TraceReader } from '../../../trace/reader';
import { remapIpv4To16 } from '../../../trace/remap';
import { PcapWriter } from '../../../trace/writer';
import { checksumsValid, tcp, udp, buildIpv4 } from '../../helpers/packets';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-composite-'));

/** Three generated inputs written as pcaps (Ethernet for one, to exercise link-layer stripping). */
const inputs = [1, 2, 3].map((seed) => {
  const t = generateTraffic({ seed, flows: 15 });
  const p = path.join(dir, `in${seed}.pcap`);
  const w = PcapWriter.create(p, { linkType: seed === 2 ? 1 : 101 });
  for (let i = 0; i < t.count; i++) {
    const ns = 1_600_000_000e9 + seed * 1e12 + t.timesNs[i]!; // each input on its own clock
    const sec = Math.floor(ns / 1e9);
    w.writeIpv4(t.bytes.subarray(t.offsets[i]!, t.offsets[i]! + t.lengths[i]!), sec, ns - sec * 1e9);
  }
  w.close();
  return { path: p, count: t.count, span: t.timesNs[t.count - 1]! };
});
const total = inputs.reduce((n, i) => n + i.count, 0);

function readAll(p: string) {
  const r = TraceReader.open(p);
  const out: Array<{ t: bigint; data: Buffer }> = [];
  for (let rec = r.next(); rec; rec = r.next()) out.push({ t: BigInt(rec.tsSec) * 1_000_000_000n + BigInt(rec.tsNsec), data: Buffer.from(rec.data) });
  r.close();
  return out;
}

describe('buildComposite', () => {
  const out1 = path.join(dir, 'a.pcap');
  const s1 = buildComposite({ inputs: inputs.map((i) => i.path), out: out1, seed: 5, windowMs: 50 });
  const recs = readAll(out1);

  test('all packets, merged in non-decreasing time order', () => {
    expect(s1.packets).toBe(total);
    expect(recs).toHaveLength(total);
    for (let i = 1; i < recs.length; i++) expect(recs[i]!.t >= recs[i - 1]!.t).toBe(true);
    expect(s1.inputs.map((i) => i.packets)).toEqual(inputs.map((i) => i.count));
  });

  test('same seed → identical bytes; another seed → other offsets', () => {
    const out2 = path.join(dir, 'b.pcap');
    buildComposite({ inputs: inputs.map((i) => i.path), out: out2, seed: 5, windowMs: 50 });
    expect(fs.readFileSync(out2).equals(fs.readFileSync(out1))).toBe(true);
    const out3 = path.join(dir, 'c.pcap');
    const s3 = buildComposite({ inputs: inputs.map((i) => i.path), out: out3, seed: 6, windowMs: 50 });
    expect(s3.inputs.map((i) => i.offsetNs)).not.toEqual(s1.inputs.map((i) => i.offsetNs));
    for (const i of s1.inputs) expect(i.offsetNs).toBeLessThan(50e6);
  });

  test('each input lives in its own /16 with host bits kept, checksums valid', () => {
    const seen = new Set<number>();
    for (const r of recs) {
      expect(checksumsValid(r.data)).toEqual({ ip: true, l4: true });
      const src = r.data.readUInt32BE(12) >>> 0;
      const dst = r.data.readUInt32BE(16) >>> 0;
      expect(src >>> 16).toBe(dst >>> 16);
      seen.add(src >>> 16);
    }
    expect([...seen].sort()).toEqual([0x0a00, 0x0a01, 0x0a02]);
    expect(s1.inputs.map((i) => i.prefix)).toEqual(['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16']);
  });

  test('the sidecar JSON records the parameters', () => {
    const side = JSON.parse(fs.readFileSync(`${out1}.json`, 'utf8'));
    expect(side).toMatchObject({ seed: 5, windowMs: 50, compress: 1, packets: total, flows: s1.flows });
    expect(side.inputs).toHaveLength(3);
  });

  test('compression divides the span', () => {
    const s4 = buildComposite({ inputs: inputs.map((i) => i.path), out: path.join(dir, 'd.pcap'), seed: 5, windowMs: 50, compress: 4 });
    expect(s4.spanNs).toBeGreaterThan(s1.spanNs / 4 - 2);
    expect(s4.spanNs).toBeLessThan(s1.spanNs / 4 + 2);
  });

  test('gaps longer than maxGapMs and steps backwards are clamped and counted', () => {
    const p = path.join(dir, 'spliced.pcap');
    const w = PcapWriter.create(p);
    const pk = udp('192.168.1.1', 1, '192.168.1.2', 2, 'x');
    w.write(pk, 1000, 0);
    w.write(pk, 1000 + 86400 * 400, 0); // a jump of 400 days
    w.write(pk, 999, 0); // backwards
    w.close();
    const s = buildComposite({ inputs: [p], out: path.join(dir, 'e.pcap'), seed: 1, windowMs: 0, maxGapMs: 10 });
    expect(s.spanNs).toBe(10e6);
    expect(s.inputs[0]).toMatchObject({ clampedGaps: 1, clampedBackwards: 1 });
  });

  test('directories expand to their captures; a missing input is a usage error', () => {
    const s = buildComposite({ inputs: [dir], out: path.join(os.tmpdir(), `snf-f-${process.pid}.pcap`), windowMs: 0 });
    expect(s.inputs.length).toBeGreaterThanOrEqual(3);
    expect(() => buildComposite({ inputs: [path.join(dir, 'nope.pcap')], out: path.join(dir, 'g.pcap') })).toThrow(/does not exist/);
  });
});

describe('remapIpv4To16 keeps checksums valid', () => {
  const table: Array<[string, Buffer]> = [
    ['tcp', tcp('192.168.7.9', 1234, '8.8.4.4', 443, 0x18, 'hello world')],
    ['udp', udp('172.16.200.3', 53, '10.99.1.2', 4000, 'abc')],
    ['udp without checksum', buildIpv4({ proto: 'udp', src: '1.2.3.4', dst: '5.6.7.8', udpChecksum: false, payload: 'zz' })],
    ['icmp', buildIpv4({ proto: 1, src: '1.2.3.4', dst: '5.6.7.8', payload: Buffer.from('0800f7ff00000000', 'hex') })],
    ['non-first fragment', buildIpv4({ proto: 'tcp', src: '1.2.3.4', dst: '5.6.7.8', fragOffset: 100, payload: 'frag' })],
    ['ip options', buildIpv4({ proto: 'tcp', src: '9.9.9.9', dst: '7.7.7.7', ipOptions: Buffer.from([1, 1, 1, 0]), payload: 'opt' })],
  ];
  test.each(table)('%s', (_n, pkt) => {
    for (const prefix of [0x0a00, 0x0a05, 0x0bff, 0xffff]) {
      const b = Buffer.from(pkt);
      expect(remapIpv4To16(b, 0, b.length, prefix)).toBe(true);
      expect(b.readUInt16BE(12)).toBe(prefix);
      expect(b.readUInt16BE(14)).toBe(pkt.readUInt16BE(14));
      expect(b.readUInt16BE(18)).toBe(pkt.readUInt16BE(18));
      expect(checksumsValid(b)).toEqual({ ip: true, l4: true });
    }
  });

  test('a UDP checksum of 0 stays 0; a cut header is left alone', () => {
    const b = buildIpv4({ proto: 'udp', udpChecksum: false });
    remapIpv4To16(b, 0, b.length, 0x0a01);
    expect(b.readUInt16BE(26)).toBe(0);
    const short = Buffer.from(tcp('1.1.1.1', 1, '2.2.2.2', 2)).subarray(0, 12);
    expect(remapIpv4To16(short, 0, short.length, 0x0a01)).toBe(false);
  });
});
