/**
 * Reference matcher for the IDS tests: indexOf over every pattern, same case rules (nocase
 * patterns compared on ASCII-lowercased text). Deliberately simple and slow.
 */
export interface NaivePattern {
  bytes: Uint8Array;
  nocase: boolean;
}

export function lowerAscii(b: Uint8Array): Buffer {
  const out = Buffer.from(b);
  for (let i = 0; i < out.length; i++) if (out[i]! >= 0x41 && out[i]! <= 0x5a) out[i] = out[i]! | 0x20;
  return out;
}

/** Every (pattern, end) occurrence in `text` with end in (from, text.length], sorted by end then pattern. */
export function naiveMatches(patterns: readonly NaivePattern[], text: Uint8Array, from = 0): Array<[number, number]> {
  const exact = Buffer.from(text.buffer, text.byteOffset, text.length);
  const lower = lowerAscii(text);
  const out: Array<[number, number]> = [];
  patterns.forEach((p, pi) => {
    if (p.bytes.length === 0) return;
    const hay = p.nocase ? lower : exact;
    const needle = p.nocase ? lowerAscii(p.bytes) : Buffer.from(p.bytes);
    for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
      const end = i + needle.length;
      if (end > from) out.push([pi, end]);
    }
  });
  return out.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}
