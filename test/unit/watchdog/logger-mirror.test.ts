import { LogKind, newLogRecord, type LogRecord } from '../../../proto/frames/log-record-v1';
import { ApplyResult, Mirror } from '../../../watchdog/logger/mirror';
import { MirrorPeerService } from '../../../watchdog/logger/mirror-peer-service';

const rec = (kind: number, clock: number, value = '', port = 1000): LogRecord => ({
  ...newLogRecord(), kind, unit: 1, clock, flowletId: 1, proto: 17, srcIp: 0x0a000001, srcPort: port, dstIp: 0x0a000002, dstPort: 53, value: Buffer.from(value),
});
const key = (port = 1000) => ({ proto: 17, srcIp: 0x0a000001, srcPort: port, dstIp: 0x0a000002, dstPort: 53 });

describe('the output logger mirror', () => {
  test('PUT/KEEP/DELETE in clock order build the flow; values are copied', () => {
    const m = new Mirror();
    const r = rec(LogKind.PUT, 1, 'a');
    expect(m.apply(r)).toBe(ApplyResult.APPLIED);
    r.value.write('z'); // the source buffer is reused by the caller
    expect(m.apply(rec(LogKind.KEEP, 2))).toBe(ApplyResult.APPLIED);
    const e = m.lookup(17, 0x0a000001, 1000, 0x0a000002, 53)!;
    expect([e.clock, e.present, e.value.toString()]).toEqual([2, true, 'a']);
    expect(m.apply(rec(LogKind.DELETE, 3))).toBe(ApplyResult.APPLIED);
    expect([e.clock, e.present, e.value.length]).toEqual([3, false, 0]);
  });

  test('stale clocks and KEEP for an unknown flow are rejected and counted; the mirror keeps serving', () => {
    const m = new Mirror();
    expect(m.apply(rec(LogKind.KEEP, 5))).toBe(ApplyResult.UNKNOWN_FLOW);
    expect(m.apply(rec(LogKind.PUT, 5, 'new'))).toBe(ApplyResult.APPLIED);
    expect(m.apply(rec(LogKind.PUT, 4, 'old'))).toBe(ApplyResult.STALE);
    expect(m.apply(rec(LogKind.PUT, 5, 'same clock again'))).toBe(ApplyResult.APPLIED); // absolute: harmless
    expect(m.apply(rec(LogKind.KEEP, 6))).toBe(ApplyResult.APPLIED);
    expect(m.counters).toEqual({ records: 5, applied: 3, stale: 1, unknownFlow: 1 });
    expect(m.lookup(17, 0x0a000001, 1000, 0x0a000002, 53)!.value.toString()).toBe('same clock again');
  });
});

describe('the logger\'s StatePeer Pull', () => {
  test('answers at once what reached the asked clock; waits otherwise; answers everything once final', async () => {
    const m = new Mirror();
    m.apply(rec(LogKind.PUT, 3, 'v'));
    const svc = new MirrorPeerService(m, 10_000);
    const now = await svc.onPull({ fromUnit: 2, requestId: 0, flows: [{ key: key(), minClock: 3 }] });
    expect(now.flows[0]).toMatchObject({ found: true, state: { clock: 3, present: true } });
    const later = svc.onPull({ fromUnit: 2, requestId: 0, flows: [{ key: key(), minClock: 5 }, { key: key(9), minClock: 1 }] });
    m.apply(rec(LogKind.KEEP, 4));
    svc.checkWaiters();
    svc.final = true; // the unit is gone: the mirror will not change any more
    svc.checkWaiters();
    const r = await later;
    expect(r.flows.map((f) => [f.found, f.state?.clock ?? null])).toEqual([[true, 4], [false, null]]);
    expect(svc.onPush({ fromUnit: 2, flows: [] })).toEqual({ applied: 0, stale: 0, rejected: 0 });
    expect(svc.counters.pushesRefused).toBe(1);
    svc.close();
  });
});
