import * as fs from 'fs';
import { SnfError } from '../../../sdk/errors';
import { TraceReader, recordTimeNs, type TraceRecord } from '../../../trace/reader';
import { tcp, udp } from '../../helpers/packets';
import { classicPcap, epb, frame, idb, opb, shb, spb, tmpFile, block, type Endian } from './capture-bytes';

interface Seen {
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
  linkType: number;
  l3Offset: number;
  interfaceId: number;
  data: string;
}

function readAll(path: string, chunkSize?: number): { recs: Seen[]; reader: TraceReader } {
  const reader = TraceReader.open(path, chunkSize ? { chunkSize } : {});
  const recs: Seen[] = [];
  try {
    for (let r = reader.next(); r; r = reader.next()) recs.push(snapshot(r));
  } finally {
    reader.close();
  }
  return { recs, reader };
}

function snapshot(r: TraceRecord): Seen {
  const { tsSec, tsNsec, capLen, origLen, linkType, l3Offset, interfaceId } = r;
  return { tsSec, tsNsec, capLen, origLen, linkType, l3Offset, interfaceId, data: r.data.toString('hex') };
}

const ip1 = tcp('10.0.0.1', 1234, '10.0.0.2', 80, 0x02);
const ip2 = udp('10.0.0.3', 53, '10.0.0.4', 5353, 'hello');

describe('classic pcap', () => {
  const cases: Array<[string, Endian, boolean]> = [
    ['µs little-endian', 'le', false],
    ['µs big-endian', 'be', false],
    ['ns little-endian', 'le', true],
    ['ns big-endian', 'be', true],
  ];
  test.each(cases)('%s: times, lengths, link type and IPv4 offset', (_name, endian, nano) => {
    const p = tmpFile(
      classicPcap({
        endian,
        nano,
        linkType: 1,
        frames: [
          { sec: 1_600_000_000, sub: nano ? 123_456_789 : 123_456, data: frame.ethernet(ip1) },
          { sec: 1_600_000_001, sub: 7, data: frame.ethernet(ip2).subarray(0, 30), origLen: 14 + ip2.length },
        ],
      }),
    );
    const { recs, reader } = readAll(p);
    expect(reader.format).toBe('pcap');
    expect(reader.linkTypes).toEqual([1]);
    expect(recs).toHaveLength(2);
    expect(recs[0]).toMatchObject({ tsSec: 1_600_000_000, tsNsec: nano ? 123_456_789 : 123_456_000, linkType: 1, l3Offset: 14 });
    expect(recs[0]!.data).toBe(frame.ethernet(ip1).toString('hex'));
    expect(recs[1]).toMatchObject({ tsSec: 1_600_000_001, tsNsec: nano ? 7 : 7000, capLen: 30, origLen: 14 + ip2.length, l3Offset: 14 });
    expect(reader.warnings.any).toBe(false);
  });

  test('a µs field of 1e6 or more carries into seconds and is counted', () => {
    const p = tmpFile(classicPcap({ endian: 'le', nano: false, linkType: 101, frames: [{ sec: 10, sub: 2_500_000, data: ip1 }] }));
    const { recs, reader } = readAll(p);
    expect(recs[0]).toMatchObject({ tsSec: 12, tsNsec: 500_000_000, l3Offset: 0 });
    expect(reader.warnings.subsecondOverflow).toBe(1);
  });

  test('records larger than the chunk buffer, and tiny chunks, read the same bytes', () => {
    const big = udp('10.0.0.1', 1, '10.0.0.2', 2, Buffer.alloc(5000, 0x61));
    const frames = [ip1, big, ip2, big, ip1].map((data, i) => ({ sec: 100 + i, sub: i, data }));
    const p = tmpFile(classicPcap({ endian: 'be', nano: true, linkType: 101, frames }));
    const whole = readAll(p, 1 << 20).recs;
    for (const chunk of [16, 17, 64, 1000, 4096]) expect(readAll(p, chunk).recs).toEqual(whole);
    expect(whole.map((r) => r.capLen)).toEqual(frames.map((f) => f.data.length));
  });
});

describe('odd timestamps are warnings, never errors', () => {
  test('backwards steps and jumps of more than a year are counted', () => {
    const year = 366 * 24 * 3600;
    const secs = [1000, 999, 1000, 1000 + year, 1000 + year + 1, 5];
    const p = tmpFile(classicPcap({ endian: 'le', nano: true, linkType: 101, frames: secs.map((sec) => ({ sec, sub: 0, data: ip1 })) }));
    const { recs, reader } = readAll(p);
    expect(recs.map((r) => r.tsSec)).toEqual(secs);
    expect(reader.warnings.timeBackwards).toBe(2);
    expect(reader.warnings.timeJumps).toBe(1);
    expect(reader.warnings.toStrings().join('\n')).toMatch(/earlier than the previous/);
  });
});

describe('damaged files', () => {
  test('unknown magic: SNF_ERR_PCAP_FORMAT naming the file and offset 0', () => {
    const p = tmpFile(Buffer.from('GIF89a not a capture at all'));
    expect(() => TraceReader.open(p)).toThrow(SnfError);
    try {
      TraceReader.open(p);
    } catch (e) {
      expect((e as SnfError).code).toBe('SNF_ERR_PCAP_FORMAT');
      expect((e as SnfError).message).toContain(p);
      expect((e as SnfError).message).toMatch(/byte offset 0/);
    }
  });

  test('empty file and a cut file header are format errors', () => {
    expect(() => TraceReader.open(tmpFile(Buffer.alloc(0)))).toThrow(/too short/);
    const header = classicPcap({ endian: 'le', nano: false, linkType: 1, frames: [] });
    expect(() => TraceReader.open(tmpFile(header.subarray(0, 10)))).toThrow(/24-byte pcap header/);
  });

  test('a missing file is a format error naming the path', () => {
    expect(() => TraceReader.open('/nonexistent/x.pcap')).toThrow(/\/nonexistent\/x\.pcap: cannot open/);
  });

  test('an absurd record length is an error at that record', () => {
    const good = classicPcap({ endian: 'le', nano: false, linkType: 101, frames: [{ sec: 1, sub: 0, data: ip1 }] });
    const bad = Buffer.alloc(16);
    bad.writeUInt32LE(0x7fffffff, 8);
    const r = TraceReader.open(tmpFile(Buffer.concat([good, bad])));
    expect(r.next()).not.toBeNull();
    expect(() => r.next()).toThrow(new RegExp(`byte offset ${good.length}`));
    r.close();
  });

  test.each([5, 16, 16 + 10])('a final record cut after %i bytes: earlier records read, warning with offset', (keep) => {
    const file = classicPcap({ endian: 'le', nano: false, linkType: 101, frames: [{ sec: 1, sub: 0, data: ip1 }, { sec: 2, sub: 0, data: ip2 }] });
    const cut = 24 + 16 + ip1.length + keep;
    const { recs, reader } = readAll(tmpFile(file.subarray(0, cut)));
    expect(recs).toHaveLength(1);
    expect(reader.warnings.truncatedAt).toBe(24 + 16 + ip1.length);
  });

  test('pcapng block length not a multiple of 4 is an error with the offset', () => {
    const e: Endian = 'le';
    const bad = Buffer.from(epb(e, 0, 0n, ip1));
    bad.writeUInt32LE(37, 4);
    const head = Buffer.concat([shb(e), idb(e, 101)]);
    const r = TraceReader.open(tmpFile(Buffer.concat([head, bad])));
    expect(() => r.next()).toThrow(new RegExp(`block length 37.*byte offset ${head.length}`));
    r.close();
  });

  test('pcapng bad byte-order magic is an error', () => {
    const b = Buffer.from(shb('le'));
    b.writeUInt32LE(0x12345678, 8);
    const r = TraceReader.open(tmpFile(b));
    expect(() => r.next()).toThrow(/byte-order magic/);
    r.close();
  });
});

describe('pcapng', () => {
  test.each<Endian>(['le', 'be'])('%s: EPB with default µs, ns and binary resolutions, tsoffset, OPB, SPB, unknown blocks', (e) => {
    const bytes = Buffer.concat([
      shb(e),
      idb(e, 101, { snaplen: 30 }), // 0: µs default
      idb(e, 1, { tsresol: 9 }), // 1: ns
      idb(e, 113, { tsresol: 0x80 | 20, tsoffset: 100n }), // 2: 2^-20 s, +100 s
      epb(e, 0, 1_600_000_000_123_456n, ip1),
      block(0x12345678, Buffer.from('unknown block body'), e),
      block(5, Buffer.alloc(16), e), // interface statistics: known, ignored
      epb(e, 1, 1_600_000_000_987_654_321n, frame.ethernet(ip2)),
      epb(e, 2, (5n << 20n) + (1n << 19n), frame.sll(ip2)), // 5.5 s
      opb(e, 1, 2_000_000_000_000_000_001n, frame.ethernet(ip1)),
      spb(e, ip2),
      epb(e, 7, 0n, ip1), // undeclared interface: skipped
    ]);
    const { recs, reader } = readAll(tmpFile(bytes));
    expect(reader.format).toBe('pcapng');
    expect(reader.linkTypes.sort()).toEqual([1, 101, 113]);
    expect(recs.map((r) => [r.interfaceId, r.tsSec, r.tsNsec, r.linkType, r.l3Offset])).toEqual([
      [0, 1_600_000_000, 123_456_000, 101, 0],
      [1, 1_600_000_000, 987_654_321, 1, 14],
      [2, 105, 500_000_000, 113, 16],
      [1, 2_000_000_000, 1, 1, 14],
      [0, 2_000_000_000, 1, 101, 0], // SPB: no timestamp of its own
    ]);
    // SPB captured length is cut to interface 0's snaplen, original length kept.
    expect(recs[4]).toMatchObject({ capLen: 30, origLen: ip2.length });
    expect(reader.warnings.skippedBlocks).toBe(2);
  });

  test('sections with different byte orders, each with its own interfaces', () => {
    const bytes = Buffer.concat([
      shb('le'),
      idb('le', 101, { tsresol: 9 }),
      epb('le', 0, 1_000_000_001n, ip1),
      shb('be'),
      idb('be', 1),
      epb('be', 0, 2_000_002n, frame.ethernet(ip2, [0x8100])),
    ]);
    const { recs } = readAll(tmpFile(bytes));
    expect(recs.map((r) => [r.tsSec, r.tsNsec, r.linkType, r.l3Offset])).toEqual([
      [1, 1, 101, 0],
      [2, 2000, 1, 18],
    ]);
  });

  test('blocks read the same with tiny chunks', () => {
    const e: Endian = 'be';
    const big = udp('10.0.0.1', 1, '10.0.0.2', 2, Buffer.alloc(3000, 0x62));
    const bytes = Buffer.concat([shb(e), idb(e, 101), epb(e, 0, 1n, big), epb(e, 0, 2n, ip1), spb(e, big)]);
    const p = tmpFile(bytes);
    const whole = readAll(p).recs;
    for (const chunk of [12, 13, 100, 2048]) expect(readAll(p, chunk).recs).toEqual(whole);
    expect(whole).toHaveLength(3);
  });
});

describe('recordTimeNs', () => {
  test('exact integer nanoseconds beyond 2^53', () => {
    expect(recordTimeNs({ tsSec: 1_700_000_000, tsNsec: 999_999_999 })).toBe(1_700_000_000_999_999_999n);
  });
});

test('temp files are real files (sanity of the fixture helper)', () => {
  const p = tmpFile(Buffer.from([1, 2, 3]));
  expect(fs.readFileSync(p)).toEqual(Buffer.from([1, 2, 3]));
});
