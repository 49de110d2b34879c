/** HTTP baseline against the real Redis (REDIS_URL, default redis://127.0.0.1:6379). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import pino from 'pino';
import Redis from 'ioredis';
import { HttpMode } from '../../../watchdog/http-mode';
import { Packet } from '../../../sdk/packet';
import { countingNf } from '../../unit/watchdog/counting-nf';
import { tcp, udp } from '../../helpers/packets';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('watchdog HTTP mode (of-watchdog compatible)', () => {
  const lockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'snf-wd-')), '.lock');
  const nf = { ...countingNf, name: `counting-${process.pid}-${Date.now()}` };
  let mode: HttpMode<null, any>;
  let redis: Redis;
  const base = () => `http://127.0.0.1:${mode.port}`;
  const post = (body: Buffer) => fetch(`${base()}/`, { method: 'POST', body });

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    mode = new HttpMode(nf, null, { port: 0, host: '127.0.0.1', redisUrl: REDIS_URL, maxInflight: 2, lockFile }, pino({ level: 'silent' }));
    await mode.start();
  });
  afterAll(async () => {
    const keys = await redis.keys(`snf:state:${nf.name}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await mode.stop().catch(() => undefined);
  });

  test('per-flow state lives in Redis: each packet sees the count of earlier ones, both directions', async () => {
    const outs: number[] = [];
    for (const pkt of [tcp('10.9.0.1', 1234, '10.9.0.2', 80), tcp('10.9.0.2', 80, '10.9.0.1', 1234), tcp('10.9.0.1', 1234, '10.9.0.2', 80)]) {
      const r = await post(pkt);
      expect(r.status).toBe(200);
      expect(Number(r.headers.get('x-duration-seconds'))).toBeGreaterThan(0);
      outs.push(Buffer.from(await r.arrayBuffer())[1]!);
    }
    expect(outs).toEqual([0, 1, 2]);
    const key = mode.stateKey(Packet.parse(tcp('10.9.0.1', 1234, '10.9.0.2', 80)));
    expect((await redis.getBuffer(key))!.toString('hex')).toBe('00000003');
  });

  test('drop → 204 with the reason; delete removes the Redis key; garbage → 400', async () => {
    const r = await post(udp('10.9.1.1', 5, '10.9.1.2', 13));
    expect(r.status).toBe(204);
    expect(r.headers.get('x-snf-drop-reason')).toBe('port13');
    const del = udp('10.9.1.1', 5, '10.9.1.2', 9);
    expect((await post(del)).status).toBe(200);
    expect(await redis.exists(mode.stateKey(Packet.parse(del)))).toBe(0);
    const bad = await post(Buffer.from('hello'));
    expect(bad.status).toBe(400);
  });

  test('health/ready with the lock file; 503 while draining', async () => {
    expect(fs.existsSync(lockFile)).toBe(true);
    expect((await fetch(`${base()}/_/health`)).status).toBe(200);
    expect((await fetch(`${base()}/_/ready`)).status).toBe(200);
    fs.rmSync(lockFile);
    expect((await fetch(`${base()}/_/ready`)).status).toBe(503);
    fs.writeFileSync(lockFile, '');
  });

  test('above max_inflight (2): 429 with faas-middleware\'s body, the others served', async () => {
    // Redis paused for 300 ms (CLIENT PAUSE, from our own connection): the first requests wait on
    // their state read, so the later ones find 2 in flight.
    await redis.call('CLIENT', 'PAUSE', '300', 'ALL');
    const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => post(tcp('10.9.2.1', 2000 + i, '10.9.2.2', 80))));
    const codes = rs.map((r) => r.status);
    const limited = rs.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(2);
    expect(codes.every((c) => c === 200 || c === 429)).toBe(true);
    expect(await limited[0]!.text()).toBe('Concurrent request limit exceeded. Max concurrent requests: 2');
    for (const r of rs) if (r.status === 200) await r.arrayBuffer();
    // And it keeps serving once the burst is over.
    expect((await post(tcp('10.9.2.1', 1999, '10.9.2.2', 80))).status).toBe(200);
  });
});
