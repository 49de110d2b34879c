/**
 * loadConfig: an NF's configuration from a JSON file, a Redis key, or its defaults, validated by
 * the NF's schema. Control path only (once per unit start or reconfiguration), never per packet.
 *
 * Redis: the key holds a JSON string (GET), or a hash (HGETALL) whose fields are the top-level
 * config fields, each either JSON (objects, arrays, numbers) or a plain string — the schema's
 * validators accept the string spelling of scalars. Errors:
 * - the source cannot be read (missing file, Redis down, key absent): SnfError
 *   SNF_ERR_CONFIG_SOURCE (retriable), naming the file or the Redis URL and key;
 * - the content is not JSON or fails validation: ConfigError (SNF_ERR_CONFIG) whose message names
 *   the source and whose `field` is the dotted path of the bad field.
 */
import { promises as fs } from 'fs';
import Redis from 'ioredis';
import { ConfigError, SnfError } from '../sdk/errors';
import type { NetworkFunction } from '../sdk/types';

export interface ConfigSourceOptions {
  file?: string;
  redis?: { url: string; key: string };
  /** Redis connect/command timeout, ms (default 2000). */
  timeoutMs?: number;
}

/** Validate `raw` with the NF's schema; a ConfigError keeps its field and gains the source name. */
export function parseFrom<C>(nf: NetworkFunction<C, unknown>, raw: unknown, source: string): C {
  try {
    return nf.config.parse(raw);
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new ConfigError(err.field, `${err.message.slice(err.field.length + 2)} (in ${source})`, { cause: err });
    }
    throw err;
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError('(root)', `not valid JSON in ${source}: ${(err as Error).message}`, { cause: err });
  }
}

async function readFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new SnfError('SNF_ERR_CONFIG_SOURCE', `cannot read config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseJson(text, `file ${file}`);
}

/** Hash fields: JSON when they parse as JSON, else the raw string. */
function fromHash(h: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) {
    try {
      out[k] = JSON.parse(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

async function readRedis(url: string, key: string, timeoutMs: number): Promise<unknown> {
  const where = `redis ${url} key ${key}`;
  const client = new Redis(url, {
    lazyConnect: true,
    disconnectTimeout: 50, // default 2 s keeps a timer alive after a refused connection
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined); // reported through the failing command below
  try {
    await client.connect();
    const type = await client.type(key);
    if (type === 'none') throw new SnfError('SNF_ERR_CONFIG_SOURCE', `config not found: ${where} does not exist`);
    if (type === 'string') return parseJson((await client.get(key)) ?? '', where);
    if (type === 'hash') return fromHash(await client.hgetall(key));
    throw new ConfigError('(root)', `${where} is a Redis ${type}; expected a JSON string or a hash`);
  } catch (err) {
    if (err instanceof SnfError) throw err;
    throw new SnfError('SNF_ERR_CONFIG_SOURCE', `cannot read config from ${where}: ${(err as Error).message}`, { cause: err });
  } finally {
    client.disconnect();
  }
}

/**
 * The NF's validated configuration from `file`, else from `redis`, else its defaultConfig.
 * Giving both is a usage error (one source of truth).
 */
export async function loadConfig<C>(nf: NetworkFunction<C, unknown>, options: ConfigSourceOptions = {}): Promise<C> {
  if (options.file !== undefined && options.redis !== undefined) {
    throw new SnfError('SNF_ERR_USAGE', 'give a config file or a Redis key, not both');
  }
  if (options.file !== undefined) return parseFrom(nf, await readFile(options.file), `file ${options.file}`);
  if (options.redis !== undefined) {
    const { url, key } = options.redis;
    return parseFrom(nf, await readRedis(url, key, options.timeoutMs ?? 2000), `redis ${url} key ${key}`);
  }
  return parseFrom(nf, nf.defaultConfig, `${nf.name} defaults`);
}
