import { EgressBatchReader, EgressBatchWriter } from '../../../../proto/frames/egress-batch-v1';
import { decodeCredit, encodeCredit, validateCredit } from '../../../../proto/frames/credit-v1';
import { decodePeers, encodePeers, validatePeers } from '../../../../proto/frames/peers-v1';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('EGRESS frame v1', () => {
  // Two records: forward of 2 bytes (flowlet 9, clock 4), drop with reason 2 (no bytes).
  const GOLDEN = hex(`
    02 00 0002 0000001a
    00000009 00000004 00 00 0002 4500
    00000009 00000005 01 02 0000`);
  test('encodes and decodes the golden bytes', () => {
    const w = new EgressBatchWriter(128);
    w.add(9, 4, 0, 0, hex('004500'), 1, 2);
    w.add(9, 5, 1, 2, Buffer.alloc(0), 0, 0);
    // 12 + 2 + 12 = 26 = 0x1a body bytes
    expect(w.finish().toString("hex")).toBe(GOLDEN.toString("hex"));
    const frame = w.finish();
    const body = frame.subarray(8);
    expect(EgressBatchReader.validate(body, 2)).toBeNull();
    const r = new EgressBatchReader().reset(body, 2);
    expect(r.next()).toBe(true);
    expect([r.flowletId, r.clock, r.verdict, r.reason, body.subarray(r.packetOffset, r.packetOffset + r.packetLength).toString('hex')]).toEqual([9, 4, 0, 0, '4500']);
    expect(r.next()).toBe(true);
    expect([r.flowletId, r.clock, r.verdict, r.reason, r.packetLength]).toEqual([9, 5, 1, 2, 0]);
    expect(r.next()).toBe(false);
    expect(EgressBatchReader.validate(body.subarray(0, 25), 2)).toMatch(/overruns/);
  });
});

describe('CREDIT frame v1', () => {
  const GOLDEN = hex('03 00 0001 00000010  00000020 00000003 00003000 0000007b');
  test('golden round trip', () => {
    const f = encodeCredit({ drained: 32, held: 3, drainedBytes: 0x3000, cpuMicros: 123.2 });
    expect(f.toString('hex')).toBe(GOLDEN.toString('hex'));
    expect(validateCredit(f.subarray(8), 1)).toBeNull();
    expect(decodeCredit(f.subarray(8))).toEqual({ drained: 32, held: 3, drainedBytes: 0x3000, cpuMicros: 123 });
    expect(validateCredit(f.subarray(8, 20), 1)).toMatch(/1 record of 16 bytes/);
  });
});

describe('PEERS frame v1', () => {
  // unit 2 at 127.0.0.1:7002
  const GOLDEN = hex('04 00 0001 00000008  0002 1b5a 7f000001');
  test('golden round trip', () => {
    const f = encodePeers([{ unitId: 2, port: 7002, ip: 0x7f000001 }]);
    expect(f.toString('hex')).toBe(GOLDEN.toString('hex'));
    expect(validatePeers(f.subarray(8), 1)).toBeNull();
    expect(decodePeers(f.subarray(8), 1)).toEqual([{ unitId: 2, port: 7002, ip: 0x7f000001 }]);
    expect(validatePeers(f.subarray(8), 2)).toMatch(/8 bytes for 2 records/);
  });
});
