/**
 * The handler's test: run it in SNF's reference runtime (LocalRuntime, one process) on packets
 * built here, and check verdicts, drop reasons and per-connection state.
 */
import { LocalRuntime, Packet, Verdict } from 'snf/sdk';
import nf from './handler';

/** A minimal IPv4/UDP packet (checksums are not checked by the runtime's parser). */
function udp(src: number, sport: number, dst: number, dport: number): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x45; // IPv4, 20-byte header
  b.writeUInt16BE(28, 2); // total length
  b[8] = 64; // TTL
  b[9] = 17; // UDP
  b.writeUInt32BE(src, 12);
  b.writeUInt32BE(dst, 16);
  b.writeUInt16BE(sport, 20);
  b.writeUInt16BE(dport, 22);
  b.writeUInt16BE(8, 24); // UDP length
  return b;
}

const A = 0x0a000001; // 10.0.0.1
const B = 0x08080808; // 8.8.8.8

test('forwards the first maxPackets packets of a connection, then drops them as over_limit', () => {
  const rt = new LocalRuntime(nf, { maxPackets: 3 });
  const p = new Packet();
  const verdicts: number[] = [];
  for (let i = 0; i < 5; i++) {
    // Both directions of one connection share its state.
    const bytes = i % 2 === 0 ? udp(A, 5000, B, 53) : udp(B, 53, A, 5000);
    verdicts.push(rt.process(p.reset(bytes, 0, bytes.length), i * 1000));
  }
  expect(verdicts).toEqual([Verdict.FORWARD, Verdict.FORWARD, Verdict.FORWARD, Verdict.DROP, Verdict.DROP]);
  expect(rt.dropReasons().get('over_limit')).toBe(2);
  expect(rt.state.size).toBe(1);
});

test('counts connections apart, and its state codec round-trips', () => {
  const rt = new LocalRuntime(nf, { maxPackets: 1 });
  const p = new Packet();
  for (const port of [1000, 1001, 1002]) {
    const bytes = udp(A, port, B, 53);
    expect(rt.process(p.reset(bytes, 0, bytes.length), 0)).toBe(Verdict.FORWARD);
  }
  expect(rt.state.size).toBe(3);
  expect(nf.stateCodec.decode(nf.stateCodec.encode({ packets: 7 }))).toEqual({ packets: 7 });
});

test('refuses a bad configuration, naming the field', () => {
  expect(() => new LocalRuntime(nf, { maxPackets: 0 })).toThrow(/maxPackets/);
});
