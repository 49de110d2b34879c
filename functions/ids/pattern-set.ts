/**
 * From parsed rules to the set of byte patterns the automaton matches, and which rule (sid) each
 * pattern raises.
 *
 * Per rule, the candidate contents are the non-negated ones whose buffer is in scope (see
 * rules/buffers.ts) and at least `minPatternLength` bytes long. Of these, up to
 * `maxPatternsPerRule` are kept: author-marked `fast_pattern` first, then longest first (the
 * longest content is the most selective, which is how Snort and Suricata pick a fast pattern).
 * A rule alerts when any kept pattern occurs. Other rule options (offsets, pcre, flow, ports,
 * negated contents) are not evaluated: this is the multi-pattern prefilter stage of an IDS.
 */
import { bufferIsCaseless, bufferScope } from './rules/buffers';
import type { ContentOption, Rule } from './rules/types';

export type ContentScope = 'payload' | 'visible';

export interface PatternSelection {
  readonly scope: ContentScope;
  readonly maxPatternsPerRule: number;
  readonly minPatternLength: number;
}

/** Packet protocols a rule applies to (bit mask). */
export const PROTO_TCP_BIT = 1;
export const PROTO_UDP_BIT = 2;

export interface Pattern {
  /** Lowercased when nocase. */
  readonly bytes: Uint8Array;
  /** Match ignoring ASCII case. Patterns without letters are marked nocase (it makes no difference). */
  readonly nocase: boolean;
}

export interface PatternSet {
  readonly patterns: Pattern[];
  /** Rules (distinct sids) that have at least one pattern. */
  readonly sids: Uint32Array;
  readonly protoMasks: Uint8Array;
  /** Rules of pattern p: ruleOfPattern[ruleStart[p] .. ruleStart[p + 1]) (indices into sids). */
  readonly ruleStart: Uint32Array;
  readonly ruleOfPattern: Uint32Array;
  readonly counts: PatternSetCounts;
}

export interface PatternSetCounts {
  rulesIn: number;
  rulesUsed: number;
  /** No content in scope of at least minPatternLength bytes (e.g. only dns.query or pcre). */
  rulesWithoutPattern: number;
  /** ICMP or pass rules: nothing this IDS can raise. */
  rulesNotApplicable: number;
  patterns: number;
}

const TCP_PROTOS = new Set(['tcp', 'tcp-pkt', 'tcp-stream', 'http', 'http1', 'http2', 'tls', 'ssl', 'smtp', 'ftp', 'ftp-data', 'smb', 'ssh', 'imap', 'pop3', 'rdp', 'telnet', 'irc', 'modbus', 'dnp3', 'rfb', 'mqtt']);
const UDP_PROTOS = new Set(['udp', 'tftp', 'ntp', 'snmp', 'dhcp', 'ikev2', 'ike']);
const NO_PAYLOAD_PROTOS = new Set(['icmp', 'icmpv6']);

export function protoMaskOf(proto: string): number {
  if (TCP_PROTOS.has(proto)) return PROTO_TCP_BIT;
  if (UDP_PROTOS.has(proto)) return PROTO_UDP_BIT;
  if (NO_PAYLOAD_PROTOS.has(proto)) return 0;
  return PROTO_TCP_BIT | PROTO_UDP_BIT; // ip, any, dns, sip, dcerpc, krb5, …
}

/** Contents of a rule that are matched, best first (see the file comment). */
export function selectContents(rule: Rule, sel: PatternSelection): ContentOption[] {
  const candidates = rule.contents.filter((c) => {
    if (c.negated || c.bytes.length < sel.minPatternLength) return false;
    const scope = bufferScope(c.buffer);
    return scope === 'payload' || (scope === 'visible' && sel.scope === 'visible');
  });
  candidates.sort((a, b) => Number(b.fastPattern) - Number(a.fastPattern) || b.bytes.length - a.bytes.length);
  return candidates.slice(0, sel.maxPatternsPerRule);
}

function hasLetter(b: Buffer): boolean {
  for (const x of b) if ((x | 0x20) >= 0x61 && (x | 0x20) <= 0x7a) return true;
  return false;
}

export function buildPatternSet(rules: readonly Rule[], sel: PatternSelection): PatternSet {
  const counts: PatternSetCounts = { rulesIn: rules.length, rulesUsed: 0, rulesWithoutPattern: 0, rulesNotApplicable: 0, patterns: 0 };
  const patterns: Pattern[] = [];
  const patternKey = new Map<string, number>();
  const rulesOf: number[][] = [];
  const ruleIndexOfSid = new Map<number, number>();
  const sids: number[] = [];
  const masks: number[] = [];
  for (const rule of rules) {
    const mask = protoMaskOf(rule.proto);
    if (mask === 0 || rule.action === 'pass') {
      counts.rulesNotApplicable++;
      continue;
    }
    const chosen = selectContents(rule, sel);
    if (chosen.length === 0) {
      counts.rulesWithoutPattern++;
      continue;
    }
    counts.rulesUsed++;
    let ri = ruleIndexOfSid.get(rule.sid);
    if (ri === undefined) {
      ri = sids.length;
      ruleIndexOfSid.set(rule.sid, ri);
      sids.push(rule.sid);
      masks.push(0);
    }
    masks[ri]! |= mask;
    for (const c of chosen) {
      const nocase = c.nocase || bufferIsCaseless(c.buffer) || !hasLetter(c.bytes);
      const bytes = nocase ? asciiLower(c.bytes) : c.bytes;
      const key = (nocase ? 'i' : 's') + bytes.toString('latin1');
      let pi = patternKey.get(key);
      if (pi === undefined) {
        pi = patterns.length;
        patternKey.set(key, pi);
        patterns.push({ bytes, nocase });
        rulesOf.push([]);
      }
      const list = rulesOf[pi]!;
      if (list[list.length - 1] !== ri) list.push(ri);
    }
  }
  counts.patterns = patterns.length;
  const ruleStart = new Uint32Array(patterns.length + 1);
  for (let p = 0; p < patterns.length; p++) ruleStart[p + 1] = ruleStart[p]! + rulesOf[p]!.length;
  const ruleOfPattern = new Uint32Array(ruleStart[patterns.length]!);
  for (let p = 0; p < patterns.length; p++) ruleOfPattern.set(rulesOf[p]!, ruleStart[p]!);
  return { patterns, sids: Uint32Array.from(sids), protoMasks: Uint8Array.from(masks), ruleStart, ruleOfPattern, counts };
}

export function asciiLower(b: Buffer): Buffer {
  const out = Buffer.from(b);
  for (let i = 0; i < out.length; i++) {
    const x = out[i]!;
    if (x >= 0x41 && x <= 0x5a) out[i] = x | 0x20;
  }
  return out;
}
