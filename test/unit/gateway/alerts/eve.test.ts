import { AlertHub } from '../../../../gateway/alerts/alert-hub';
import { parseAlertsTarget, type AlertSink } from '../../../../gateway/alerts/alert-sink';
import { eveTimestamp, formatEveAlert } from '../../../../gateway/alerts/eve';
import { EgressBatchV2Reader, EgressBatchV2Writer } from '../../../../proto/frames/egress-batch-v2';
import { encodeNames, NameKind } from '../../../../proto/frames/names-v1';

const TUPLE = { proto: 6, srcIp: 0xc0a80001, srcPort: 40000, dstIp: 0x5db8d822, dstPort: 80 };

test('an EVE alert line: Suricata field names, the rule text, the snf object', () => {
  const line = formatEveAlert({
    timestampMs: Date.UTC(2026, 11, 3, 10, 0, 0, 123), tuple: TUPLE, sid: 2006445, dropped: false,
    sig: { signature: 'ET WEB_SERVER Possible SQL Injection', gid: 1, rev: 13, severity: 0 }, fn: 'ids', unit: 2, clock: 5,
  });
  expect(JSON.parse(line)).toEqual({
    timestamp: '2026-12-03T10:00:00.123000+0000', event_type: 'alert',
    src_ip: '192.168.0.1', src_port: 40000, dest_ip: '93.184.216.34', dest_port: 80, proto: 'TCP',
    alert: { action: 'allowed', gid: 1, signature_id: 2006445, rev: 13, signature: 'ET WEB_SERVER Possible SQL Injection' },
    snf: { function: 'ids', unit: 2, clock: 5 },
  });
  expect(eveTimestamp(0)).toBe('1970-01-01T00:00:00.000000+0000');
});

test('an unknown sid still yields a line; a dropped packet is blocked', () => {
  const e = JSON.parse(formatEveAlert({ timestampMs: 0, tuple: { ...TUPLE, proto: 99 }, sid: 7, dropped: true, sig: undefined, fn: 'ids', unit: 1, clock: 1 }));
  expect(e.alert).toEqual({ action: 'blocked', gid: 1, signature_id: 7, signature: 'sid 7' });
  expect(e.proto).toBe('99');
});

test('the hub counts drops per reason name at once and releases alerts with their packet', () => {
  const lines: string[] = [];
  const sink: AlertSink = { kind: 'test', counters: { written: 0, failed: 0, errors: 0 }, write: (l) => void lines.push(l), close: async () => undefined };
  const hub = new AlertHub('ids', sink, () => 0);
  const names = encodeNames([{ kind: NameKind.DROP_REASON, id: 12, text: 'ids_signature' }, { kind: NameKind.SIGNATURE, id: 5, text: 'five', gid: 1, rev: 2 }]);
  hub.onNames(3, names.subarray(8), 2);
  const w = new EgressBatchV2Writer(256);
  w.add(1, 1, 1, 0, Buffer.alloc(0), 0, 0, 12, new Uint32Array([5, 6]), 2, TUPLE);
  w.add(2, 2, 1, 0, Buffer.alloc(0), 0, 0, 13, new Uint32Array(0), 0, null);
  const f = w.finish();
  const r = new EgressBatchV2Reader().reset(f.subarray(8), 2);
  r.next(); hub.onRecord(3, 100, r);
  r.next(); hub.onRecord(3, 101, r);
  expect(lines).toEqual([]);
  hub.release(101);
  hub.release(100);
  expect(lines.map((l) => JSON.parse(l).alert.signature)).toEqual(['five', 'sid 6']);
  expect(hub.stats()).toMatchObject({ function: 'ids', drops: { ids_signature: 1, '#13': 1 }, alerts: 2, alertsBySid: { 5: 1, 6: 1 }, alertLines: 2 });
});

test.each([
  ['', {}, { kind: 'stdout' }],
  ['', { KAFKA_BROKERS: 'k:9092' }, { kind: 'kafka', topic: 'snf-alerts' }],
  ['kafka:ids-alerts', {}, { kind: 'kafka', topic: 'ids-alerts' }],
  ['file:/tmp/a.json', {}, { kind: 'file', path: '/tmp/a.json' }],
  ['off', { KAFKA_BROKERS: 'k:9092' }, { kind: 'off' }],
])('--alerts %j with %j', (v, env, want) => {
  expect(parseAlertsTarget(v, env)).toEqual(want);
});

test('a bad --alerts value is a ConfigError naming the field', () => {
  expect(() => parseAlertsTarget('kafka:bad topic!', {})).toThrow(/alerts: expected stdout/);
  expect(() => parseAlertsTarget('syslog', {})).toThrow(/alerts/);
});
