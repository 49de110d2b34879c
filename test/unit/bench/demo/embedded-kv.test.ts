/** The embedded state store through the real Redis client (ioredis), as `snf watchdog --http` uses it. */
import Redis from 'ioredis';
import { parseCommand, startEmbeddedKv, type EmbeddedKv } from '../../../../bench/demo/embedded-kv';

describe('embedded state store', () => {
  let kv: EmbeddedKv;
  let client: Redis;
  beforeAll(async () => {
    kv = await startEmbeddedKv();
    client = new Redis(kv.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
  });
  afterAll(async () => {
    client.disconnect();
    await kv.close();
  });

  test('GET / SET / DEL of binary values, pipelined; nil for a missing key', async () => {
    const v = Buffer.from([0, 1, 2, 255, 13, 10]);
    expect(await client.set('snf:state:nat:6:1:2:3:4', v)).toBe('OK');
    expect((await client.getBuffer('snf:state:nat:6:1:2:3:4'))!.equals(v)).toBe(true);
    expect(await client.get('missing')).toBeNull();
    const res = await client.pipeline().set('a', '1').set('b', '2').get('a').del('a', 'b', 'c').exec();
    expect(res!.map((r) => r[1])).toEqual(['OK', 'OK', '1', 2]);
    expect(kv.counters.keys()).toBe(1);
  });

  test('an unknown command is an error reply, the connection keeps serving', async () => {
    await expect(client.call('HSET', 'k', 'f', 'v')).rejects.toThrow(/unknown command 'HSET'/);
    expect(await client.ping()).toBe('PONG');
  });

  test('parseCommand: whole commands only, protocol errors named', () => {
    const cmd = Buffer.from('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
    expect(parseCommand(cmd, 0)!.args.map(String)).toEqual(['GET', 'k']);
    expect(parseCommand(cmd.subarray(0, cmd.length - 1), 0)).toBeNull();
    expect(() => parseCommand(Buffer.from('PING\r\n'), 0)).toThrow(/array/);
  });
});
