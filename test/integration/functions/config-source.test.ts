/**
 * loadConfig against the real Redis (REDIS_URL, default redis://127.0.0.1:6379; scripts/services.sh
 * starts one) and real files: good configs load, bad ones name the source and the field.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { loadConfig } from '../../../functions/config-source';
import { nat } from '../../../functions/nat';
import { qos } from '../../../functions/qos';
import { udpWhitelist } from '../../../functions/udp-whitelist';
import { ConfigError, SnfError } from '../../../sdk/errors';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `snf:test:config-source:${process.pid}:${Date.now()}`;
let redis: Redis;
let dir: string;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'snf-config-'));
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await fs.rm(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<SnfError> {
  try {
    await p;
  } catch (err) {
    return err as SnfError;
  }
  throw new Error('expected loadConfig to fail');
}

describe('from a file', () => {
  it('loads and validates a JSON file', async () => {
    const file = path.join(dir, 'nat.json');
    await fs.writeFile(file, JSON.stringify({ publicIp: '198.51.100.1', ports: { min: 2000, max: 2999 } }));
    const c = await loadConfig(nat, { file });
    expect(c.publicIp).toBe(0xc6336401);
    expect(c.ports).toEqual({ min: 2000, max: 2999 });
    expect(c.idleTimeoutMs).toEqual({ tcp: 300_000, udp: 30_000 });
  });

  it('names the file and the field of a bad value', async () => {
    const file = path.join(dir, 'bad-nat.json');
    await fs.writeFile(file, JSON.stringify({ publicIp: '198.51.100.1', ports: { min: 2000, max: 70000 } }));
    const err = await rejection(loadConfig(nat, { file }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('ports.max');
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/^ports\.max: must be ≤ 65535/);
  });

  it('reports unreadable files (retriable) and invalid JSON', async () => {
    const missing = await rejection(loadConfig(nat, { file: path.join(dir, 'nope.json') }));
    expect(missing.code).toBe('SNF_ERR_CONFIG_SOURCE');
    expect(missing.retriable).toBe(true);
    expect(missing.message).toContain('nope.json');
    const file = path.join(dir, 'broken.json');
    await fs.writeFile(file, '{"publicIp": ');
    const broken = await rejection(loadConfig(nat, { file }));
    expect(broken.code).toBe('SNF_ERR_CONFIG');
    expect(broken.message).toContain('broken.json');
  });

  it('falls back to the defaults with no source; refuses two sources', async () => {
    expect((await loadConfig(udpWhitelist)).expiryMs).toBe(120_000);
    const both = await rejection(loadConfig(nat, { file: 'a', redis: { url: REDIS_URL, key: 'b' } }));
    expect(both.code).toBe('SNF_ERR_USAGE');
  });
});

describe('from the real Redis', () => {
  it('loads a JSON string value', async () => {
    const key = `${prefix}:nat`;
    await redis.set(key, JSON.stringify({ publicIp: '203.0.113.9', internal: ['10.0.0.0/8'], otherProtocols: 'forward' }));
    const c = await loadConfig(nat, { redis: { url: REDIS_URL, key } });
    expect(c.publicIp).toBe(0xcb007109);
    expect(c.internal).toHaveLength(1);
    expect(c.otherProtocols).toBe('forward');
  });

  it('loads a hash whose fields are strings or JSON', async () => {
    const key = `${prefix}:qos`;
    await redis.hset(key, { rateBps: '64000', burstBytes: '3000', action: 'mark', classes: JSON.stringify([{ ports: [53], rateBps: 8000, burstBytes: 512 }]) });
    const c = await loadConfig(qos, { redis: { url: REDIS_URL, key } });
    expect(c).toMatchObject({ rateBps: 64000, burstBytes: 3000, action: 'mark', markDscp: 8 });
    expect(c.classes[0]).toEqual({ ports: [53], rateBps: 8000, burstBytes: 512 });
  });

  it('names the key and the field of a bad value', async () => {
    const key = `${prefix}:bad-qos`;
    await redis.set(key, JSON.stringify({ rateBps: 64000, burstBytes: 3000, classes: [{ ports: [53, 'dns'], rateBps: 1, burstBytes: 1 }] }));
    const err = await rejection(loadConfig(qos, { redis: { url: REDIS_URL, key } }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('classes.0.ports.1');
    expect(err.message).toContain(key);
  });

  it('reports a missing key and an unreachable server as retriable source errors', async () => {
    const missing = await rejection(loadConfig(nat, { redis: { url: REDIS_URL, key: `${prefix}:absent` } }));
    expect(missing.code).toBe('SNF_ERR_CONFIG_SOURCE');
    expect(missing.message).toContain(`${prefix}:absent`);
    const down = await rejection(loadConfig(nat, { redis: { url: 'redis://127.0.0.1:1', key: 'k' }, timeoutMs: 500 }));
    expect(down.code).toBe('SNF_ERR_CONFIG_SOURCE');
    expect(down.retriable).toBe(true);
    expect(down.message).toContain('redis://127.0.0.1:1');
  });

  it('rejects a key of the wrong Redis type, naming it', async () => {
    const key = `${prefix}:list`;
    await redis.rpush(key, 'x');
    const err = await rejection(loadConfig(nat, { redis: { url: REDIS_URL, key } }));
    expect(err.code).toBe('SNF_ERR_CONFIG');
    expect(err.message).toContain('is a Redis list');
  });
});
