/**
 * NAMES frame v1 (type 8, unit → gateway): the text of ids used in EGRESS v2 records, sent once
 * per id per connection, before the first record that uses it (in the same or an earlier write).
 *
 *  0  kind      u8   1 drop reason (id = EGRESS v2 dropId) · 2 alert signature (id = sid)
 *  1  severity  u8   kind 2: 1 (high) … 255; 0 unknown. kind 1: 0
 *  2  length    u16  text bytes that follow the fixed part
 *  4  id        u32
 *  8  gid       u32  kind 2: generator id (1 for text rules). kind 1: 0
 * 12  rev       u32  kind 2: rule revision (0 unknown). kind 1: 0
 * 16  text      UTF-8 × length (drop reason, or the signature's msg)
 *
 * A record with another kind, or text that is not valid UTF-8, rejects the whole frame.
 */
import { FRAME_HEADER_BYTES, FrameType } from './constants';
import { writeFrameHeader } from './frame-header-v1';
import { validateRecords } from './record-batch';

export const NAMES_FIXED_BYTES = 16;
export const NameKind = { DROP_REASON: 1, SIGNATURE: 2 } as const;
export type NameKind = (typeof NameKind)[keyof typeof NameKind];

export interface NameEntry {
  kind: NameKind;
  id: number;
  text: string;
  gid?: number;
  rev?: number;
  severity?: number;
}

/** Longest text carried (longer text is cut at a character boundary). */
export const MAX_NAME_BYTES = 1024;

/** A whole NAMES frame (header + body) for `entries` (called rarely: never per packet). */
export function encodeNames(entries: readonly NameEntry[]): Buffer {
  const texts = entries.map((e) => utf8Capped(e.text));
  const body = texts.reduce((n, t) => n + NAMES_FIXED_BYTES + t.length, 0);
  const buf = Buffer.alloc(FRAME_HEADER_BYTES + body);
  writeFrameHeader(buf, 0, FrameType.NAMES, 0, entries.length, body);
  let p = FRAME_HEADER_BYTES;
  entries.forEach((e, i) => {
    const t = texts[i]!;
    buf[p] = e.kind;
    buf[p + 1] = Math.max(0, Math.min(255, e.severity ?? 0));
    buf.writeUInt16BE(t.length, p + 2);
    buf.writeUInt32BE(e.id >>> 0, p + 4);
    buf.writeUInt32BE((e.gid ?? 0) >>> 0, p + 8);
    buf.writeUInt32BE((e.rev ?? 0) >>> 0, p + 12);
    t.copy(buf, p + NAMES_FIXED_BYTES);
    p += NAMES_FIXED_BYTES + t.length;
  });
  return buf;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function validateNames(body: Buffer, count: number): string | null {
  const bad = validateRecords(body, count, NAMES_FIXED_BYTES, (b, p) => NAMES_FIXED_BYTES + b.readUInt16BE(p + 2));
  if (bad !== null) return bad;
  let p = 0;
  for (let i = 0; i < count; i++) {
    const kind = body[p]!;
    if (kind !== NameKind.DROP_REASON && kind !== NameKind.SIGNATURE) return `record ${i}: unknown name kind ${kind}`;
    const len = body.readUInt16BE(p + 2);
    try {
      utf8.decode(body.subarray(p + NAMES_FIXED_BYTES, p + NAMES_FIXED_BYTES + len));
    } catch {
      return `record ${i}: text is not UTF-8`;
    }
    p += NAMES_FIXED_BYTES + len;
  }
  return null;
}

/** Decodes a validated body. */
export function decodeNames(body: Buffer, count: number): NameEntry[] {
  const out: NameEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    const len = body.readUInt16BE(p + 2);
    out.push({
      kind: body[p] as NameKind,
      severity: body[p + 1]!,
      id: body.readUInt32BE(p + 4),
      gid: body.readUInt32BE(p + 8),
      rev: body.readUInt32BE(p + 12),
      text: body.toString('utf8', p + NAMES_FIXED_BYTES, p + NAMES_FIXED_BYTES + len),
    });
    p += NAMES_FIXED_BYTES + len;
  }
  return out;
}

function utf8Capped(text: string): Buffer {
  let b = Buffer.from(text, 'utf8');
  if (b.length <= MAX_NAME_BYTES) return b;
  let end = MAX_NAME_BYTES;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--; // do not split a character
  b = b.subarray(0, end);
  return b;
}
