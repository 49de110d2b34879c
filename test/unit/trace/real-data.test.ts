/** The reader against every real capture in the shared data (see ../shared/data/README.md). */
import * as fs from 'fs';
import * as path from 'path';
import { requireData } from '../../../trace/data';
import { loadTrace } from '../../../trace/load';
import { TraceReader } from '../../../trace/reader';

const ndpi = requireData('traces/ndpi/pcap');
const smallFlows = requireData('traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap');

(ndpi ? describe : describe.skip)('nDPI conformance corpus', () => {
  test('every file parses; odd timestamps are only warnings', () => {
    const files = fs.readdirSync(ndpi!).filter((f) => /\.(pcap|pcapng|cap)$/.test(f));
    expect(files.length).toBe(497);
    let records = 0;
    let ipv4 = 0;
    let withWarnings = 0;
    const formats = { pcap: 0, pcapng: 0 };
    const linkTypes = new Set<number>();
    for (const f of files) {
      const r = TraceReader.open(path.join(ndpi!, f));
      formats[r.format]++;
      for (let rec = r.next(); rec; rec = r.next()) {
        records++;
        linkTypes.add(rec.linkType);
        if (rec.l3Offset >= 0) {
          ipv4++;
          expect(rec.data[rec.l3Offset]! >> 4).toBe(4);
        }
      }
      if (r.warnings.any) withWarnings++;
      r.close();
    }
    // The README's count of the corpus; IPv4 share measured with this reader (the rest is IPv6, ARP, …).
    expect(records).toBe(69_773);
    expect(ipv4).toBe(67_403);
    expect(formats.pcapng).toBeGreaterThan(100);
    for (const lt of [0, 1, 9, 101, 104, 113, 228]) expect(linkTypes).toContain(lt);
    // 1kxun.pcap and others are spliced: their timestamps step back or jump years.
    expect(withWarnings).toBeGreaterThan(10);
  });

  test('1kxun.pcap spans years: counted as a jump', () => {
    const r = TraceReader.open(path.join(ndpi!, '1kxun.pcap'));
    while (r.next());
    r.close();
    expect(r.warnings.timeJumps).toBeGreaterThanOrEqual(1);
  });
});

(smallFlows ? describe : describe.skip)('smallFlows', () => {
  test('14,261 IPv4 packets over about 298 s, payloads stripped (wire length > captured)', () => {
    const t = loadTrace(smallFlows!);
    expect(t.count + t.skipped).toBe(14_261);
    expect(t.count).toBeGreaterThan(14_000);
    const span = t.timesNs[t.count - 1]! / 1e9;
    expect(span).toBeGreaterThan(297);
    expect(span).toBeLessThan(299);
    let stripped = 0;
    for (let i = 0; i < t.count; i++) if (t.wireLengths[i]! > t.lengths[i]!) stripped++;
    expect(stripped).toBeGreaterThan(1000);
  });
});
