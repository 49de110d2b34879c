import { FrameType } from '../../../../proto/frames/constants';
import { FrameParser } from '../../../../proto/frames/frame-parser';
import { encodeRestore, encodeUnitGone, LogFrameWriter, splitLogBody, validateLogBody, validateRestoreBody } from '../../../../proto/frames/log-frame-v1';
import { encodeLogRecord, LogKind, logKey, newLogRecord, readLogRecord } from '../../../../proto/frames/log-record-v1';

// One PUT record: unit 3, clock 7, flowlet 0x0102, TCP 10.0.0.1:1234 → 10.0.0.2:80, value "ab".
const GOLDEN_RECORD = Buffer.from(
  '01' + '01' + '0003' + '00000007' + '00000102' + '06' + '00' + '04d2' + '0050' + '0000' + '0a000001' + '0a000002' + '00000002' + '6162', 'hex');

const put = { kind: LogKind.PUT, unit: 3, clock: 7, flowletId: 0x102, proto: 6, srcIp: 0x0a000001, srcPort: 1234, dstIp: 0x0a000002, dstPort: 80, value: Buffer.from('ab') };

describe('log record v1', () => {
  test('golden bytes both ways', () => {
    expect(encodeLogRecord(put).toString('hex')).toBe(GOLDEN_RECORD.toString('hex'));
    const r = newLogRecord();
    expect(readLogRecord(GOLDEN_RECORD, 0, GOLDEN_RECORD.length, r)).toBe(GOLDEN_RECORD.length);
    expect({ ...r, value: r.value.toString() }).toEqual({ ...put, value: 'ab' });
  });

  test('the Kafka key is the flow: proto, srcIp, srcPort, dstIp, dstPort', () => {
    expect(logKey(6, 0x0a000001, 1234, 0x0a000002, 80).toString('hex')).toBe('060a00000104d20a0000020050');
  });

  test.each([
    ['version', (b: Buffer) => (b[0] = 2), /version/],
    ['kind', (b: Buffer) => (b[1] = 9), /kind/],
    ['value length', (b: Buffer) => b.writeUInt32BE(99, 28), /truncated/],
    ['huge value length', (b: Buffer) => b.writeUInt32BE(0xffffffff, 28), /too large/],
    ['value on a KEEP', (b: Buffer) => (b[1] = 0), /KEEP/],
  ])('rejects a bad %s with a reason', (_n, spoil, why) => {
    const b = Buffer.from(GOLDEN_RECORD);
    spoil(b);
    expect(readLogRecord(b, 0, b.length, newLogRecord())).toMatch(why);
  });
});

describe('LOG frame v1', () => {
  test('records then the release frames, as the parser delivers them', () => {
    const w = new LogFrameWriter(4096);
    w.add(LogKind.PUT, 3, 7, 0x102, 6, 0x0a000001, 1234, 0x0a000002, 80, Buffer.from('ab'));
    w.add(LogKind.KEEP, 3, 8, 0x102, 6, 0x0a000001, 1234, 0x0a000002, 80, null);
    const egress = Buffer.from('0700000000000000', 'hex'); // an empty EGRESS_V2 frame
    const frame = w.finish([egress]);
    expect(frame[0]).toBe(FrameType.LOG);
    expect(frame.readUInt16BE(2)).toBe(2);
    const got: Array<[number, number, Buffer]> = [];
    const p = new FrameParser({ accept: [FrameType.LOG], onFrame: (t, _f, c, body) => got.push([t, c, Buffer.from(body)]) });
    expect(p.push(frame)).toBe(true);
    expect(got).toHaveLength(1);
    const body = got[0]![2];
    const s = splitLogBody(body);
    if (typeof s === 'string') throw new Error(s);
    expect(body.subarray(4, 4 + GOLDEN_RECORD.length).toString('hex')).toBe(GOLDEN_RECORD.toString('hex'));
    expect(body.subarray(s.recordsEnd).toString('hex')).toBe(egress.toString('hex'));
  });

  test('a corrupt LOG body is rejected whole (counted by the parser), and the stream goes on', () => {
    const w = new LogFrameWriter(4096);
    w.add(LogKind.PUT, 3, 7, 1, 6, 1, 2, 3, 4, Buffer.from('x'));
    const bad = Buffer.from(w.finish([]));
    bad[8 + 4] = 9; // record version
    const rejects: string[] = [];
    let frames = 0;
    const p = new FrameParser({ accept: [FrameType.LOG], onFrame: () => void frames++, onReject: (r) => void rejects.push(r) });
    w.reset();
    w.add(LogKind.KEEP, 3, 8, 1, 6, 1, 2, 3, 4, null);
    expect(p.push(Buffer.concat([bad, w.finish([])]))).toBe(true);
    expect({ frames, rejects }).toEqual({ frames: 1, rejects: ['bad_body'] });
  });

  test.each([
    ['recordsBytes beyond the body', Buffer.from('000000ff', 'hex'), 0],
    ['a release part that is not a whole frame', Buffer.from('0000000007000000', 'hex'), 0],
    ['a release frame of another type', Buffer.from('000000000100000000000000', 'hex'), 0],
  ])('validateLogBody: %s', (_n, body, count) => {
    expect(validateLogBody(body, count)).not.toBeNull();
  });

  test('UNIT_GONE and RESTORE', () => {
    expect(encodeUnitGone().toString('hex')).toBe('0a00000000000000');
    const r = encodeRestore([GOLDEN_RECORD]);
    expect(r.subarray(0, 8).toString('hex')).toBe(`0c000001${(GOLDEN_RECORD.length).toString(16).padStart(8, '0')}`);
    expect(validateRestoreBody(r.subarray(8), 1)).toBeNull();
    expect(validateRestoreBody(r.subarray(8, r.length - 1), 1)).not.toBeNull();
    expect(encodeRestore([]).toString('hex')).toBe('0c00000000000000');
  });
});
