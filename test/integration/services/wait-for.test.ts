// The condition waiter the integration and e2e suites rely on instead of sleeps.
import { kafkaBrokers, redisUrl, uniqueName, waitFor } from '../../helpers/services';

describe('test/helpers/services', () => {
  it('waitFor returns the first truthy value of the condition', async () => {
    let calls = 0;
    const got = await waitFor(() => (++calls >= 3 ? { calls } : false), { intervalMs: 1 });
    expect(got).toEqual({ calls: 3 });
  });

  it('waitFor treats a throwing condition as not yet and names what timed out and why', async () => {
    const failing = waitFor(
      () => {
        throw new Error('broker not ready');
      },
      { timeoutMs: 60, intervalMs: 5, what: 'the broker' },
    );
    await expect(failing).rejects.toThrow(/timed out after 60 ms waiting for the broker; last error: broker not ready/);
  });

  it('reads service addresses from the environment, with the services.sh defaults', () => {
    const saved = { r: process.env.REDIS_URL, k: process.env.KAFKA_BROKERS };
    try {
      delete process.env.REDIS_URL;
      delete process.env.KAFKA_BROKERS;
      expect(redisUrl()).toBe('redis://127.0.0.1:6379');
      expect(kafkaBrokers()).toEqual(['127.0.0.1:9092']);
      process.env.REDIS_URL = 'redis://10.1.1.1:7000/2';
      process.env.KAFKA_BROKERS = ' a:1, b:2 ,';
      expect(redisUrl()).toBe('redis://10.1.1.1:7000/2');
      expect(kafkaBrokers()).toEqual(['a:1', 'b:2']);
    } finally {
      restore('REDIS_URL', saved.r);
      restore('KAFKA_BROKERS', saved.k);
    }
  });

  it('uniqueName never repeats', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('t')));
    expect(names.size).toBe(1000);
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
