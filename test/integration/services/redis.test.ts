// Real Redis (scripts/services.sh starts it): binary-safe values, pipelines, expiry.
import Redis from 'ioredis';
import { redisUrl, uniqueName, waitFor } from '../../helpers/services';

describe('redis service', () => {
  let redis: Redis;
  const prefix = uniqueName('snf-test-redis');
  const key = (name: string): string => `${prefix}:${name}`;

  beforeAll(async () => {
    redis = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 });
    await redis.connect();
  });

  afterAll(async () => {
    if (!redis) return;
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('answers PING', async () => {
    await expect(redis.ping()).resolves.toBe('PONG');
  });

  it('round-trips a binary value byte for byte (all 256 byte values, CR LF and NUL included)', async () => {
    const value = Buffer.alloc(1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 7 + 3) & 0xff;
    value.write('\r\n\0', 100, 'latin1');
    await expect(redis.set(key('bin'), value)).resolves.toBe('OK');
    const back = await redis.getBuffer(key('bin'));
    expect(back).not.toBeNull();
    expect(back!.equals(value)).toBe(true);
    await expect(redis.strlen(key('bin'))).resolves.toBe(1024);
  });

  it('runs a pipeline and returns each reply in order', async () => {
    const results = await redis
      .pipeline()
      .set(key('n'), '10')
      .incrby(key('n'), 5)
      .rpush(key('list'), 'a', 'b', 'c')
      .lrange(key('list'), 0, -1)
      .hset(key('h'), 'flow', '10.0.0.1:80', 'port', '40000')
      .hgetall(key('h'))
      .get(key('missing'))
      .exec();
    expect(results).not.toBeNull();
    for (const [err] of results!) expect(err).toBeNull();
    expect(results!.map(([, reply]) => reply)).toEqual([
      'OK',
      15,
      3,
      ['a', 'b', 'c'],
      2,
      { flow: '10.0.0.1:80', port: '40000' },
      null,
    ]);
  });

  it('reports a per-command error inside a pipeline without failing the others', async () => {
    const results = await redis
      .pipeline()
      .set(key('s'), 'not-a-number')
      .incr(key('s'))
      .get(key('s'))
      .exec();
    expect(results![0]).toEqual([null, 'OK']);
    expect(results![1]![0]).toBeInstanceOf(Error);
    expect(String(results![1]![0])).toMatch(/not an integer/);
    expect(results![2]).toEqual([null, 'not-a-number']);
  });

  it('expires a key set with PX (waited for, not slept on)', async () => {
    await redis.set(key('ttl'), 'x', 'PX', 150);
    await expect(redis.exists(key('ttl'))).resolves.toBe(1);
    await waitFor(async () => (await redis.exists(key('ttl'))) === 0, {
      timeoutMs: 5000,
      what: 'the PX 150 key to expire',
    });
  });
});
