/** Our PcapWriter's files must be readable by a real tool: Debian's tcpdump counts and prints them. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateTraffic } from '../../../trace/generator';
import { LINKTYPE } from '../../../trace/link-types';
import { TraceReader } from '../../../trace/reader';
import { PcapWriter } from '../../../trace/writer';

const TCPDUMP = '/usr/bin/tcpdump';

function tcpdump(args: string[]): string {
  if (!fs.existsSync(TCPDUMP)) {
    throw new Error(`${TCPDUMP} is missing: install it with \`apt-get install tcpdump\` (scripts/services.sh does)`);
  }
  return execFileSync(TCPDUMP, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

describe.each([
  ['raw IPv4, ns', { linkType: LINKTYPE.RAW, nanosecond: true }],
  ['raw IPv4, µs', { linkType: LINKTYPE.RAW, nanosecond: false }],
  ['Ethernet, ns', { linkType: LINKTYPE.ETHERNET, nanosecond: true }],
])('PcapWriter %s read back by tcpdump -r and by TraceReader', (_name, options) => {
  const trace = generateTraffic({ seed: 11, flows: 20 });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'snf-tcpdump-')), 'out.pcap');
  const w = PcapWriter.create(file, options);
  for (let i = 0; i < trace.count; i++) {
    const ns = 1_700_000_000e9 + trace.timesNs[i]!;
    const sec = Math.floor(ns / 1e9);
    w.writeIpv4(trace.bytes.subarray(trace.offsets[i]!, trace.offsets[i]! + trace.lengths[i]!), sec, ns - sec * 1e9);
  }
  w.close();

  test('same packet count, same addresses, no complaints', () => {
    // -q: one line per packet; -nn: no name lookups; -tt: epoch times.
    const lines = tcpdump(['-r', file, '-nn', '-q', '-tt']).trim().split('\n');
    expect(lines).toHaveLength(trace.count);
    expect(lines[0]).toMatch(/^1700000000\.\d+ IP 10\.0\.\d+\.\d+\.\d+ > 198\.51\.100\.\d+\.\d+: tcp 0$/);
    expect(lines.filter((l) => / UDP, length /.test(l)).length).toBeGreaterThan(0);
  });

  test('tcpdump -v verifies our checksums as correct', () => {
    const out = tcpdump(['-r', file, '-nn', '-v', '-c', '200']);
    expect(out).not.toMatch(/incorrect/);
    expect(out).toMatch(/cksum 0x[0-9a-f]+ \(correct\)/);
  });

  test('TraceReader reads what tcpdump read', () => {
    const r = TraceReader.open(file);
    let n = 0;
    for (let rec = r.next(); rec; rec = r.next()) if (rec.l3Offset >= 0) n++;
    r.close();
    expect(n).toBe(trace.count);
  });
});
