/** `snf up`'s state store against the real Redis (REDIS_URL) and the atomic JSON file. */
import Redis from 'ioredis';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FileStateStore, openStateStore, RedisStateStore, type PersistedState } from '../../../gateway/functions/state-store';
import { redisUrl, uniqueName } from '../../helpers/services';

const state = (n: number): PersistedState => ({
  version: 1,
  functions: [{ deployment: { service: `f${n}`, image: 'i' }, createdAt: '2026-01-01T00:00:00Z', minUnits: n }],
  secrets: [{ name: 's', namespace: 'openfaas-fn', value: 'v' }],
});

test('Redis: saves in call order, loads back, null when absent', async () => {
  const key = uniqueName('snf-up-state');
  const client = new Redis(redisUrl());
  const store = new RedisStateStore(client, key, 'redis');
  try {
    expect(await store.load()).toBeNull();
    await Promise.all([store.save(state(1)), store.save(state(2)), store.save(state(3))]);
    expect(await store.load()).toEqual(state(3));
  } finally {
    await client.del(key);
    await store.close();
  }
});

test('openStateStore picks Redis when a URL is given', async () => {
  const s = await openStateStore('/nonexistent/state.json', redisUrl(), uniqueName('snf-up-state'));
  expect(s.where).toMatch(/^redis:\/\//);
  await s.close();
});

test('file: atomic writes (no temp files left), mode 0600, bad content is an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-state-'));
  try {
    const file = join(dir, 'sub', 'state.json');
    const store = new FileStateStore(file);
    expect(await store.load()).toBeNull();
    await Promise.all([store.save(state(1)), store.save(state(2))]);
    expect(await new FileStateStore(file).load()).toEqual(state(2));
    expect(readdirSync(join(dir, 'sub'))).toEqual(['state.json']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, '{"version":9}');
    await expect(store.load()).rejects.toThrow(/not an snf up state/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
