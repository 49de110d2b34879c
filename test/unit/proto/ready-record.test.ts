import { encodeReadyRecord, parseReadyRecord } from '../../../proto/ready-record';

const compute = { kind: 'compute' as const, unit: 3, host: '127.0.0.1', data: 40123, peer: 40125, http: 0, pid: 4242 };

test('a compute record is one JSON line and parses back to itself', () => {
  const line = encodeReadyRecord(compute);
  expect(line).toBe('{"snfReady":1,"kind":"compute","unit":3,"host":"127.0.0.1","data":40123,"peer":40125,"http":0,"pid":4242}\n');
  expect(parseReadyRecord(line.trimEnd())).toEqual({ snfReady: 1, ...compute });
});

test('an http record carries its http port', () => {
  const r = { kind: 'http' as const, unit: 0, host: '10.1.2.3', data: 0, peer: 0, http: 8080, pid: 7 };
  expect(parseReadyRecord(encodeReadyRecord(r))).toEqual({ snfReady: 1, ...r });
});

test.each([
  ['not JSON', '{"level":30,"msg":"compute unit listening"', 'not JSON'],
  ['a log line is not a ready record', '{"level":30,"msg":"compute unit listening","data":1,"peer":2}', 'snfReady must be 1'],
  ['unknown version', JSON.stringify({ ...compute, snfReady: 2 }), 'snfReady must be 1'],
  ['unknown kind', JSON.stringify({ snfReady: 1, ...compute, kind: 'pod' }), 'kind must be'],
  ['unit out of range', JSON.stringify({ snfReady: 1, ...compute, unit: 40000 }), 'unit must be'],
  ['no host', JSON.stringify({ snfReady: 1, ...compute, host: '' }), 'host missing'],
  ['port out of range', JSON.stringify({ snfReady: 1, ...compute, data: 70000 }), 'data must be a port'],
  ['compute without peer port', JSON.stringify({ snfReady: 1, ...compute, peer: 0 }), 'needs data and peer'],
  ['http without http port', JSON.stringify({ snfReady: 1, ...compute, kind: 'http' }), 'needs its http port'],
  ['no pid', JSON.stringify({ snfReady: 1, ...compute, pid: 0 }), 'pid must be'],
])('refused: %s', (_name, line, why) => {
  const r = parseReadyRecord(line);
  expect(typeof r).toBe('string');
  expect(r).toContain(why);
});
