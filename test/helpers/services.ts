/**
 * Where the real services live for integration/e2e tests, and a condition waiter.
 *
 * `npm test` (scripts/test.sh) starts Redis and Kafka through scripts/services.sh and exports
 * REDIS_URL / KAFKA_BROKERS; the defaults below match what that script starts, so a single
 * suite run by hand (`npx jest test/integration/...`) after `npm run services up` works too.
 * Tests wait on conditions with waitFor, never on fixed sleeps.
 */

import { randomBytes } from 'node:crypto';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

/** Redis connection URL, e.g. redis://127.0.0.1:6379 (env REDIS_URL). */
export function redisUrl(): string {
  return nonEmpty(process.env.REDIS_URL) ?? DEFAULT_REDIS_URL;
}

/** Kafka bootstrap brokers as host:port strings (env KAFKA_BROKERS, comma separated). */
export function kafkaBrokers(): string[] {
  const raw = nonEmpty(process.env.KAFKA_BROKERS) ?? DEFAULT_KAFKA_BROKERS;
  return raw.split(',').map((b) => b.trim()).filter((b) => b.length > 0);
}

/** A name no other test run uses (topics, consumer groups, key prefixes): prefix-<time>-<hex>. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message ("3 messages on topic t"). */
  what?: string;
}

/**
 * Polls `cond` until it returns a value other than false/undefined/null, and returns that value.
 * A throwing `cond` counts as "not yet"; its last error is named in the timeout error, so a
 * failure says what was awaited and why it never happened.
 */
export async function waitFor<T>(
  cond: () => T | false | undefined | null | Promise<T | false | undefined | null>,
  opts: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await cond();
      if (value !== false && value !== undefined && value !== null) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const cause = lastError === undefined ? '' : `; last error: ${errorText(lastError)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'condition'}${cause}`);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
