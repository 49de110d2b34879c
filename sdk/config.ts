/**
 * Strict configuration validators. Each validator turns raw input (JSON from a file, Redis, or a
 * default) into a typed, deeply frozen value, or throws `ConfigError` naming the bad field with a
 * dotted path (`rules.2.port`). Never a silent default for a present-but-bad value.
 *
 * Scalars also accept their exact string spelling ("8080", "true", "10.0.0.1") because Redis
 * hashes and environment variables only carry strings; anything else that is not the right type
 * is an error.
 *
 *   const schema = object({ port: integer({ min: 1, max: 65535 }), mode: oneOf(['a', 'b'] as const) });
 *   schema.parse({ port: 80, mode: 'a' })  // → Readonly<{ port: number; mode: 'a' | 'b' }>
 */
import { ConfigError } from './errors';
import { parseIpv4 } from './flow-key';
import type { ConfigSchema } from './types';

export interface Validator<T> extends ConfigSchema<T> {
  /** Validate `raw`; `path` names it in errors ('' = the root). */
  parse(raw: unknown, path?: string): T;
  /** Set by `optional`: the value used when the field is absent. */
  readonly hasDefault?: boolean;
  readonly defaultValue?: T;
}

export type Infer<V> = V extends Validator<infer T> ? T : never;

const ROOT = '(root)';

function fail(path: string, message: string): never {
  throw new ConfigError(path === '' ? ROOT : path, message);
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'string') return `the string ${JSON.stringify(raw.length > 40 ? raw.slice(0, 40) + '…' : raw)}`;
  if (typeof raw === 'object') return 'an object';
  return `${typeof raw} ${String(raw)}`;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

function validator<T>(parse: (raw: unknown, path: string) => T): Validator<T> {
  return { parse: (raw: unknown, path = '') => parse(raw, path) };
}

interface RangeOptions {
  min?: number;
  max?: number;
}

function checkRange(n: number, o: RangeOptions, path: string): number {
  if (o.min !== undefined && n < o.min) fail(path, `must be ≥ ${o.min}, got ${n}`);
  if (o.max !== undefined && n > o.max) fail(path, `must be ≤ ${o.max}, got ${n}`);
  return n;
}

export function integer(o: RangeOptions = {}): Validator<number> {
  return validator((raw, path) => {
    let n: number;
    if (typeof raw === 'number') n = raw;
    else if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) n = Number(raw.trim());
    else return fail(path, `must be an integer, got ${describe(raw)}`);
    if (!Number.isSafeInteger(n)) fail(path, `must be an integer, got ${describe(raw)}`);
    return checkRange(n, o, path);
  });
}

export function number(o: RangeOptions = {}): Validator<number> {
  return validator((raw, path) => {
    let n: number;
    if (typeof raw === 'number') n = raw;
    else if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) n = Number(raw);
    else return fail(path, `must be a number, got ${describe(raw)}`);
    if (!Number.isFinite(n)) fail(path, `must be a finite number, got ${describe(raw)}`);
    return checkRange(n, o, path);
  });
}

export function string(o: { minLength?: number; maxLength?: number; pattern?: RegExp } = {}): Validator<string> {
  return validator((raw, path) => {
    if (typeof raw !== 'string') return fail(path, `must be a string, got ${describe(raw)}`);
    if (o.minLength !== undefined && raw.length < o.minLength) fail(path, `must be at least ${o.minLength} characters`);
    if (o.maxLength !== undefined && raw.length > o.maxLength) fail(path, `must be at most ${o.maxLength} characters`);
    if (o.pattern && !o.pattern.test(raw)) fail(path, `must match ${o.pattern}, got ${describe(raw)}`);
    return raw;
  });
}

export function boolean(): Validator<boolean> {
  return validator((raw, path) => {
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    return fail(path, `must be true or false, got ${describe(raw)}`);
  });
}

/** A dotted-quad IPv4 address, parsed to an unsigned 32-bit integer. */
export function ipv4(): Validator<number> {
  return validator((raw, path) => {
    if (typeof raw !== 'string') return fail(path, `must be an IPv4 address string, got ${describe(raw)}`);
    try {
      return parseIpv4(raw.trim());
    } catch {
      return fail(path, `must be an IPv4 address (a.b.c.d), got ${describe(raw)}`);
    }
  });
}

export interface Cidr {
  /** Network address with host bits cleared (uint32). */
  readonly network: number;
  readonly prefix: number;
  /** Netmask (uint32); `(ip & mask) >>> 0 === network` tests membership. */
  readonly mask: number;
}

export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ((ip & c.mask) >>> 0) === c.network;
}

/** "a.b.c.d/n" (a bare address means /32). Host bits set beyond the prefix are an error. */
export function cidr(): Validator<Cidr> {
  return validator((raw, path) => {
    if (typeof raw !== 'string') return fail(path, `must be a CIDR string like 10.0.0.0/8, got ${describe(raw)}`);
    const [addr, len, extra] = raw.trim().split('/');
    if (extra !== undefined || (len !== undefined && !/^\d{1,2}$/.test(len))) {
      return fail(path, `must be a CIDR like 10.0.0.0/8, got ${describe(raw)}`);
    }
    const prefix = len === undefined ? 32 : Number(len);
    if (prefix > 32) fail(path, `prefix length must be 0..32, got ${prefix}`);
    let ip: number;
    try {
      ip = parseIpv4(addr!);
    } catch {
      return fail(path, `must be a CIDR like 10.0.0.0/8, got ${describe(raw)}`);
    }
    const mask = prefixMask(prefix);
    if (((ip & mask) >>> 0) !== ip) fail(path, `host bits set beyond /${prefix} in ${raw}`);
    return Object.freeze({ network: ip, prefix, mask });
  });
}

export function array<T>(of: Validator<T>, o: { minLength?: number; maxLength?: number } = {}): Validator<readonly T[]> {
  return validator((raw, path) => {
    if (!Array.isArray(raw)) return fail(path, `must be an array, got ${describe(raw)}`);
    if (o.minLength !== undefined && raw.length < o.minLength) fail(path, `must have at least ${o.minLength} items`);
    if (o.maxLength !== undefined && raw.length > o.maxLength) fail(path, `must have at most ${o.maxLength} items`);
    return Object.freeze(raw.map((item, i) => of.parse(item, join(path, i))));
  });
}

export function oneOf<const T extends readonly (string | number | boolean)[]>(values: T): Validator<T[number]> {
  return validator((raw, path) => {
    if (values.includes(raw as T[number])) return raw as T[number];
    return fail(path, `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(raw)}`);
  });
}

/** The field may be absent (or undefined); then `defaultValue` is used (frozen). */
export function optional<T>(v: Validator<T>, defaultValue: T): Validator<T> {
  const frozen = deepFreeze(defaultValue);
  return {
    parse: (raw: unknown, path = '') => (raw === undefined ? frozen : v.parse(raw, path)),
    hasDefault: true,
    defaultValue: frozen,
  };
}

type Shape = Record<string, Validator<unknown>>;
export type ObjectOf<S extends Shape> = { readonly [K in keyof S]: Infer<S[K]> };

/**
 * An object with exactly these fields. `strict` (default true) rejects unknown fields; with
 * `strict: false` they are dropped. Missing fields are an error unless wrapped in `optional`.
 */
export function object<S extends Shape>(shape: S, o: { strict?: boolean } = {}): Validator<ObjectOf<S>> {
  const strict = o.strict !== false;
  const keys = Object.keys(shape);
  return validator((raw, path) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(path, `must be an object, got ${describe(raw)}`);
    const input = raw as Record<string, unknown>;
    if (strict) {
      for (const k of Object.keys(input)) {
        if (!Object.prototype.hasOwnProperty.call(shape, k)) fail(join(path, k), `unknown field (expected one of: ${keys.join(', ')})`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const field = shape[k]!;
      const value = Object.prototype.hasOwnProperty.call(input, k) ? input[k] : undefined;
      if (value === undefined && !field.hasDefault) fail(join(path, k), 'is required');
      out[k] = field.parse(value, join(path, k));
    }
    return Object.freeze(out) as ObjectOf<S>;
  });
}
