/**
 * A unit's processor wired to a state backend the way ComputeUnit wires it, with fake transports
 * that record calls and answer when the test says (no sockets).
 */
import type { Logger } from 'pino';
import type { FlowStateMsg, PullItemMsg, PullReplyMsg, PushReplyMsg } from '../../../../proto/load';
import { PacketProcessor } from '../../../../watchdog/runtime/packet-processor';
import { sweep } from '../../../../watchdog/runtime/sweep';
import type { StateBackend } from '../../../../watchdog/state/backend';
import type { PeerTransport } from '../../../../watchdog/state/peer-backend';
import type { StateStore } from '../../../../watchdog/state/external-backend';
import { tcp } from '../../../helpers/packets';
import { countingNf, type CountState } from '../counting-nf';

export const flowA = tcp('10.0.0.1', 1000, '10.0.0.2', 80);
export const flowB = tcp('10.0.0.3', 2000, '10.0.0.2', 80);

export const quietLog = { warn: () => {}, info: () => {}, error: () => {} } as unknown as Logger;

/** A deferred answer the test resolves or rejects. */
export interface Call<A, R> { unit: number; arg: A; resolve(r: R): void; reject(e: Error): void }

function call<A, R>(list: Array<Call<A, R>>, unit: number, arg: A): Promise<R> {
  return new Promise<R>((resolve, reject) => list.push({ unit, arg, resolve, reject }));
}

export class FakePeers implements PeerTransport {
  readonly streamedPushes: Array<Call<FlowStateMsg[], PushReplyMsg>> = [];
  readonly unaryPushes: Array<Call<FlowStateMsg[], PushReplyMsg>> = [];
  readonly pulls: Array<Call<PullItemMsg[], PullReplyMsg>> = [];
  constructor(readonly known: number[]) {}
  units(): number[] { return this.known; }
  address(unit: number): string | undefined { return this.known.includes(unit) ? `127.0.0.1:${9000 + unit}` : undefined; }
  pushStreamed(unit: number, flows: FlowStateMsg[]): Promise<PushReplyMsg> { return call(this.streamedPushes, unit, flows); }
  push(unit: number, flows: FlowStateMsg[]): Promise<PushReplyMsg> { return call(this.unaryPushes, unit, flows); }
  pullStreamed(unit: number, items: PullItemMsg[]): Promise<PullReplyMsg> { return call(this.pulls, unit, items); }
}

export class FakeStore implements StateStore {
  readonly writes: Array<Call<FlowStateMsg[], PushReplyMsg>> = [];
  readonly reads: Array<Call<PullItemMsg[], PullReplyMsg>> = [];
  connected = false;
  closed = false;
  connect(): Promise<void> { this.connected = true; return Promise.resolve(); }
  write(flows: FlowStateMsg[]): Promise<PushReplyMsg> { return call(this.writes, 0, flows); }
  read(items: PullItemMsg[]): Promise<PullReplyMsg> { return call(this.reads, 0, items); }
  settle(): Promise<void> { return Promise.resolve(); }
  close(): void { this.closed = true; }
}

export interface Unit {
  proc: PacketProcessor<null, CountState>;
  backend: StateBackend<CountState>;
  /** TOS of each packet out = the count it ran on. */
  out: number[];
  arrivals: { n: number };
  send(clock: number, prevUnit: number, nowNs?: number, pkt?: Buffer, targets?: number[]): void;
  /** What ComputeUnit.afterWork does with the backend: sweep into it, flush it. */
  afterWork(nowNs: number): void;
}

export function unitWith(
  unitId: number,
  make: (proc: PacketProcessor<null, CountState>, afterAsync: () => void) => StateBackend<CountState>,
): Unit {
  const out: number[] = [];
  const arrivals = { n: 0 };
  let backend: StateBackend<CountState> | null = null;
  const proc = new PacketProcessor<null, CountState>(countingNf, null, {
    emit: (_f, _c, _v, _r, buf, off) => out.push(buf[off + 1]!),
    canPull: (u) => backend!.canFetch(u),
    requestPull: (u, e, minClock) => backend!.requestFetch(u, e, minClock),
  }, { unitId, pullDelayNs: 0, pullRetryNs: 1000, holdTimeoutNs: 1e12 });
  const u: Unit = {
    proc, backend: null as unknown as StateBackend<CountState>, out, arrivals,
    send: (clock, prevUnit, nowNs = 0, pkt = flowA, targets = [1, 2, 3]) =>
      proc.processOne(clock, clock, prevUnit, targets, targets.length, nowNs, pkt, 0, pkt.length, nowNs),
    afterWork: (nowNs) => {
      sweep(proc, nowNs, { idlePushNs: 250, evictNs: 1e12 }, backend!.placeIdle);
      backend!.flush();
    },
  };
  backend = make(proc, () => arrivals.n++);
  u.backend = backend;
  return u;
}

/** Let promise callbacks run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
