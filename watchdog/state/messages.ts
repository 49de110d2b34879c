/**
 * Between the unit's entries and StatePeer/store messages, shared by every state backend and the
 * StatePeer service: entry → FlowStateMsg (encoded once per flow), arriving state → the processor
 * (stale clocks never win), and one batch of fetches with its answers applied.
 */
import type { FlowKeyMsg, FlowStateMsg, PullItemMsg, PullReplyMsg } from '../../proto/load';
import type { FlowKey } from '../../sdk/flow-key';
import type { FlowEntry } from '../runtime/flow-entry';
import type { PacketProcessor } from '../runtime/packet-processor';

export const EMPTY: Buffer = Buffer.alloc(0);

export function keyMsg<S>(e: FlowEntry<S>): FlowKeyMsg {
  return { proto: e.proto, srcIp: e.srcIp, srcPort: e.srcPort, dstIp: e.dstIp, dstPort: e.dstPort };
}

export function flowStateMsg<S>(e: FlowEntry<S>, value: Buffer): FlowStateMsg {
  return { key: keyMsg(e), clock: e.clock, present: e.present, value };
}

/** The entry as a message (empty value when deleted); null, counted `pushErrors`, when the codec throws. */
export function entryMsg<C, S>(proc: PacketProcessor<C, S>, e: FlowEntry<S>): FlowStateMsg | null {
  if (!e.present) return flowStateMsg(e, EMPTY);
  try {
    return flowStateMsg(e, proc.codec.encode(e.value as S));
  } catch {
    proc.counters.pushErrors++;
    return null;
  }
}

/** Applies arriving flow states to a processor through one scratch key (no per-flow key object). */
export class StateApplier<C, S> {
  private readonly k: FlowKey = { proto: 0, srcIp: 0, srcPort: 0, dstIp: 0, dstPort: 0 };
  constructor(readonly proc: PacketProcessor<C, S>) {}

  /** 0 applied, 1 stale (clock not newer), 2 rejected (undecodable value). */
  apply(f: FlowStateMsg, nowNs: number, byPull: boolean): 0 | 1 | 2 {
    this.setKey(f.key!);
    return this.proc.applyRemote(this.k, f.clock, f.present, f.value ?? EMPTY, nowNs, byPull);
  }

  lookup(key: FlowKeyMsg): FlowEntry<S> | undefined {
    this.setKey(key);
    return this.proc.store.get(this.k);
  }

  private setKey(m: FlowKeyMsg): void {
    const k = this.k;
    k.proto = m.proto; k.srcIp = m.srcIp; k.srcPort = m.srcPort; k.dstIp = m.dstIp; k.dstPort = m.dstPort;
  }
}

/** Flows to fetch from one source in one request, in the order of their items. */
export class FetchBatch<S> {
  readonly entries: FlowEntry<S>[] = [];
  readonly items: PullItemMsg[] = [];

  add(e: FlowEntry<S>, minClock: number): void {
    this.entries.push(e);
    this.items.push({ key: keyMsg(e), minClock });
  }

  /** Count it sent (`pullsSent`, `pullFlowsRequested`). */
  countSent<C>(proc: PacketProcessor<C, S>): void {
    proc.counters.pullsSent++;
    proc.counters.pullFlowsRequested += this.items.length;
  }

  /** Apply an answer: found flows are applied; every flow's pull is done (still held → re-pulled later). */
  applyReply<C>(app: StateApplier<C, S>, reply: PullReplyMsg, nowNs: number): void {
    const proc = app.proc;
    const c = proc.counters;
    for (let i = 0; i < this.entries.length; i++) {
      const r = reply.flows[i];
      if (r && r.found && r.state && r.state.key) {
        c.pullFlowsFound++;
        app.apply(r.state, nowNs, true);
      } else c.pullFlowsUnknown++;
      proc.pullDone(this.entries[i]!, nowNs);
    }
  }

  /** The request failed: every flow's pull is done (re-pulled while still held). */
  failed<C>(proc: PacketProcessor<C, S>, nowNs: number): void {
    proc.counters.pullErrors++;
    for (const e of this.entries) proc.pullDone(e, nowNs);
  }
}
