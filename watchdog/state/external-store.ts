/**
 * The Redis client of the external state backend (external-backend.ts says when it reads and
 * writes): pipelined reads of many flows, one Lua call writing many flows.
 *
 * Each key is a hash {c: clock, p: present 0/1, v: value}; the Lua script overwrites only an older
 * clock, so a stale or reordered write never wins. Keys are namespaced per gateway run
 * (`snf:ext:<ns>:<nf>:<proto>:<ipA>:<portA>:<ipB>:<portB>`, canonical connection, IPs as uint32)
 * and expire after the unit's eviction time.
 * */
import Redis from 'ioredis';
import type { FlowKeyMsg, FlowStateMsg, PulledStateMsg, PullItemMsg, PullReplyMsg, PushReplyMsg } from '../../proto/load';
import type { UnitCounters } from '../runtime/counters';

/** KEYS = flows; ARGV = ttlMs, then (clock, present, value) per key. Returns how many were newer. */
const PUT_NEWER_LUA = `
local ttl = tonumber(ARGV[1])
local n = 0
for i, k in ipairs(KEYS) do
  local j = 2 + (i - 1) * 3
  local c = tonumber(ARGV[j])
  local cur = tonumber(redis.call('HGET', k, 'c'))
  if cur == nil or cur < c then
    redis.call('HSET', k, 'c', ARGV[j], 'p', ARGV[j + 1], 'v', ARGV[j + 2])
    n = n + 1
  end
  redis.call('PEXPIRE', k, ttl)
end
return n`;

type PutNewer = (numKeys: number, ...args: Array<string | Buffer | number>) => Promise<number>;

export function externalKey(prefix: string, k: FlowKeyMsg): string {
  return `${prefix}${k.proto}:${k.srcIp}:${k.srcPort}:${k.dstIp}:${k.dstPort}`;
}

export class ExternalStateStore {
  readonly redis: Redis;
  private readonly prefix: string;
  private readonly putNewer: PutNewer;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(url: string, namespace: string, nf: string, private readonly ttlMs: number, private readonly c: UnitCounters) {
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.redis.defineCommand('snfPutNewer', { lua: PUT_NEWER_LUA });
    this.putNewer = (this.redis as unknown as { snfPutNewer: PutNewer }).snfPutNewer.bind(this.redis);
    this.prefix = `snf:ext:${namespace}:${nf}:`;
  }

  connect(): Promise<void> {
    return this.redis.connect();
  }

  /** Write flows whose clock is newer than the stored one (stale writes are no-ops). */
  write(flows: FlowStateMsg[]): Promise<PushReplyMsg> {
    const args: Array<string | Buffer | number> = [];
    const keys: string[] = [];
    for (const f of flows) {
      keys.push(externalKey(this.prefix, f.key!));
      this.c.storeBytesWritten += f.value.length;
    }
    args.push(this.ttlMs);
    for (const f of flows) args.push(f.clock, f.present ? 1 : 0, f.value);
    this.c.storeWrites += flows.length;
    const p = this.putNewer(keys.length, ...keys, ...args).then(
      (n) => ({ applied: n, stale: flows.length - n, rejected: 0 }),
      (err) => {
        this.c.storeErrors++;
        throw err;
      },
    );
    return this.track(p);
  }

  /** Read flows; found only when the stored clock reached `minClock` (else re-read later). */
  read(items: PullItemMsg[]): Promise<PullReplyMsg> {
    const pipe = this.redis.pipeline();
    for (const it of items) pipe.hmgetBuffer(externalKey(this.prefix, it.key!), 'c', 'p', 'v');
    this.c.storeReads += items.length;
    const p = pipe.exec().then((res) => {
      const flows: PulledStateMsg[] = [];
      for (let i = 0; i < items.length; i++) {
        const r = res?.[i];
        const vals = r && r[0] === null ? (r[1] as Array<Buffer | null>) : null;
        if (r && r[0] !== null) this.c.storeErrors++;
        const clock = vals && vals[0] ? Number(vals[0].toString()) : 0;
        if (clock === 0 || clock < items[i]!.minClock) {
          this.c.storeFlowsMissing++;
          flows.push({ found: false, state: null });
          continue;
        }
        const present = vals![1] !== null && vals![1].toString() === '1';
        flows.push({ found: true, state: { key: items[i]!.key, clock, present, value: vals![2] ?? Buffer.alloc(0) } });
      }
      return { flows };
    }, (err) => {
      this.c.storeErrors++;
      throw err;
    });
    return this.track(p);
  }

  /** Wait for writes and reads under way (drain on stop). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.redis.disconnect();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const done = () => void this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }
}
