/**
 * `snf demo` as a user runs it (bin/snf.js → dist/, built first): the README's first command,
 * shortened with --seconds. No services: exit 0, the table's rows, the report written and its path
 * printed, and every packet accounted for in both modes. With REDIS_URL and KAFKA_BROKERS set:
 * the vanilla state lands in that Redis. Bad input: a clear message and a non-zero exit.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import Redis from 'ioredis';
import { DEMO_ROWS } from '../../../bench/demo/table';
import type { CompareResult } from '../../../bench/compare/types';
import { kafkaBrokers, redisUrl } from '../../helpers/services';
import { runSnf } from '../../helpers/snf-gateway';

const ROOT = join(__dirname, '..', '..', '..');


function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.REDIS_URL;
  delete env.KAFKA_BROKERS;
  return env;
}

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'snf-demo-e2e-'));
  dirs.push(d);
  return d;
};

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function checkRun(r: { code: number; out: string; err: string }, dir: string): CompareResult {
  if (r.code !== 0) throw new Error(`snf demo exited ${r.code}: ${r.err.slice(-2000)}`);
  const lines = r.out.trimEnd().split('\n');
  expect(lines[lines.length - 1]).toBe(`report: ${join(dir, 'index.html')}`);
  expect(existsSync(join(dir, 'index.html'))).toBe(true);
  expect(lines[1]).toMatch(/SNF \(flowlets\)\s+vanilla \(per-packet HTTP\)$/);
  for (const row of DEMO_ROWS) expect(lines.some((l) => l.startsWith(`${row} `))).toBe(true);
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as CompareResult;
  const packets = Number(result.params.packets);
  expect(packets).toBeGreaterThan(500);
  expect(Object.keys(result.modes).sort()).toEqual(['flowlet', 'packet']);
  for (const m of ['flowlet', 'packet']) {
    const f = result.modes[m]!;
    const tableLost = lines.find((l) => l.startsWith('lost '))!.slice(4).trim().split(/\s{3,}/);
    expect(tableLost[m === 'flowlet' ? 0 : 1]!.replace(/,/g, '')).toBe(String(f.lost));
    // Every packet ran the NF once (billed) or is counted lost; nothing is billed twice.
    expect(f.lost).toBeGreaterThanOrEqual(0);
    expect(f.billedPackets).toBeLessThanOrEqual(packets);
    expect(f.billedPackets + f.lost).toBeGreaterThanOrEqual(packets);
    expect(f.unitsMean).toBeGreaterThanOrEqual(1);
    expect(f.latencyUs.p50).toBeGreaterThan(0);
    expect(result.series[m]!.latencyCdfUs.length).toBeGreaterThan(0);
  }
  expect(result.modes.packet!.billedPackets + result.modes.packet!.lost).toBe(packets);
  return result;
}

describe('snf demo', () => {
  test('no services: exit 0, the table, the report, every packet accounted for', async () => {
    const dir = tmp();
    const r = await runSnf(['demo', '--seconds', '2', '--pps', '1000', '--report', dir], cleanEnv());
    const result = checkRun(r, dir);
    expect(result.params.stateStore).toBe('embedded');
    expect(r.err).toMatch(/snf demo: deploy: nat, nat-vanilla/);
  }, 120_000);

  test('REDIS_URL and KAFKA_BROKERS set: the vanilla state is in that Redis', async () => {
    const dir = tmp();
    const url = redisUrl();
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      const before = new Set(await redis.keys('snf:state:nat:*'));
      const env = { ...cleanEnv(), REDIS_URL: url, KAFKA_BROKERS: kafkaBrokers().join(',') };
      const r = await runSnf(['demo', '--seconds', '1', '--pps', '1000', '--report', dir], env);
      const result = checkRun(r, dir);
      expect(result.params.stateStore).toBe('redis');
      expect(result.params.alerts).toBe('kafka');
      // Only the keys this run wrote are removed (other runs may share the Redis).
      const added = (await redis.keys('snf:state:nat:*')).filter((k) => !before.has(k));
      expect(added.length).toBeGreaterThan(0);
      await redis.del(...added);
    } finally {
      redis.disconnect();
    }
  }, 120_000);

  test('bad input: an unknown function or a missing capture is a clear error, non-zero exit', async () => {
    const a = await runSnf(['demo', '--function', 'nope', '--seconds', '0.5', '--report', tmp()], cleanEnv());
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/snf demo: failed: .*has no function "nope" \(it has: nat, lb/);
    const b = await runSnf(['demo', '--pcap', '/nonexistent.pcap'], cleanEnv());
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--pcap \/nonexistent\.pcap: no such file/);
  }, 120_000);
});
