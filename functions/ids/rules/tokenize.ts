/**
 * Splits one rule's text into its header words and its `name[:value]` options.
 *
 * Options end at an unescaped `;` (`\` escapes the next character). Snort 2 and Suricata split
 * exactly so, ignoring quotes (real rules carry lone quotes inside pcre, e.g. `/^["']?x/`); the
 * Snort 3 lexer also ends options only outside quoted strings (`quoteAware`). Values are returned
 * raw (still escaped); content.ts decodes them.
 */

export interface RuleOption {
  readonly name: string;
  /** Raw text after the first `:`, trimmed; null for a bare keyword such as `nocase`. */
  readonly value: string | null;
}

export interface RuleTokens {
  readonly header: string[];
  readonly options: RuleOption[];
}

/** Returns the tokens, or an error message saying what is wrong. */
export function tokenizeRule(text: string, quoteAware: boolean): RuleTokens | string {
  const open = text.indexOf('(');
  if (open < 0) return 'no option list "(…)"';
  const close = text.lastIndexOf(')');
  if (close < open) return 'option list is not closed with ")"';
  if (text.slice(close + 1).trim() !== '') return 'text after the closing ")"';
  const header = text.slice(0, open).trim().split(/\s+/).filter((w) => w !== '');
  const options = splitOptions(text.slice(open + 1, close), quoteAware);
  if (typeof options === 'string') return options;
  return { header, options };
}

function splitOptions(body: string, quoteAware: boolean): RuleOption[] | string {
  const out: RuleOption[] = [];
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      i++;
    } else if (c === 0x22 /* " */ && quoteAware) {
      inQuote = !inQuote;
    } else if (c === 0x3b /* ; */ && !inQuote) {
      const opt = toOption(body.slice(start, i));
      if (opt) out.push(opt);
      start = i + 1;
    }
  }
  if (inQuote) return 'unterminated quoted string';
  if (body.slice(start).trim() !== '') return `option "${body.slice(start).trim().slice(0, 40)}" is not terminated by ";"`;
  return out;
}

function toOption(raw: string): RuleOption | null {
  const s = raw.trim();
  if (s === '') return null;
  const colon = s.indexOf(':');
  if (colon < 0) return { name: s.toLowerCase(), value: null };
  return { name: s.slice(0, colon).trim().toLowerCase(), value: s.slice(colon + 1).trim() };
}
