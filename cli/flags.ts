/** Strict flag parsing: a bad number is a usage error naming the flag, never a silent NaN or 0. */
import { SnfError } from '../sdk/errors';

export function parseIntFlag(flag: string, value: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(String(value).trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new SnfError('SNF_ERR_USAGE', `${flag} must be an integer in [${min}, ${max}], got '${value}'`);
  }
  return n;
}

export function parseNumberFlag(flag: string, value: string, min = -Infinity, max = Infinity): number {
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new SnfError('SNF_ERR_USAGE', `${flag} must be a number in [${min}, ${max}], got '${value}'`);
  }
  return n;
}

export function parseListFlag(flag: string, value: string): string[] {
  const items = String(value).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new SnfError('SNF_ERR_USAGE', `${flag} needs a comma-separated list, got '${value}'`);
  return items;
}

/**
 * `--ctrl a=1,b=false`: controller parameters (`snf sim`, `snf bench live`), checked later by the
 * controller's resolveParams (unknown names and bad values are ConfigErrors naming the field).
 */
export function parseCtrlFlag(text: string | undefined): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  if (text === undefined) return out;
  for (const item of parseListFlag('--ctrl', text)) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(item);
    if (!m) throw new SnfError('SNF_ERR_USAGE', `--ctrl items must be name=value, got '${item}'`);
    out[m[1]!] = m[2] === 'true' ? true : m[2] === 'false' ? false : parseNumberFlag(`--ctrl ${m[1]}`, m[2]!);
  }
  return out;
}
