/**
 * One gRPC client per peer unit, created on first use from the peer directory (CLI/env
 * `--peers`, or the gateway's PEERS frame). Every call carries the cluster token.
 */
import * as grpc from '@grpc/grpc-js';
import { monotonicNs } from '../proto/frames/timing-v1';
import { PushLane, type PushWritable } from './push-lane';
import { statePeerService, type FlowStateMsg, type PullItemMsg, type PullReplyMsg, type PushReplyMsg } from '../proto/load';

export class PeerClients {
  private readonly addresses = new Map<number, string>();
  private readonly clients = new Map<number, grpc.Client>();
  /**
   * One open PushStream per target (see snf.proto: ~8× cheaper per push than a unary call), with
   * at most one message per loop turn and one in flight on it (push-lane.ts: what is placed
   * meanwhile goes as one message).
   */
  private readonly pushStreams = new Map<number, PushLane>();
  private readonly md = new grpc.Metadata();
  /** One open PullStream per peer, with its requests awaiting answers by request id. */
  private readonly pullStreams = new Map<number, PullStreamState>();
  private pullSeq = 0;
  private flushScheduled = false;
  /** Once per loop turn at most: every lane writes what was placed this turn (push-lane.ts). */
  private readonly flushLanes = (): void => {
    this.flushScheduled = false;
    for (const lane of this.pushStreams.values()) lane.flush();
  };
  private readonly scheduleFlush = (): void => {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushLanes);
  };

  constructor(
    readonly selfId: number, token: string, readonly deadlineMs = 2000,
    /** A push stream failed (the pushes written on it may be lost; later pushes open a new one). */
    private readonly onPushError?: (unit: number, err: Error) => void,
    /** A PushStream message finished its write (push-lane.ts `onWritten`; state/push-timing.ts). */
    private readonly onPushWritten: ((sinceMonoNs: number) => void) | null = null,
  ) {
    this.md.set('authorization', `Bearer ${token}`);
  }

  setAddress(unit: number, address: string): void {
    if (this.addresses.get(unit) === address) return;
    this.addresses.set(unit, address);
    this.endPushStream(unit);
    this.endPullStream(unit, new Error(`unit ${unit} moved to ${address}`));
    this.clients.get(unit)?.close();
    this.clients.delete(unit);
  }

  /**
   * Start connecting to `unit` now (TCP + HTTP/2 set-up) and open its PushStream, so the first
   * push or pull of a moved flowlet does not pay for them (part of a unit's warm-up; no message).
   */
  warm(unit: number): void {
    if (unit === this.selfId || !this.addresses.has(unit)) return;
    try {
      (this.client(unit) as grpc.Client).getChannel().getConnectivityState(true);
      // The PushStream too: its call set-up (headers, the receiver's handler) is not paid by the
      // first push (proactive's whole-run p99 was 4.5–12× its steady one, results §9.0).
      this.lane(unit);
    } catch {
      // a bad address fails again, and is reported, on first use
    }
  }

  private endPushStream(unit: number): void {
    const s = this.pushStreams.get(unit);
    if (s === undefined) return;
    this.pushStreams.delete(unit);
    s.end();
  }

  /** Units with a known address. */
  units(): number[] {
    return [...this.addresses.keys()];
  }

  address(unit: number): string | undefined {
    return this.addresses.get(unit);
  }

  private client(unit: number): any {
    let c = this.clients.get(unit);
    if (c === undefined) {
      const addr = this.addresses.get(unit);
      if (addr === undefined) throw new Error(`no address for unit ${unit}`);
      c = new (statePeerService().Client)(addr, grpc.credentials.createInsecure());
      this.clients.set(unit, c);
    }
    return c;
  }

  /**
   * Push over the target's PushStream (opened on first use, reopened after a failure): written at
   * once on an idle lane, else later in this loop turn with every other flow placed for it, or
   * after the message in flight (push-lane.ts). Resolves at once: the receiver applies or ignores each flow by clock, and answers only at the end.
   */
  pushStreamed(unit: number, flows: FlowStateMsg[]): Promise<PushReplyMsg> {
    let lane: PushLane;
    try {
      lane = this.lane(unit);
    } catch (err) {
      return Promise.reject(err);
    }
    lane.push(flows);
    return Promise.resolve({ applied: flows.length, stale: 0, rejected: 0 });
  }

  /** The target's push lane, its PushStream opened now if there is none (or the last one failed). */
  private lane(unit: number): PushLane {
    let lane = this.pushStreams.get(unit);
    if (lane === undefined) {
      const opened: PushLane = new PushLane(this.client(unit).PushStream(this.md, (err: Error | null) => {
        if (this.pushStreams.get(unit) === opened) this.pushStreams.delete(unit);
        if (err && (err as { code?: number }).code !== grpc.status.CANCELLED) this.onPushError?.(unit, err);
      }) as PushWritable, this.selfId, this.scheduleFlush, this.onPushWritten);
      lane = opened;
      this.pushStreams.set(unit, lane);
    }
    return lane;
  }

  /** One unary Push (waits for the receiver's answer). */
  push(unit: number, flows: FlowStateMsg[]): Promise<PushReplyMsg> {
    return new Promise((resolve, reject) => {
      try {
        this.client(unit).Push({ fromUnit: this.selfId, flows, sentMonoNs: monotonicNs() }, this.md, { deadline: Date.now() + this.deadlineMs },
          (err: Error | null, r: PushReplyMsg) => (err ? reject(err) : resolve(r)));
      } catch (err) {
        reject(err);
      }
    });
  }

  pull(unit: number, flows: PullItemMsg[]): Promise<PullReplyMsg> {
    return new Promise((resolve, reject) => {
      try {
        this.client(unit).Pull({ fromUnit: this.selfId, flows }, this.md, { deadline: Date.now() + this.deadlineMs },
          (err: Error | null, r: PullReplyMsg) => (err ? reject(err) : resolve(r)));
      } catch (err) {
        reject(err);
      }
    });
  }

  /**
   * Pull over the peer's PullStream (opened on first use, reopened after a failure). Resolves with
   * the peer's answer to this request; rejects after `deadlineMs` or if the stream fails.
   */
  pullStreamed(unit: number, flows: PullItemMsg[]): Promise<PullReplyMsg> {
    let st = this.pullStreams.get(unit);
    if (st === undefined) {
      try {
        const stream: grpc.ClientDuplexStream<unknown, PullReplyMsg> = this.client(unit).PullStream(this.md);
        const opened: PullStreamState = { stream, pending: new Map() };
        stream.on('data', (r: PullReplyMsg) => {
          const p = opened.pending.get(r.requestId ?? 0);
          if (p === undefined) return;
          opened.pending.delete(r.requestId ?? 0);
          clearTimeout(p.timer);
          if (r.flows.length !== p.count) p.reject(new Error(`pull answered ${r.flows.length} of ${p.count} flows`));
          else p.resolve(r);
        });
        const fail = (err: Error) => {
          if (this.pullStreams.get(unit) === opened) this.pullStreams.delete(unit);
          failAll(opened, err);
        };
        stream.on('error', fail);
        stream.on('end', () => fail(new Error('pull stream ended')));
        st = opened;
      } catch (err) {
        return Promise.reject(err);
      }
      this.pullStreams.set(unit, st);
    }
    const s = st;
    const id = ++this.pullSeq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        s.pending.delete(id);
        reject(new Error(`pull from unit ${unit}: no answer in ${this.deadlineMs} ms`));
      }, this.deadlineMs);
      s.pending.set(id, { resolve, reject, timer, count: flows.length });
      s.stream.write({ fromUnit: this.selfId, flows, requestId: id });
    });
  }

  private endPullStream(unit: number, why: Error): void {
    const st = this.pullStreams.get(unit);
    if (st === undefined) return;
    this.pullStreams.delete(unit);
    failAll(st, why);
    st.stream.end();
  }

  close(): void {
    for (const u of [...this.pullStreams.keys()]) this.endPullStream(u, new Error('peer clients closed'));
    for (const u of [...this.pushStreams.keys()]) this.endPushStream(u);
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

interface PendingPull {
  resolve: (r: PullReplyMsg) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  count: number;
}

interface PullStreamState {
  stream: grpc.ClientDuplexStream<unknown, PullReplyMsg>;
  pending: Map<number, PendingPull>;
}

function failAll(st: PullStreamState, err: Error): void {
  for (const p of st.pending.values()) {
    clearTimeout(p.timer);
    p.reject(err);
  }
  st.pending.clear();
}
