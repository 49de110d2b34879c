import { generateTraffic } from '../../../trace/generator';
import { checksumsValid } from '../../helpers/packets';

function packet(t: ReturnType<typeof generateTraffic>, i: number): Buffer {
  return t.bytes.subarray(t.offsets[i]!, t.offsets[i]! + t.lengths[i]!);
}

describe('generateTraffic', () => {
  const trace = generateTraffic({ seed: 7, flows: 40 });

  test('same seed, same bytes and times; another seed differs', () => {
    const again = generateTraffic({ seed: 7, flows: 40 });
    expect(again.count).toBe(trace.count);
    expect(again.bytes.equals(trace.bytes)).toBe(true);
    expect(Array.from(again.timesNs)).toEqual(Array.from(trace.timesNs));
    const other = generateTraffic({ seed: 8, flows: 40 });
    expect(other.bytes.equals(trace.bytes)).toBe(false);
  });

  test('times start at 0, never decrease, and are integer ns', () => {
    expect(trace.timesNs[0]).toBe(0);
    for (let i = 1; i < trace.count; i++) {
      expect(trace.timesNs[i]!).toBeGreaterThanOrEqual(trace.timesNs[i - 1]!);
      expect(Number.isInteger(trace.timesNs[i]!)).toBe(true);
    }
  });

  test('every packet has valid IPv4 and TCP/UDP checksums and consistent lengths', () => {
    for (let i = 0; i < trace.count; i++) {
      const p = packet(trace, i);
      expect(checksumsValid(p)).toEqual({ ip: true, l4: true });
      expect(p.readUInt16BE(2)).toBe(p.length);
      expect(trace.wireLengths[i]).toBe(p.length);
    }
  });

  test('TCP connections: a SYN per flow, FIN or RST endings, data both ways; UDP to port 53', () => {
    let syn = 0;
    let synAck = 0;
    let fin = 0;
    let rst = 0;
    let dns = 0;
    let unsolicitedOrAnswers = 0;
    let bigData = 0;
    for (let i = 0; i < trace.count; i++) {
      const p = packet(trace, i);
      const src = p.readUInt32BE(12) >>> 0;
      const dst = p.readUInt32BE(16) >>> 0;
      // inside 10.0.0.0/16 ↔ outside 198.51.100.0/24, one of each per packet
      const inside = (a: number) => a >>> 16 === 0x0a00;
      const outside = (a: number) => a >>> 8 === 0xc63364;
      expect((inside(src) && outside(dst)) || (outside(src) && inside(dst))).toBe(true);
      if (p[9] === 6) {
        const flags = p[33]!;
        if (flags === 0x02) syn++;
        if (flags === 0x12) synAck++;
        if (flags & 1) fin++;
        if (flags & 4) rst++;
        if (p.length === 1500) bigData++;
      } else {
        expect(p[9]).toBe(17);
        if (p.readUInt16BE(22) === 53) dns++;
        if (p.readUInt16BE(20) === 53) unsolicitedOrAnswers++;
      }
    }
    expect(syn).toBe(40);
    expect(synAck).toBe(40);
    expect(fin + rst).toBeGreaterThanOrEqual(40);
    expect(rst).toBeGreaterThan(0);
    expect(bigData).toBeGreaterThan(10);
    expect(dns).toBe(20);
    expect(unsolicitedOrAnswers).toBe(22);
  });

  test('payloads carry IDS-relevant strings', () => {
    const text = trace.bytes.toString('latin1');
    for (const s of ['GET /', 'User-Agent:', 'HTTP/1.1 200 OK']) expect(text).toContain(s);
    const big = generateTraffic({ seed: 3, flows: 200 }).bytes.toString('latin1');
    expect(big).toContain('/etc/passwd');
    expect(big).toContain('cmd.exe');
  });

  test('bursty: gaps of 0.1–20 ms between bursts exist alongside µs gaps', () => {
    let small = 0;
    let flowletGaps = 0;
    for (let i = 1; i < trace.count; i++) {
      const g = trace.timesNs[i]! - trace.timesNs[i - 1]!;
      if (g < 100_000) small++;
    }
    // Within one flow: consecutive packets of the same 5-tuple direction.
    const last = new Map<string, number>();
    for (let i = 0; i < trace.count; i++) {
      const p = packet(trace, i);
      const k = p.subarray(12, 24).toString('hex');
      const prev = last.get(k);
      if (prev !== undefined) {
        const g = trace.timesNs[i]! - prev;
        if (g >= 100_000 && g <= 20_000_000) flowletGaps++;
      }
      last.set(k, trace.timesNs[i]!);
    }
    expect(small).toBeGreaterThan(trace.count / 4);
    expect(flowletGaps).toBeGreaterThan(20);
  });
});
