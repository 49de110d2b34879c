import { HandshakeFlag } from '../../../../proto/frames/constants';
import { decodeHandshake, decodeHandshakeReply, encodeHandshake, encodeHandshakeReply, HandshakeStatus } from '../../../../proto/frames/handshake-v1';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('handshake v1', () => {
  // gateway (role 1, unit 0xffff) with token "tok"
  const GOLDEN = hex('534e4644 0001 01 00 ffff 0003 746f6b');
  test('golden round trip', () => {
    expect(encodeHandshake({ role: 1, unitId: 0xffff, token: 'tok' }).toString('hex')).toBe(GOLDEN.toString('hex'));
    expect(decodeHandshake(GOLDEN)).toEqual({ kind: 'ok', bytes: 15, handshake: { version: 1, role: 1, flags: 0, unitId: 0xffff, token: 'tok' } });
  });
  test('ASSIGN_UNIT_ID: a gateway assigning unit 3 (flags 0x02, unitId = the assigned id)', () => {
    const g = hex('534e4644 0001 01 02 0003 0003 746f6b');
    expect(encodeHandshake({ role: 1, unitId: 3, token: 'tok', flags: HandshakeFlag.ASSIGN_UNIT_ID }).toString('hex')).toBe(g.toString('hex'));
    expect(decodeHandshake(g)).toMatchObject({ kind: 'ok', handshake: { flags: 2, unitId: 3 } });
    // The refusals a unit answers with: 5 WRONG_UNIT_ID, 6 NO_UNIT_ID.
    expect(encodeHandshakeReply({ status: HandshakeStatus.NO_UNIT_ID, unitId: 0, maxFrameBody: 1 << 20 }).toString('hex')).toBe('534e4644000106000000000000100000');
    expect(HandshakeStatus.WRONG_UNIT_ID).toBe(5);
  });
  test('partial input asks for more; bad magic is refused after 4 bytes', () => {
    for (let n = 0; n < GOLDEN.length; n++) expect(decodeHandshake(GOLDEN.subarray(0, n)).kind).toBe('need-more');
    expect(decodeHandshake(hex('48545450'))).toMatchObject({ kind: 'bad', status: HandshakeStatus.BAD_MAGIC });
  });
  test('bad version and oversize token are refused', () => {
    expect(decodeHandshake(hex('534e4644 0002 01 00 ffff 0000'))).toMatchObject({ kind: 'bad', status: HandshakeStatus.BAD_VERSION });
    expect(decodeHandshake(hex('534e4644 0001 01 00 ffff ffff'))).toMatchObject({ kind: 'bad', status: HandshakeStatus.BAD_LENGTH });
  });
  test('reply golden round trip', () => {
    const golden = hex('534e4644 0001 03 00 0007 0000 00100000');
    expect(encodeHandshakeReply({ status: HandshakeStatus.UNAUTHENTICATED, unitId: 7, maxFrameBody: 1 << 20 }).toString('hex')).toBe(golden.toString('hex'));
    expect(decodeHandshakeReply(golden)).toEqual({ status: 3, unitId: 7, maxFrameBody: 1 << 20 });
    expect(decodeHandshakeReply(golden.subarray(0, 15))).toBeNull();
  });
});
