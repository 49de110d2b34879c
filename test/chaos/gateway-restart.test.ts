/**
 * kill -9 of the gateway itself under load, then a restart that resumes from its Redis checkpoint
 * (issue 8; paper §6, last paragraph). `snf gateway --logger memory --checkpoint <prefix>` runs as
 * its own process with 3 units and their loggers; smallFlows (9,000 packets at 2,000 pkt/s, NAT
 * and QoS, source time) is replayed into it and the gateway is SIGKILLed at a seeded moment; a new
 * `snf gateway` with the same prefix adopts the still-running units and loggers, and the rest of
 * the trace is replayed into it. Checks:
 *  - the units and loggers outlived the dead gateway (their pids are alive, the same ones resumed);
 *  - no packet is released twice (each phase's replayer sees each sequence number at most once),
 *    and nothing sent to the restarted gateway is lost;
 *  - what was lost is only what was in flight at the kill (sent, never answered), at most 1 s of load;
 *  - every flow's final state equals the no-failure reference run over the packets that reached a
 *    unit: the answered ones, plus for each flow a prefix of its unanswered ones (a packet the
 *    units ran whose egress died with the gateway). A reset clock would restart a flow's state
 *    (the unit's `restarted`), so this also shows that no flow or clock was reset.
 * SNF_TEST_CHAOS_SEED replays a failure; the seed is in every failure message.
 */
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { replay, type ReplayResult } from '../../bench/replay/replayer';
import { getFunction } from '../../functions';
import { decodeMeta, flowsKey, metaKey, type CheckpointMeta } from '../../gateway/checkpoint/checkpoint-format';
import { pullStates } from '../../gateway/state-dump';
import type { NetworkFunction } from '../../sdk/types';
import type { LoadedTrace } from '../../trace/types';
import { runReference, TOKEN } from '../e2e/live/live-harness';
import { seededRandom } from '../helpers/seeded-random';
import { chaosTrace, comparable } from './chaos-harness';
import { killHard, startGatewayProcess, type GatewayProcess } from './gateway-process';

jest.setTimeout(480_000);

const SEED = Number(process.env.SNF_TEST_CHAOS_SEED ?? 20261205);
const RATE = 2000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function suffix(t: LoadedTrace, from: number): LoadedTrace {
  return {
    ...t, count: t.count - from, offsets: t.offsets.subarray(from), lengths: t.lengths.subarray(from),
    wireLengths: t.wireLengths.subarray(from), timesNs: t.timesNs.subarray(from),
  };
}

/** The checkpoint's meta once it lists `units` units (the first flush comes one interval after start). */
async function readMeta(redis: Redis, prefix: string, units: number, timeoutMs = 30_000): Promise<CheckpointMeta> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = decodeMeta(await redis.get(metaKey(prefix)));
    if (typeof m !== 'string' && m.units.length >= units) return m;
    if (Date.now() > until) throw new Error(`checkpoint ${prefix}: ${typeof m === 'string' ? m : `${m.units.length} units`}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pidOf = (instance: string | undefined): number | undefined => (instance?.startsWith('pid:') ? Number(instance.slice(4)) : undefined);
const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter((l) => l.trim() !== '').map(Number);
  } catch {
    return []; // none
  }
}

describe('kill -9 of the gateway under load: a restarted gateway resumes from its checkpoint', () => {
  for (const nf of ['nat', 'qos']) {
    it(`${nf}: flows and clocks survive, units and loggers are adopted`, async () => {
      const seed = SEED + (nf === 'nat' ? 0 : 1);
      const rnd = seededRandom(seed);
      const trace = chaosTrace(9000);
      const prefix = `snf:test:gwck:${nf}:${randomBytes(4).toString('hex')}`;
      const args = [
        '--function', nf, '--token', TOKEN, '--listen', '0', '--mode', 'flowlet/proactive', '--nf-time', 'source',
        '--min-units', '3', '--max-units', '3', '--timeout-us', '1000', '--size-bytes', '4500', '--alpha', '0',
        '--logger', 'memory', '--checkpoint', prefix, '--checkpoint-ms', '20', '--alerts', 'off',
      ];
      // Hold timeout 60 s: a liveness bound on this contended box (see chaos-harness.ts).
      const env = { REDIS_URL, SNF_HOLD_TIMEOUT_MS: '60000' };
      const redis = new Redis(REDIS_URL);
      const pids = new Set<number>();
      let a: GatewayProcess | null = null;
      let b: GatewayProcess | null = null;
      const why: Record<string, unknown> = { seed, nf, prefix };
      try {
        a = await startGatewayProcess(args, env);
        await readMeta(redis, prefix, 1);
        const killAtMs = Math.round((0.3 + 0.4 * rnd()) * (trace.count / RATE) * 1000);
        why.killAtMs = killAtMs;
        let killedAt = 0;
        const gwA = a;
        const timer = setTimeout(() => {
          killedAt = Date.now();
          // Every process it started (also a unit still starting, which no checkpoint names): cleaned up at the end.
          for (const p of childrenOf(gwA.child.pid!)) pids.add(p);
          killHard(gwA.child.pid);
        }, killAtMs);
        const r1: ReplayResult = await replay({ port: a.streamPort, token: TOKEN, trace, rate: RATE, collect: true, endOnClose: true, drainTimeoutMs: 15000 });
        clearTimeout(timer);
        expect({ killed: killedAt > 0, sentBeforeKill: r1.sent < trace.count, why }).toEqual({ killed: true, sentBeforeKill: true, why });
        // What the dead gateway last flushed: the checkpoint the new one resumes from.
        const metaA = await readMeta(redis, prefix, 1);
        const unitPids = metaA.units.flatMap((u) => [pidOf(u.instance), pidOf(u.logger?.instance)]);
        why.checkpointedUnits = metaA.units.length;
        expect({ unitsAlive: unitPids.every(alive), why }).toEqual({ unitsAlive: true, why });

        const t0 = Date.now();
        b = await startGatewayProcess(args, env);
        why.restartMs = Date.now() - killedAt;
        why.startMs = Date.now() - t0;
        const r2 = await replay({ port: b.streamPort, token: TOKEN, trace: suffix(trace, r1.sent), rate: RATE, collect: true, drainTimeoutMs: 15000 });
        const metaB = await readMeta(redis, prefix, 1);
        for (const u of metaB.units) [pidOf(u.instance), pidOf(u.logger?.instance)].forEach((p) => p !== undefined && pids.add(p));
        expect({ runId: metaB.runId, why }).toEqual({ runId: metaA.runId, why });

        const keys = r1.flows.keys;
        const peers = metaB.units.map((u) => ({ unit: u.unit, address: `${u.peer.host}:${u.peer.port}` }));
        const codec = (getFunction(nf) as NetworkFunction<unknown, unknown>).stateCodec;
        const got = (await pullStates(peers, TOKEN, keys)).map((d) => (d === null || !d.present ? undefined : codec.decode(d.value)));
        const stats = await b.stop();
        b = null;

        // Phase 1's unanswered packets, by flow in trace order: in flight at the kill.
        const unanswered: number[] = [];
        for (let i = 0; i < r1.sent; i++) if (r1.outputs![i] === null) unanswered.push(i);
        const byFlow = new Map<number, number[]>();
        for (const i of unanswered) {
          const f = r1.flows.flowOf[i]!;
          byFlow.set(f, [...(byFlow.get(f) ?? []), i]);
        }
        const ran = new Set<number>();
        const chosen = new Map<number, number>();
        const diffs = (): number[] => {
          const ref = runReference(nf, trace, keys, (i) => i >= r1.sent || r1.outputs![i] !== null || ran.has(i));
          return keys.map((_, f) => f).filter((f) => comparable(nf, got[f]) !== comparable(nf, ref.state[f]));
        };
        // Per flow the packets the units ran are a prefix of its unanswered ones: find each flow's.
        let bad = diffs();
        const longest = Math.max(0, ...[...byFlow.values()].map((l) => l.length));
        for (let j = 1; j <= longest && bad.length > 0; j++) {
          const trying = bad.filter((f) => (byFlow.get(f)?.length ?? 0) >= j);
          if (trying.length === 0) break;
          for (const f of trying) {
            ran.add(byFlow.get(f)![j - 1]!);
            chosen.set(f, j);
          }
          const still = new Set(diffs());
          for (const f of trying) {
            if (still.has(f)) continue;
            bad = bad.filter((x) => x !== f);
          }
          // Flows not fixed at j keep their j packets and try j + 1.
        }
        const g = stats?.gateway ?? {};
        Object.assign(why, {
          sent1: r1.sent, received1: r1.received, dup1: r1.duplicates, sent2: r2.sent, received2: r2.received, dup2: r2.duplicates,
          inFlightLost: unanswered.length, ranUnanswered: [...chosen.values()].reduce((x, y) => x + y, 0), unknownEgressAtB: g.unknownEgress,
          resumed: stats?.checkpoint?.resumed, gatewayB: g, poolB: stats?.pool, recoveryB: stats?.recovery, controllerB: stats?.controller, stateDiffs: bad.slice(0, 3).map((f) => ({ flow: f, got: got[f] })), stateDiffCount: bad.length,
        });
        process.stderr.write(`gateway restart (${nf}): ${JSON.stringify(why)}\n`);
        expect({ duplicates: r1.duplicates + r2.duplicates, lostAfterRestart: r2.lost, why }).toEqual({ duplicates: 0, lostAfterRestart: 0, why });
        // In flight at the kill (in the dead gateway or its socket buffers): at most 1 s of load.
        expect({ boundedLoss: unanswered.length <= RATE, why }).toEqual({ boundedLoss: true, why });
        expect({ stateDiffs: bad.length, why }).toEqual({ stateDiffs: 0, why });
        expect({ resumedUnits: stats?.checkpoint?.resumed?.units, why }).toEqual({ resumedUnits: metaA.units.length, why });
        expect({ missing: stats?.checkpoint?.resumed?.unitsMissing, why }).toEqual({ missing: 0, why });
      } finally {
        // A gateway still alive here (a failure before the kill) leaves its units orphaned once killed: collect them first.
        if (a !== null && a.child.exitCode === null && a.child.signalCode === null) for (const p of childrenOf(a.child.pid!)) pids.add(p);
        killHard(a?.child.pid);
        await b?.stop(10_000).catch(() => null);
        for (const p of pids) killHard(p);
        await redis.del(metaKey(prefix), flowsKey(prefix));
        redis.disconnect();
      }
    });
  }
});
