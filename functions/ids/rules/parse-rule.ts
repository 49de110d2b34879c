/**
 * One rule's text → a Rule, in either option grammar:
 * - classic (Snort 2, Suricata): `content:"…"; nocase; http_uri; fast_pattern;` — modifiers are
 *   separate options that apply to the content before them; dotted names (`http.uri;`) and a few
 *   underscore names (`file_data;`, `dns_query;`) are sticky buffers for the contents after them.
 * - Snort 3: `http_uri; content:"…",nocase,fast_pattern;` — modifiers sit inside the content
 *   option; every buffer keyword is sticky.
 */
import { canonicalBuffer, CLASSIC_MODIFIERS, CLASSIC_STICKY, RAW_PAYLOAD, SNORT3_STICKY } from './buffers';
import { decodeContent, readQuoted, unescapeText } from './content';
import { tokenizeRule, RuleOption } from './tokenize';
import type { ContentOption, Rule, RuleDialect } from './types';

const ACTIONS = new Set(['alert', 'drop', 'reject', 'rejectsrc', 'rejectdst', 'rejectboth', 'pass', 'log', 'sdrop', 'block', 'react', 'rewrite']);

export interface RuleLocation {
  readonly file: string;
  readonly line: number;
}

/** Parses one (already joined) rule; returns an error message if it is malformed. */
export function parseRule(text: string, dialect: RuleDialect, where: RuleLocation): Rule | string {
  const tokens = tokenizeRule(text, dialect === 'snort3');
  if (typeof tokens === 'string') return tokens;
  const [action, proto] = tokens.header;
  if (action === undefined || !ACTIONS.has(action)) return `unknown action "${action ?? ''}"`;
  if (proto === undefined) return 'missing protocol';
  // Full header: action proto src sport dir dst dport. Snort 3 service rules may stop at proto.
  if (tokens.header.length !== 2 && tokens.header.length !== 7) return `header has ${tokens.header.length} words, expected 7`;
  if (tokens.header.length === 7 && !['->', '<>', '<-'].includes(tokens.header[4]!)) return `bad direction "${tokens.header[4]}"`;

  let sid = -1;
  let rev = 0;
  let msg = '';
  const cx: ContentContext = { contents: [], sticky: RAW_PAYLOAD };
  const apply = dialect === 'snort3' ? applySnort3 : applyClassic;
  for (const opt of tokens.options) {
    const err = apply(opt, cx);
    if (err !== undefined) return err;
    if (opt.name === 'sid') {
      if (opt.value === null || !/^\d+$/.test(opt.value)) return `bad sid "${opt.value ?? ''}"`;
      sid = Number(opt.value);
    } else if (opt.name === 'rev' && opt.value !== null && /^\d+$/.test(opt.value)) {
      rev = Number(opt.value);
    } else if (opt.name === 'msg' && opt.value !== null) {
      const q = readQuoted(opt.value);
      msg = typeof q === 'string' ? opt.value : unescapeText(q.raw);
    }
  }
  if (sid < 0) return 'missing sid';
  return { sid, rev, msg, action, proto: proto.toLowerCase(), contents: cx.contents, file: where.file, line: where.line };
}

/** Contents seen so far and the sticky buffer in force. */
interface ContentContext {
  readonly contents: ContentOption[];
  sticky: string;
}

/** Applies a classic-grammar option; returns an error message if it is malformed. */
function applyClassic(opt: RuleOption, cx: ContentContext): string | undefined {
  const last = cx.contents[cx.contents.length - 1];
  if (opt.name === 'content' || opt.name === 'uricontent') {
    const c = readContent(opt.value, opt.name === 'uricontent' ? 'http.uri' : cx.sticky);
    if (typeof c === 'string') return c;
    cx.contents.push(c);
    return undefined;
  }
  if (opt.value === null && (opt.name.includes('.') || CLASSIC_STICKY.has(opt.name))) {
    cx.sticky = canonicalBuffer(opt.name);
  } else if (opt.name === 'nocase') {
    if (!last) return '"nocase" without a preceding content';
    last.nocase = true;
  } else if (opt.name === 'fast_pattern') {
    if (!last) return '"fast_pattern" without a preceding content';
    last.fastPattern = true;
  } else if (CLASSIC_MODIFIERS.has(opt.name)) {
    if (!last) return `"${opt.name}" without a preceding content`;
    last.buffer = canonicalBuffer(opt.name);
  }
  return undefined;
}

/** Applies a Snort 3 option; returns an error message if it is malformed. */
function applySnort3(opt: RuleOption, cx: ContentContext): string | undefined {
  if (opt.name === 'content') {
    const c = readContent(opt.value, cx.sticky);
    if (typeof c === 'string') return c;
    const mods = readQuoted(opt.value!) as { rest: string };
    if (mods.rest !== '') {
      if (!mods.rest.startsWith(',')) return `unexpected text after content string: "${mods.rest.slice(0, 30)}"`;
      for (const m of mods.rest.slice(1).split(',')) {
        const word = m.trim().split(/\s+/)[0]!.toLowerCase();
        if (word === 'nocase') c.nocase = true;
        else if (word === 'fast_pattern') c.fastPattern = true;
      }
    }
    cx.contents.push(c);
  } else if (SNORT3_STICKY.has(opt.name) || (opt.value === null && opt.name.includes('.'))) {
    cx.sticky = canonicalBuffer(opt.name);
  }
  return undefined;
}

function readContent(value: string | null, buffer: string): ContentOption | string {
  if (value === null) return 'content without a value';
  const q = readQuoted(value);
  if (typeof q === 'string') return `content: ${q}`;
  const bytes = decodeContent(q.raw);
  if (typeof bytes === 'string') return `content: ${bytes}`;
  return { bytes, nocase: false, negated: q.negated, buffer, fastPattern: false };
}
