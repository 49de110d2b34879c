/**
 * pcapng timestamps: a 64-bit count of units since the epoch, the unit set per interface by
 * if_tsresol (a power of 10 or, with the top bit set, a power of 2; default 10^-6).
 * Converted to whole seconds + nanoseconds in integer arithmetic: a float64 cannot hold a
 * 64-bit nanosecond count, and rounding would reorder packets microseconds apart.
 */

export interface TsResolution {
  /** Units per second (10^exp or 2^exp). */
  units: number;
  /** true: units = 2^exp; false: units = 10^exp. */
  binary: boolean;
  exp: number;
}

export const DEFAULT_RESOLUTION: TsResolution = { units: 1e6, binary: false, exp: 6 };

/** Decode the if_tsresol option byte. */
export function resolutionFromOption(byte: number): TsResolution {
  const binary = (byte & 0x80) !== 0;
  const exp = byte & 0x7f;
  return { units: binary ? 2 ** exp : 10 ** exp, binary, exp };
}

/** Result holder, reused by the caller (no allocation per packet). */
export interface SecNsec {
  tsSec: number;
  tsNsec: number;
}

const TWO16 = 65536;

/** Split the 64-bit unit count (hi, lo) into seconds and nanoseconds, written into `out`. */
export function splitTimestamp(hi: number, lo: number, res: TsResolution, out: SecNsec): void {
  const d = res.units;
  // Fast path: long division by 16-bit digits keeps every intermediate below 2^53.
  if (d <= 2 ** 32 && (res.binary ? res.exp <= 32 : res.exp <= 9)) {
    let cur = hi >>> 16;
    const q3 = Math.floor(cur / d);
    let r = cur - q3 * d;
    cur = r * TWO16 + (hi & 0xffff);
    const q2 = Math.floor(cur / d);
    r = cur - q2 * d;
    cur = r * TWO16 + (lo >>> 16);
    const q1 = Math.floor(cur / d);
    r = cur - q1 * d;
    cur = r * TWO16 + (lo & 0xffff);
    const q0 = Math.floor(cur / d);
    r = cur - q0 * d;
    out.tsSec = ((q3 * TWO16 + q2) * TWO16 + q1) * TWO16 + q0;
    out.tsNsec = remainderToNs(r, res);
    return;
  }
  // Rare resolutions (finer than 1 ns, or 2^-33 and below): exact BigInt arithmetic.
  const ts = (BigInt(hi) << 32n) | BigInt(lo);
  const units = res.binary ? 1n << BigInt(res.exp) : 10n ** BigInt(res.exp);
  out.tsSec = Number(ts / units);
  out.tsNsec = Number(((ts % units) * 1_000_000_000n) / units);
}

/** Nanoseconds of a sub-second remainder r < units (only for the fast-path resolutions). */
function remainderToNs(r: number, res: TsResolution): number {
  if (!res.binary) return r * 10 ** (9 - res.exp);
  // 1e9 = 2^9 * 1953125, so r * 1e9 / 2^exp = r * 1953125 / 2^(exp-9): exact below 2^53.
  if (res.exp >= 9) return Math.floor((r * 1953125) / 2 ** (res.exp - 9));
  return Math.floor((r * 1e9) / 2 ** res.exp);
}
