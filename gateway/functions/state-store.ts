/**
 * Where `snf up` keeps its deployments and secrets so they survive a restart: a JSON file
 * (written atomically: temp file, fsync, rename; mode 0600 since it holds secret values), or
 * Redis (one key) when REDIS_URL is set. Writes are serialized in call order. Values of
 * secrets are never logged.
 */
import { promises as fs } from 'fs';
import { dirname, join } from 'path';
import Redis from 'ioredis';
import type { FunctionDeployment } from '../api/types';

export interface PersistedFunction {
  deployment: FunctionDeployment;
  createdAt: string;
  /** Floor set through scale-function (absent: the min label). */
  minUnits?: number;
  /** Ports the function's ingress had, reused on restore when still free. */
  streamPort?: number;
  udpPort?: number;
}

export interface PersistedState {
  version: 1;
  functions: PersistedFunction[];
  secrets: Array<{ name: string; namespace: string; value?: string; rawValue?: string }>;
}

export interface StateStore {
  /** Where it lives, for the startup banner. */
  readonly where: string;
  load(): Promise<PersistedState | null>;
  save(s: PersistedState): Promise<void>;
  close(): Promise<void>;
}

function parseState(text: string, where: string): PersistedState {
  const s = JSON.parse(text) as PersistedState;
  if (s === null || typeof s !== 'object' || s.version !== 1 || !Array.isArray(s.functions) || !Array.isArray(s.secrets)) {
    throw new Error(`${where}: not an snf up state (version 1)`);
  }
  return s;
}

export class FileStateStore implements StateStore {
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;

  constructor(readonly file: string) {}

  get where(): string {
    return this.file;
  }

  async load(): Promise<PersistedState | null> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return parseState(text, this.file);
  }

  save(s: PersistedState): Promise<void> {
    const text = JSON.stringify(s, null, 2);
    const next = this.chain.then(() => this.write(text));
    this.chain = next.catch(() => {});
    return next;
  }

  private async write(text: string): Promise<void> {
    await fs.mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = join(dirname(this.file), `.${process.pid}.${this.seq++}.tmp`);
    const fh = await fs.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, this.file);
  }

  async close(): Promise<void> {
    await this.chain;
  }
}

/** Minimal surface of an ioredis client (tests may pass a real one). */
interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  quit(): Promise<unknown>;
}

export class RedisStateStore implements StateStore {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly redis: RedisLike, readonly key: string, private readonly label: string) {}

  get where(): string {
    return `${this.label} key ${this.key}`;
  }

  async load(): Promise<PersistedState | null> {
    const text = await this.redis.get(this.key);
    return text === null ? null : parseState(text, this.where);
  }

  save(s: PersistedState): Promise<void> {
    const text = JSON.stringify(s);
    const next = this.chain.then(async () => {
      await this.redis.set(this.key, text);
    });
    this.chain = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.redis.quit();
  }
}

/** Redis when `redisUrl` is given, else the file. */
export async function openStateStore(file: string, redisUrl: string | undefined, key = 'snf:up:state'): Promise<StateStore> {
  if (redisUrl === undefined || redisUrl === '') return new FileStateStore(file);
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await client.connect();
  const u = new URL(redisUrl);
  return new RedisStateStore(client, key, `redis://${u.host}`);
}
