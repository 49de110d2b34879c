/**
 * Shared by the chaos tests: a live gateway with output loggers (`--logger`), a real trace
 * replayed through it, processes killed with SIGKILL at seeded moments while it runs, and the
 * outcome compared with the no-failure reference (LocalRuntime, test/e2e/live/live-harness.ts).
 */
import { replay, type ReplayResult } from '../../bench/replay/replayer';
import { getFunction } from '../../functions';
import { Gateway } from '../../gateway/gateway';
import { defaultGatewayOptions, type LoggerMode } from '../../gateway/options';
import type { LocalProcessProvider } from '../../gateway/units/process/local-process-provider';
import { EgressReason } from '../../proto/frames/egress-batch-v1';
import { Verdict, type NetworkFunction } from '../../sdk/types';
import { requireData } from '../../trace/data';
import { loadTrace } from '../../trace/load';
import type { LoadedTrace } from '../../trace/types';
import { seededRandom } from '../helpers/seeded-random';
import { runReference, TOKEN } from '../e2e/live/live-harness';

export const SMALLFLOWS = 'traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap';

export function chaosTrace(limit: number): LoadedTrace {
  const file = requireData(SMALLFLOWS);
  if (file === null) throw new Error(`chaos tests need ${SMALLFLOWS} under SNF_DATA`);
  return loadTrace(file, { limit });
}

/** What to kill at one moment: a unit, its logger, or both. */
export type Victim = 'unit' | 'logger' | 'both';

export interface ChaosOptions {
  nf: string;
  logger: LoggerMode;
  seed: number;
  kills: number;
  victim: Victim;
  trace: LoadedTrace;
  rate: number;
  units?: number;
  /** Kill only while at least this many units are up (successors take a while to start on a loaded box). */
  minReady?: number;
  /** Called once the gateway is up, just before the replay starts (other faults, e.g. a broker stop). */
  onStarted?: (gw: Gateway) => void;
  /** After the replay, before the state is collected and the gateway stops. */
  beforeStop?: (gw: Gateway) => Promise<void>;
  /** How long the replayer waits for missing egress after the last packet (default 15 s). */
  drainTimeoutMs?: number;
}

export interface ChaosRun {
  result: ReplayResult;
  /** Flows whose final state differs from the reference (indices into result.flows.keys). */
  stateDiffs: Array<{ flow: number; want: unknown; got: unknown }>;
  /** Packets the gateway released as UNIT_LOST, and those released with another verdict than the reference. */
  unitLost: number;
  verdictDiffs: number;
  killed: Array<{ atMs: number; unit: number; victim: Victim }>;
  /** Counters of the units still running at the end (STATS), summed. */
  units: Record<string, number>;
  stats: Record<string, any>;
}

export function comparable(nf: string, s: unknown): string {
  // NAT: each unit allocates public ports from its own slice (as in the live correctness test).
  if (nf === 'nat' && s !== undefined && s !== null) return JSON.stringify({ ...(s as object), publicPort: 0 });
  return JSON.stringify(s ?? null);
}

export async function runChaos(o: ChaosOptions): Promise<ChaosRun> {
  const nf = getFunction(o.nf) as NetworkFunction<unknown, unknown>;
  const g = defaultGatewayOptions(o.nf, TOKEN);
  const units = o.units ?? 3;
  g.mode = 'flowlet/proactive';
  g.nfTime = 'source';
  g.minUnits = units;
  g.maxUnits = units + o.kills + 2;
  g.logger = o.logger;
  g.controller = {
    timeoutNs: 1e6, sizeThresholdBytes: 4500, alpha: 0, unitCapacityBps: 6e6, initialDemandBps: 1e6, idleRetireNs: 1e12,
    backlogBudgetNs: 0, sizeForkStays: false, pendingStaysWhenFull: false,
    // No warm standby: every kill hits a unit that holds flows (a standby holds none).
    standbyUnits: 0,
  };
  // Hold timeout 60 s: a liveness bound. Held packets wait for a dead unit's successor, and on this
  // contended 2-core box starting a node process takes 1–15 s (measured); stateLost must stay 0.
  g.unitEnv = { SNF_HOLD_TIMEOUT_MS: '60000' };
  g.onUnitLog = (global as any).__unitLog;
  // The link backpressure bound (default: the product's); a small one, e.g. 16, makes frames wait
  // on every link, across unit deaths and successors (to replay a stall).
  if (process.env.SNF_GATEWAY_LINK_MAX_QUEUED !== undefined) g.linkMaxQueued = Number(process.env.SNF_GATEWAY_LINK_MAX_QUEUED);
  const gw = new Gateway(g);
  const rnd = seededRandom(o.seed);
  const durationMs = (o.trace.count / o.rate) * 1000;
  const moments = Array.from({ length: o.kills }, () => 0.05 * durationMs + rnd() * 0.8 * durationMs).sort((a, b) => a - b);
  const killed: ChaosRun['killed'] = [];
  const timers: NodeJS.Timeout[] = [];
  const dead = new Set<number>();
  await gw.start();
  try {
    const provider = gw.pool.provider as LocalProcessProvider;
    const t0 = Date.now();
    const kill = (): void => {
      // A ready unit (link up, not dead), chosen by the seeded source; with fewer than two ready
      // (replacements still starting), a little later.
      const up = (u: number, role: 'unit' | 'logger'): boolean => {
        const pid = provider.pidOf(u, role);
        return pid !== undefined && !dead.has(pid);
      };
      const ready = [...gw.pool.endpoints.keys()].filter((u) => gw.pool.links.get(u)?.isConnected && gw.pool.loggerLinks.has(u) && up(u, 'unit') && up(u, 'logger')).sort((a, b) => a - b);
      if (ready.length < (o.minReady ?? 1)) {
        timers.push(setTimeout(kill, 50));
        return;
      }
      const unit = ready[Math.floor(rnd() * ready.length)]!;
      for (const role of ['unit', 'logger'] as const) {
        if (o.victim !== 'both' && o.victim !== role) continue;
        const pid = provider.pidOf(unit, role)!;
        dead.add(pid);
        process.kill(pid, 'SIGKILL');
      }
      killed.push({ atMs: Date.now() - t0, unit, victim: o.victim });
    };
    for (const at of moments) timers.push(setTimeout(kill, at));
    o.onStarted?.(gw);
    const result = await replay({ port: gw.streamPort, token: TOKEN, trace: o.trace, rate: o.rate, collect: true, drainTimeoutMs: o.drainTimeoutMs ?? 15000 });
    for (const t of timers) clearTimeout(t);
    await o.beforeStop?.(gw);
    const keys = result.flows.keys;
    const ref = runReference(o.nf, o.trace, keys);
    const units = await gw.unitTotals() as Record<string, number>;
    const dumped = await gw.collectState(keys);
    const got = dumped.map((d) => (d === null || !d.present ? undefined : nf.stateCodec.decode(d.value)));
    const stateDiffs: ChaosRun['stateDiffs'] = [];
    got.forEach((v, i) => {
      if (comparable(o.nf, v) !== comparable(o.nf, ref.state[i])) stateDiffs.push({ flow: i, want: ref.state[i], got: v });
    });
    let unitLost = 0;
    let verdictDiffs = 0;
    result.outputs!.forEach((out, s) => {
      if (out === null) return;
      if (out.reason === EgressReason.UNIT_LOST) unitLost++;
      else if ((out.verdict === Verdict.FORWARD) !== (ref.verdict[s] === Verdict.FORWARD)) verdictDiffs++;
    });
    return { result, stateDiffs, unitLost, verdictDiffs, killed, units, stats: gw.stats() as Record<string, any> };
  } finally {
    for (const t of timers) clearTimeout(t);
    await gw.stop();
  }
}

/** One line that makes a failure reproducible. */
export function describeRun(o: ChaosOptions, r: ChaosRun): string {
  const { resent, loggedNotReleased, lostNoCopy, lostToDeadUnit, unknownEgress, noLink, pendingFull } = r.stats.gateway ?? {};
  return JSON.stringify({
    seed: o.seed, nf: o.nf, logger: o.logger, victim: o.victim, killed: r.killed, sent: r.result.sent, received: r.result.received,
    duplicates: r.result.duplicates, unitLost: r.unitLost, verdictDiffs: r.verdictDiffs, stateDiffs: r.stateDiffs.slice(0, 3), stateDiffCount: r.stateDiffs.length,
    gateway: { resent, loggedNotReleased, lostNoCopy, lostToDeadUnit, unknownEgress, noLink, pendingFull }, units: { stateLost: r.units.stateLost, late: r.units.late, restarted: r.units.restarted }, recovery: r.stats.recovery,
  });
}
