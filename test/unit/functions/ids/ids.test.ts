import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, SnfError } from '../../../../sdk/errors';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { Verdict } from '../../../../sdk/types';
import { ids, type IdsFunctionHandler } from '../../../../functions/ids';
import { idsStateCodec } from '../../../../functions/ids/state';
import { buildIpv4, tcp, udp } from '../../../helpers/packets';

function rulesFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ids-nf-'));
  const f = join(dir, 'test.rules');
  writeFileSync(f, text);
  return f;
}

const RULES = rulesFile(
  [
    'alert tcp any any -> any any (msg:"passwd"; content:"/etc/passwd"; sid:101;)',
    'alert tcp any any -> any any (msg:"cmd"; content:"CMD.EXE"; nocase; sid:102;)',
    'alert tcp any any -> any any (msg:"exact case"; content:"SeCrEt"; sid:103;)',
    'alert udp any any -> any any (msg:"udp only"; content:"udpsig"; sid:104;)',
    'alert ip any any -> any any (msg:"both"; content:"anyproto"; sid:105;)',
    'alert tcp any any -> any any (msg:"same pattern, 2nd rule"; content:"/etc/passwd"; sid:106;)',
    'alert tcp any any -> any any (msg:"negated only"; content:!"nothere"; sid:107;)',
    'alert http any any -> any any (msg:"uri"; http.uri; content:"/admin.php"; sid:108;)',
    'alert dns any any -> any any (msg:"dns name"; dns.query; content:"evil.example"; sid:109;)',
  ].join('\n'),
);

function run(config: unknown, packets: Buffer[]): LocalRuntime<any, any> {
  const rt = new LocalRuntime(ids as any, config);
  packets.forEach((b, i) => rt.process(Packet.parse(b), i * 1000));
  return rt;
}
const alertPairs = (rt: LocalRuntime<any, any>) => rt.alerts.map((a) => [a.packetIndex, a.sid]);

const C = '10.0.0.1';
const S = '10.0.0.2';
const c2s = (data: string) => tcp(C, 40000, S, 80, 0x18, data);
const s2c = (data: string) => tcp(S, 80, C, 40000, 0x18, data);

describe('ids network function', () => {
  it('runs the built-in demo set with the default config', () => {
    const rt = run(undefined, [c2s('GET /../../../etc/passwd HTTP/1.1\r\nUser-Agent: SQLMAP/1.0\r\n\r\n'), c2s('hello')]);
    expect(new Set(rt.alerts.map((a) => a.sid))).toEqual(new Set([1000001, 1000003, 1000005]));
    const h = rt.handler as IdsFunctionHandler;
    expect(h.report.files[0]!.file).toBe('(built-in demo rules)');
    expect(h.report.files[0]!.counts.active).toBe(13);
    expect(h.report.warnings).toEqual([]);
  });

  it('finds a signature split across two packets of the same direction', () => {
    const rt = run({ rules: [RULES] }, [c2s('GET /etc/pa'), s2c('/etc/pa'), c2s('sswd HTTP/1.0')]);
    expect(alertPairs(rt)).toEqual([[2, 101], [2, 106]]);
  });

  it('keeps the two directions apart (no match across directions)', () => {
    const rt = run({ rules: [RULES] }, [c2s('/etc/pa'), s2c('sswd')]);
    expect(rt.alerts).toEqual([]);
  });

  it('matches nocase contents in any case and case-sensitive ones exactly, also split', () => {
    const rt = run({ rules: [RULES] }, [c2s('run cmd.exe'), c2s('secret'), c2s('xxSeC'), c2s('rEt')]);
    expect(alertPairs(rt)).toEqual([[0, 102], [3, 103]]);
  });

  it('alerts once per (packet, rule) however often the pattern occurs', () => {
    const rt = run({ rules: [RULES] }, [c2s('cmd.exe cmd.exe CMD.EXE')]);
    expect(alertPairs(rt)).toEqual([[0, 102]]);
  });

  it('honours the rule protocol and matches UDP datagrams one by one', () => {
    const rt = run({ rules: [RULES] }, [
      udp(C, 5000, S, 53, 'udpsig anyproto'),
      tcp(C, 1, S, 2, 0x18, 'udpsig anyproto'),
      udp(C, 5000, S, 53, 'udp'),
      udp(C, 5000, S, 53, 'sig'),
    ]);
    expect(alertPairs(rt).sort()).toEqual([[0, 104], [0, 105], [1, 105]]);
  });

  it('matches visible app-layer buffers on the stream unless contentScope is payload; never derived ones', () => {
    const pkts = [c2s('GET /admin.php HTTP/1.1'), udp(C, 5000, S, 53, 'evil.example')];
    expect(alertPairs(run({ rules: [RULES] }, pkts))).toEqual([[0, 108]]);
    expect(alertPairs(run({ rules: [RULES], contentScope: 'payload' }, pkts))).toEqual([]);
  });

  it('drops alerting packets with alertAction drop', () => {
    const rt = run({ rules: [RULES], alertAction: 'drop' }, [c2s('cmd.exe'), c2s('fine')]);
    expect(rt.counters.dropped).toBe(1);
    expect(rt.counters.dropReasons.get('ids_signature')).toBe(1);
    expect(rt.counters.forwarded).toBe(1);
  });

  it('puts state only when the automaton state changes, and it round-trips through the codec', () => {
    const rt = new LocalRuntime(ids as any, { rules: [RULES] });
    rt.process(Packet.parse(tcp(C, 40000, S, 80, 0x02, '')), 0);
    expect(rt.lastDelta.kind).toBe(0);
    rt.process(Packet.parse(c2s('xx/etc/')), 1);
    expect(rt.lastDelta.kind).toBe(1);
    const v = rt.lastDelta.value as Uint32Array;
    const bytes = idsStateCodec.encode(v);
    expect(bytes.length).toBeLessThanOrEqual(8);
    expect(Array.from(idsStateCodec.decode(bytes))).toEqual(Array.from(v));
    expect(rt.state.size).toBe(1);
  });

  it('codec: round-trips extreme values and rejects damaged bytes with SNF_ERR_STATE_CODEC', () => {
    const v = Uint32Array.from([0, 127, 128, 0xffffffff]);
    const b = idsStateCodec.encode(v);
    expect(b.length).toBe(1 + 1 + 2 + 5);
    expect(Array.from(idsStateCodec.decode(b))).toEqual(Array.from(v));
    for (const bad of [b.subarray(0, 3), Buffer.concat([b, Buffer.from([0])]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0])]) {
      expect(() => idsStateCodec.decode(bad)).toThrow(SnfError);
    }
  });

  it('restarts from the start state when handed a state from another rule set', () => {
    const rt = new LocalRuntime(ids as any, { rules: [RULES] });
    const h = rt.handler as IdsFunctionHandler;
    const bogus = Uint32Array.from([1e9, 1e9, 1e9, 1e9]);
    const ctx = { nowNs: 0, state: { get: () => bogus, put: () => undefined, delete: () => undefined }, drop: () => undefined, alert: jest.fn() };
    expect(h.process(Packet.parse(c2s('/etc/passwd')), ctx)).toBe(Verdict.FORWARD);
    expect(ctx.alert).toHaveBeenCalledWith(101);
    expect(h.counters.badStates).toBe(1);
  });

  it('passes fragments and non-TCP/UDP packets without scanning', () => {
    const rt = run({ rules: [RULES] }, [
      buildIpv4({ proto: 1, src: C, dst: S, payload: '/etc/passwd' }),
      buildIpv4({ proto: 'tcp', src: C, dst: S, fragOffset: 8, payload: '/etc/passwd' }),
    ]);
    expect(rt.alerts).toEqual([]);
    expect(rt.counters.forwarded).toBe(2);
    expect((rt.handler as IdsFunctionHandler).counters.notScanned).toBe(2);
  });

  it('reports malformed rules with file:line and keeps the rest', () => {
    const f = rulesFile('alert tcp any any -> any any (content:"good1"; sid:1;)\nalert tcp any any -> any any (content:"|zz|"; sid:2;)\n');
    const h = new LocalRuntime(ids as any, { rules: [f] }).handler as IdsFunctionHandler;
    expect(h.report.warnings).toEqual([{ file: f, line: 2, message: expect.stringContaining('bad hex digit') }]);
    expect(h.report.patterns.rulesUsed).toBe(1);
  });

  it('fails with SNF_ERR_RULES for an unreadable rule file', () => {
    expect(() => new LocalRuntime(ids as any, { rules: ['/nonexistent/x.rules'] })).toThrow(expect.objectContaining({ code: 'SNF_ERR_RULES' }));
  });

  it.each([
    [{ rules: 'a.rules' }, 'rules'],
    [{ alertAction: 'block' }, 'alertAction'],
    [{ maxPatternsPerRule: 0 }, 'maxPatternsPerRule'],
    [{ ruleSets: ['et'] }, 'ruleSets.0'],
    [{ bogus: 1 }, 'bogus'],
  ])('rejects config %j naming %s', (raw, field) => {
    let err: unknown;
    try {
      ids.config.parse(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe(field);
  });
});
