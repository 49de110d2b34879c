/**
 * One target's PushStream: at most one message per loop turn, and at most one in flight (issue 12).
 *
 * Why: grpc-js's client stream is a Node Writable with `_write` only; each message's write
 * completes (its callback) an event-loop turn or more later, so messages written back to back
 * leave ONE PER LOOP TURN (measured: 1000 one-flow messages written at once were applied 408 ms
 * later, after 1001 turns). A unit places pushes after every batch and sweep tick, several per
 * turn under load, so the queue grew without bound and a push landed hundreds of ms after it was
 * placed (bench live, 3 units, 20 k pkt/s: flight p99 0.54 s) — after the next flowlet. Writing on
 * completion (one message in flight, the rest coalesced) still sent ~2 messages per turn and
 * still fell behind (4 placements per turn: flight p50 201 turns); one message per turn does not
 * (p50 2 turns; a sender busy 3 ms a turn, another process receiving: flight p50 ~470 → ~6.5 ms).
 *
 * Here: a placement on an idle lane (nothing in flight, nothing written this turn) is written at
 * once; later ones collect in one pending batch, and the owner runs `flush()` once per turn
 * (PeerClients: one setImmediate for every lane), which writes the batch as ONE message (many flows
 * per message, ARCHITECTURE §7) unless a message is still in flight, whose completion asks for
 * another flush. (Deferring every write to the flush cost one more loop turn per push: measured
 * 4 turns to land instead of 3 on an idle pair.) A batch that reaches `maxFlows` is written at once (the
 * Writable queues it), which keeps each message under the receiver's HTTP/2 stream window and
 * its per-call limit.
 *
 * Each message carries `sent_mono_ns` = when its oldest flow was placed here, so the receiver's
 * flight figure includes the wait in this lane. Order: flows leave in the order they were placed,
 * and the receiver orders states by their clocks anyway (paper Pseudocode 2), never by arrival.
 */
import { monotonicNs } from '../proto/frames/timing-v1';
import type { FlowStateMsg, PushRequestMsg } from '../proto/load';

/** The part of a grpc-js ClientWritableStream a lane uses. */
export interface PushWritable {
  write(msg: PushRequestMsg, cb: (err?: Error | null) => void): unknown;
  end(): unknown;
}

/** Flows per message at most: ~40–60 B each on the wire, so ≤ ~60 KB (HTTP/2's default stream window is 64 KiB). */
export const MAX_FLOWS_PER_PUSH = 1024;

export class PushLane {
  /** Messages written whose write has not completed. */
  private inFlight = 0;
  /** A message was written since the last flush (this loop turn's one message). */
  private turnUsed = false;
  private pending: FlowStateMsg[] = [];
  private pendingSinceNs = 0;
  /** Messages written, and placements that rode along in another's message. */
  messages = 0;
  coalesced = 0;
  /** Stamps of the messages in flight, oldest first (for `onWritten`). */
  private readonly stamps: number[] = [];
  private readonly done = (): void => this.written();

  constructor(
    readonly stream: PushWritable, private readonly fromUnit: number,
    /** Ask for `flush()` later in this loop turn (PeerClients: one setImmediate for all lanes). */
    private readonly schedule: () => void,
    /** A message stamped `sinceMonoNs` finished its write (handed to the socket): the sender's share of the flight. */
    private readonly onWritten: ((sinceMonoNs: number) => void) | null = null,
    private readonly maxFlows = MAX_FLOWS_PER_PUSH,
  ) {}

  /**
   * Flows placed for this target: written at once if the lane is idle (nothing in flight, nothing
   * written since the last flush), else by the next `flush()` once nothing is in flight.
   */
  push(flows: FlowStateMsg[]): void {
    if (this.inFlight === 0 && !this.turnUsed && this.pending.length === 0) {
      this.turnUsed = true;
      this.schedule();
      return this.write(flows, monotonicNs());
    }
    if (this.pending.length === 0) {
      this.pendingSinceNs = monotonicNs();
      this.schedule();
    } else this.coalesced++;
    for (let i = 0; i < flows.length; i++) this.pending.push(flows[i]!);
    if (this.pending.length >= this.maxFlows) this.writePending();
  }

  /**
   * Once per loop turn (the owner's setImmediate): a new turn may write again; what is pending goes
   * as one message unless a message is still in flight (its completion asks for the next flush).
   */
  flush(): void {
    this.turnUsed = false;
    if (this.inFlight > 0 || this.pending.length === 0) return;
    this.writePending();
    this.turnUsed = true;
    this.schedule();
  }

  /** Flows waiting for the message in flight. */
  get waiting(): number {
    return this.pending.length;
  }

  end(): void {
    this.writePending();
    this.stream.end();
  }

  private writePending(): void {
    if (this.pending.length === 0) return;
    const flows = this.pending;
    this.pending = [];
    this.write(flows, this.pendingSinceNs);
  }

  private write(flows: FlowStateMsg[], sinceNs: number): void {
    this.inFlight++;
    this.messages++;
    if (this.onWritten !== null) this.stamps.push(sinceNs);
    this.stream.write({ fromUnit: this.fromUnit, flows, sentMonoNs: sinceNs }, this.done);
  }

  /** A write completed (or failed: the stream's own callback reports that, and the lane is dropped). */
  private written(): void {
    if (this.onWritten !== null && this.stamps.length > 0) this.onWritten(this.stamps.shift()!);
    if (--this.inFlight === 0 && this.pending.length > 0) this.schedule();
  }
}
