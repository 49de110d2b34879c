/**
 * Test support: run a trace through several handlers of one NF the way SNF does — each in its own
 * unit (UnitInfo {id, maxUnits}), with a connection's packets hopping between units at random and
 * its state carried along through the NF's codec (the unit it left keeps a stale copy, as real
 * units do) — next to the single-instance reference. Used by the NAT slice tests and the IDS
 * purity test.
 */
import { canonicalKey, copyFlowKey, flowKeyOf, formatFlowKey, newFlowKey, type FlowKey } from '../../../../sdk/flow-key';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { Verdict, type NetworkFunction } from '../../../../sdk/types';
import type { LoadedTrace } from '../../../../trace/types';
import type { NatOutput } from '../../../helpers/nat-equivalence';
import { seededRandom } from '../../../helpers/seeded-random';

export interface SimSide<S> {
  /** Per connection (formatFlowKey of the canonical key): outputs in processing order. */
  outputs: Map<string, NatOutput[]>;
  /** Final state per connection (the unit that processed its last packet holds the newest). */
  state: Map<string, S | undefined>;
}

export interface SimOptions {
  units: number;
  /** Probability that a packet starts a "flowlet" on a random unit. */
  moveProbability: number;
  seed: number;
  /** UnitInfo.maxUnits given to every unit (default `units`; 1 reproduces unit-local pools). */
  maxUnits?: number;
}

function run<C, S>(trace: LoadedTrace, pick: (conn: string) => LocalRuntime<C, S>, onMove?: (conn: string, key: FlowKey, rt: LocalRuntime<C, S>) => void): SimSide<S> {
  const outputs = new Map<string, NatOutput[]>();
  const last = new Map<string, LocalRuntime<C, S>>();
  const p = new Packet();
  const key = newFlowKey();
  const keys = new Map<string, FlowKey>();
  for (let i = 0; i < trace.count; i++) {
    const off = trace.offsets[i]!;
    const copy = Buffer.from(trace.bytes.subarray(off, off + trace.lengths[i]!));
    p.reset(copy, 0, copy.length);
    const conn = formatFlowKey(canonicalKey(flowKeyOf(p, key), key));
    if (!keys.has(conn)) keys.set(conn, copyFlowKey(key));
    const rt = pick(conn);
    if (onMove && last.get(conn) !== rt) onMove(conn, key, rt);
    last.set(conn, rt);
    const v = rt.process(p, trace.timesNs[i]!);
    let list = outputs.get(conn);
    if (list === undefined) outputs.set(conn, (list = []));
    list.push({ index: i, bytes: v === Verdict.FORWARD ? copy : null });
  }
  const state = new Map<string, S | undefined>();
  for (const [conn, rt] of last) state.set(conn, rt.state.get(keys.get(conn)!));
  return { outputs, state };
}

export function runReference<C, S>(nf: NetworkFunction<C, S>, config: unknown, trace: LoadedTrace): SimSide<S> {
  const rt = new LocalRuntime(nf, config);
  return run(trace, () => rt);
}

export function runOnUnits<C, S>(nf: NetworkFunction<C, S>, config: unknown, trace: LoadedTrace, o: SimOptions): SimSide<S> & { runtimes: LocalRuntime<C, S>[] } {
  const maxUnits = o.maxUnits ?? o.units;
  const runtimes = Array.from({ length: o.units }, (_, i) => new LocalRuntime(nf, config, { unit: { id: maxUnits === 1 ? 1 : i + 1, maxUnits } }));
  const rand = seededRandom(o.seed);
  const at = new Map<string, LocalRuntime<C, S>>();
  const pick = (conn: string): LocalRuntime<C, S> => {
    let rt = at.get(conn);
    if (rt === undefined || rand() < o.moveProbability) rt = runtimes[Math.floor(rand() * o.units)]!;
    at.set(conn, rt);
    return rt;
  };
  // Moving: the connection's newest state (on the unit it last ran on) is encoded and decoded
  // into the next unit's table, replacing whatever stale copy that unit had, and the handler
  // hears of it (stateArrived), as in the watchdog's runtime.
  const lastRt = new Map<string, LocalRuntime<C, S>>();
  const move = (conn: string, key: FlowKey, to: LocalRuntime<C, S>): void => {
    const from = lastRt.get(conn);
    lastRt.set(conn, to);
    if (from === undefined) return;
    const value = from.state.get(key);
    to.arrive(key, value === undefined ? undefined : nf.stateCodec.decode(nf.stateCodec.encode(value)));
  };
  const side = run(trace, pick, move);
  return { ...side, runtimes };
}
