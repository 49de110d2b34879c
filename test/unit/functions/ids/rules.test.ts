import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnfError } from '../../../../sdk/errors';
import { decodeContent, detectDialect, formatWarning, parseRule, parseRuleText, readRuleFile, type Rule } from '../../../../functions/ids/rules';

const at = { file: 't.rules', line: 1 };
function rule(text: string, dialect: 'snort2' | 'snort3' | 'suricata'): Rule {
  const r = parseRule(text, dialect, at);
  if (typeof r === 'string') throw new Error(r);
  return r;
}
const contents = (r: Rule) => r.contents.map((c) => ({ s: c.bytes.toString('latin1'), nocase: c.nocase, neg: c.negated, buf: c.buffer, fp: c.fastPattern }));

describe('decodeContent', () => {
  it.each([
    ['abc', 'abc'],
    ['|41 42|C', 'ABC'],
    ['a|0d0a|b', 'a\r\nb'],
    ['x|3A 3b|y', 'x:;y'],
    ['\\"q\\"', '"q"'],
    ['a\\;b\\:c\\\\d', 'a;b:c\\d'],
    ['|00|', '\0'],
    ['|ff FE|', '\xff\xfe'],
  ])('%s', (raw, expected) => {
    expect((decodeContent(raw) as Buffer).toString('latin1')).toBe(expected);
  });

  it.each([
    ['|41 4|', 'odd number of hex digits'],
    ['|4G|', 'bad hex digit'],
    ['|41', 'unterminated'],
    ['abc\\', 'dangling'],
    ['', 'empty content'],
    ['|4 1|', 'space inside a hex byte'],
  ])('rejects %j', (raw, message) => {
    expect(decodeContent(raw)).toEqual(expect.stringContaining(message));
  });
});

describe('parseRule, Snort 2 / Suricata (classic options)', () => {
  it('extracts sid, rev, msg, action, proto and contents', () => {
    const r = rule('alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (msg:"WEB x\\; y"; content:"GET |2f|"; depth:5; sid:1234; rev:7;)', 'snort2');
    expect([r.sid, r.rev, r.msg, r.action, r.proto]).toEqual([1234, 7, 'WEB x; y', 'alert', 'tcp']);
    expect(contents(r)).toEqual([{ s: 'GET /', nocase: false, neg: false, buf: 'pkt_data', fp: false }]);
  });

  it('applies nocase, fast_pattern and http_* modifiers to the content before them', () => {
    const r = rule('alert tcp any any -> any any (content:"a1"; nocase; http_uri; content:"b2"; fast_pattern; http_header; content:"c3"; sid:1;)', 'snort2');
    expect(contents(r)).toEqual([
      { s: 'a1', nocase: true, neg: false, buf: 'http.uri', fp: false },
      { s: 'b2', nocase: false, neg: false, buf: 'http.header', fp: true },
      { s: 'c3', nocase: false, neg: false, buf: 'pkt_data', fp: false },
    ]);
  });

  it('records negated contents', () => {
    const r = rule('alert tcp any any -> any any (content:!"evil"; content:"good"; sid:2;)', 'snort2');
    expect(contents(r).map((c) => [c.s, c.neg])).toEqual([['evil', true], ['good', false]]);
  });

  it('switches the sticky buffer on dotted names and file_data / dns_query', () => {
    const r = rule('alert http any any -> any any (http.uri; content:"/a"; http.host; content:"x.com"; file_data; content:"zz"; pkt_data; content:"raw"; dns_query; content:"q"; sid:3;)', 'suricata');
    expect(contents(r).map((c) => c.buf)).toEqual(['http.uri', 'http.host', 'file.data', 'pkt_data', 'dns.query']);
  });

  it('splits options on unescaped ";" only, ignoring quotes (a lone quote inside pcre is fine)', () => {
    const r = rule('alert http any any -> any any (msg:"a"; content:"method="; nocase; pcre:"/^["\']?post/Ri"; sid:4;)', 'suricata');
    expect(r.sid).toBe(4);
    expect(contents(r)[0]).toMatchObject({ s: 'method=', nocase: true });
  });

  it('maps uricontent to the http.uri buffer', () => {
    expect(contents(rule('alert tcp any any -> any any (uricontent:"/x.php"; nocase; sid:5;)', 'snort2'))[0]).toMatchObject({ buf: 'http.uri', nocase: true });
  });
});

describe('parseRule, Snort 3', () => {
  it('reads modifiers inside the content option', () => {
    const r = rule('alert tcp any any -> any 80 ( msg:"m"; content:"abc",nocase,depth 16; content:"|00 01|",fast_pattern,offset 2; sid:10; )', 'snort3');
    expect(contents(r)).toEqual([
      { s: 'abc', nocase: true, neg: false, buf: 'pkt_data', fp: false },
      { s: '\x00\x01', nocase: false, neg: false, buf: 'pkt_data', fp: true },
    ]);
  });

  it('treats buffer keywords as sticky (written before their contents)', () => {
    const r = rule('alert http ( msg:"m"; http_uri; content:"/a",nocase; http_header:field host; content:"h"; pkt_data; content:"p"; sid:11; )', 'snort3');
    expect(contents(r).map((c) => c.buf)).toEqual(['http.uri', 'http.header', 'pkt_data']);
    expect(r.proto).toBe('http');
  });

  it('keeps ";" inside a quoted content and decodes escaped quotes', () => {
    const r = rule('alert tcp any any -> any any ( content:"a;b\\"c",nocase; sid:12; )', 'snort3');
    expect(contents(r)[0]).toMatchObject({ s: 'a;b"c', nocase: true });
  });

  it('records negation', () => {
    expect(contents(rule('alert tcp any any -> any any ( content:!"x1"; sid:13; )', 'snort3'))[0]!.neg).toBe(true);
  });
});

describe('malformed rules', () => {
  it.each([
    ['alert tcp any any -> any any (content:"x"; rev:1;)', 'missing sid'],
    ['alert tcp any any -> any any (content:"x"; sid:abc;)', 'bad sid'],
    ['alert tcp any any -> any any content:"x"; sid:1;', 'no option list'],
    ['alert tcp any any -> any any (content:"x"; sid:1;', 'not closed'],
    ['bogus tcp any any -> any any (sid:1;)', 'unknown action'],
    ['alert tcp any any any any (sid:1;)', 'header has 6 words'],
    ['alert tcp any any => any any (sid:1;)', 'bad direction'],
    ['alert tcp any any -> any any (content:"|4|"; sid:1;)', 'odd number of hex digits'],
    ['alert tcp any any -> any any (content:"abc; sid:1;)', 'content: unterminated quoted string'],
    ['alert tcp any any -> any any (nocase; content:"x"; sid:1;)', 'nocase" without a preceding content'],
    ['alert tcp any any -> any any (content:abc; sid:1;)', 'expected a quoted string'],
    ['alert tcp any any -> any any (content:"x"; sid:1)', 'not terminated by ";"'],
  ])('%s → %s', (text, message) => {
    expect(parseRule(text, 'snort2', at)).toEqual(expect.stringContaining(message));
  });

  it('reports a malformed Snort 3 content suffix', () => {
    expect(parseRule('alert tcp any any -> any any ( content:"x" nocase; sid:1; )', 'snort3', at)).toEqual(expect.stringContaining('unexpected text after content'));
  });
});

describe('rule files', () => {
  const text = [
    '# a comment',
    '# alert tcp any any -> any any (msg:"off"; content:"off"; sid:1;)',
    'alert tcp any any -> any any (msg:"on"; content:"on1"; sid:2;)',
    '',
    'alert tcp any any -> any any (msg:"split"; \\',
    '   content:"cont"; \\',
    '   sid:3;)',
    'alert tcp any any -> any any (msg:"broken"; content:"|zz|"; sid:4;)',
    'alert tcp any any -> any any (msg:"after"; content:"x"; sid:5;)\r',
  ].join('\n');

  it('skips comments, counts commented rules, joins continuation lines, warns with file:line', () => {
    const f = parseRuleText(text, 'local.rules', 'snort2');
    expect(f.rules.map((r) => [r.sid, r.line])).toEqual([[2, 3], [3, 5], [5, 9]]);
    expect(f.rules[1]!.contents[0]!.bytes.toString()).toBe('cont');
    expect(f.counts).toEqual({ active: 3, commented: 1, malformed: 1 });
    expect(f.warnings.map(formatWarning)).toEqual(['local.rules:8: content: bad hex digit "z" in |…|']);
  });

  it('detects the dialect', () => {
    expect(detectDialect('alert tcp any any -> any any ( content:"x",nocase; sid:1; )')).toBe('snort3');
    expect(detectDialect('alert http any any -> any any (http.uri; content:"x"; sid:1;)')).toBe('suricata');
    expect(detectDialect('alert tcp any any -> any any (content:"x"; nocase; sid:1;)')).toBe('snort2');
  });

  it('reads a file from disk and fails with SNF_ERR_RULES when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-rules-'));
    const file = join(dir, 'a.rules');
    writeFileSync(file, text);
    expect(readRuleFile(file).counts.active).toBe(3);
    let err: unknown;
    try {
      readRuleFile(join(dir, 'missing.rules'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SnfError);
    expect((err as SnfError).code).toBe('SNF_ERR_RULES');
    expect((err as SnfError).message).toContain('missing.rules');
  });
});
