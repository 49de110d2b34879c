/**
 * The HTTP baseline runs NF chains too (sdk/chain.ts): `udp-whitelist,nat` against the real Redis
 * (REDIS_URL): a request is whitelisted and NATed in one call, the unsolicited answer is dropped
 * with the stage-named reason, and Redis holds the chain's tuple state.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import pino from 'pino';
import Redis from 'ioredis';
import { getFunction } from '../../../functions';
import { HttpMode } from '../../../watchdog/http-mode';
import { Packet } from '../../../sdk/packet';
import { ipToString } from '../../../sdk/flow-key';
import { udp } from '../../helpers/packets';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('watchdog HTTP mode runs a chain', () => {
  const lockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'snf-wd-chain-')), '.lock');
  const nf = getFunction('udp-whitelist,nat');
  let mode: HttpMode<unknown, unknown[]>;
  let redis: Redis;
  const keys: string[] = [];
  const post = (body: Buffer) => fetch(`http://127.0.0.1:${mode.port}/`, { method: 'POST', body });

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    mode = new HttpMode(nf, nf.config.parse({}), { port: 0, host: '127.0.0.1', redisUrl: REDIS_URL, maxInflight: 0, lockFile }, pino({ level: 'silent' }));
    await mode.start();
  });
  afterAll(async () => {
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await mode.stop().catch(() => undefined);
  });

  test('request: whitelisted and NATed in one call, tuple state in Redis; unsolicited: dropped by the first stage', async () => {
    const sport = 20000 + (process.pid % 20000);
    const req = udp('10.77.0.1', sport, '192.0.2.53', 53);
    keys.push(mode.stateKey(Packet.parse(req)));
    const r = await post(req);
    expect(r.status).toBe(200);
    const out = Packet.parse(Buffer.from(await r.arrayBuffer()));
    expect(ipToString(out.srcIp)).toBe('203.0.113.1');
    const stored = await redis.getBuffer(keys[0]!);
    const state = nf.stateCodec.decode(stored!) as unknown[];
    expect(state).toHaveLength(2);
    expect(state[0]).toMatchObject({ responses: 0 });
    expect(state[1]).toMatchObject({ internalPort: sport });

    const stray = udp('192.0.2.99', 53, '10.77.0.2', sport);
    keys.push(mode.stateKey(Packet.parse(stray)));
    const d = await post(stray);
    expect(d.status).toBe(204);
    expect(d.headers.get('x-snf-drop-reason')).toBe('udp-whitelist:udp_unsolicited');
  });
});
