/**
 * Decoding of quoted rule strings: `content` patterns (with `|hex|` spans) and `msg` text.
 *
 * Outside `|…|`, a backslash escapes the next character (`\"`, `\;`, `\\`, `\:` are the documented
 * ones; any other escaped character is taken literally, as Snort does). Inside `|…|`, only hex
 * digit pairs and spaces are allowed.
 */

export interface QuotedString {
  /** The text between the quotes, still escaped. */
  readonly raw: string;
  /** What follows the closing quote (Snort 3 puts `,nocase,depth 4` there). */
  readonly rest: string;
  readonly negated: boolean;
}

/** Reads `[!]"…"` at the start of an option value; returns an error message on failure. */
export function readQuoted(value: string): QuotedString | string {
  let i = 0;
  let negated = false;
  while (i < value.length && value[i] === ' ') i++;
  if (value[i] === '!') {
    negated = true;
    i++;
    while (i < value.length && value[i] === ' ') i++;
  }
  if (value[i] !== '"') return 'expected a quoted string';
  const start = ++i;
  for (; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '"') return { raw: value.slice(start, i), rest: value.slice(i + 1).trim(), negated };
  }
  return 'unterminated quoted string';
}

/** Decodes content text (escapes and `|hex|` spans) to bytes; an error message on bad input. */
export function decodeContent(raw: string): Buffer | string {
  const bytes: number[] = [];
  let inHex = false;
  let nibble = -1;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charCodeAt(i);
    if (inHex) {
      if (ch === 0x7c /* | */) {
        if (nibble >= 0) return 'odd number of hex digits in |…|';
        inHex = false;
      } else if (ch === 0x20 || ch === 0x09) {
        if (nibble >= 0) return 'space inside a hex byte in |…|';
      } else {
        const v = hexValue(ch);
        if (v < 0) return `bad hex digit "${raw[i]}" in |…|`;
        if (nibble < 0) nibble = v;
        else {
          bytes.push((nibble << 4) | v);
          nibble = -1;
        }
      }
    } else if (ch === 0x7c) {
      inHex = true;
    } else if (ch === 0x5c /* \ */) {
      if (i + 1 >= raw.length) return 'dangling "\\" at the end of the content';
      i++;
      pushChar(bytes, raw.charCodeAt(i));
    } else {
      pushChar(bytes, ch);
    }
  }
  if (inHex) return 'unterminated |…| hex span';
  if (bytes.length === 0) return 'empty content';
  return Buffer.from(bytes);
}

/** Unescapes a `msg` (or other quoted) value to text. */
export function unescapeText(raw: string): string {
  return raw.replace(/\\(.)/g, '$1');
}

/** Rule files are read as latin1 (one char per byte); a wider char (from code) becomes UTF-8. */
function pushChar(bytes: number[], ch: number): void {
  if (ch < 0x100) bytes.push(ch);
  else for (const b of Buffer.from(String.fromCharCode(ch), 'utf8')) bytes.push(b);
}

function hexValue(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  if (ch >= 0x41 && ch <= 0x46) return ch - 0x37;
  if (ch >= 0x61 && ch <= 0x66) return ch - 0x57;
  return -1;
}
