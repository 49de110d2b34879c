/**
 * One data-plane connection gateway → compute unit (proto/data-plane.md): handshake with the
 * cluster token, then PACKETS frames out and EGRESS/CREDIT frames in.
 *
 * Output batching: records go into one preallocated PacketBatchWriter; the frame is written when
 * it is full, or by the `BatchFlusher` rule (batch-flusher.ts: ≥ `minBatch` records or `maxTurns`
 * setImmediate turns waited). Each written frame is copied out of the writer, because
 * `socket.write` keeps a reference until the kernel took the bytes.
 * Before the handshake completes, frames queue (a unit that is still starting); the PEERS table
 * from `onReady` goes out first.
 *
 * Backpressure (`maxQueued` > 0): packets written to the socket and neither drained nor held for
 * state at the unit (its CREDIT frames: Σ drained, and `held`, absolute) are the unit's queue. Once
 * that reaches `maxQueued`, further frames wait here, in order, and the open frame keeps filling
 * (fewer, fuller frames for a unit that is behind); each CREDIT lets them go. Packets held for
 * state do not count (they wait on pushes/pulls, not on this link). What waits here is still in
 * the controller's backlog and in the pending table (which bounds it: beyond it, PENDING_FULL).
 * Control frames the unit may need before it can drain (PEERS: where to pull a flow's state from;
 * LOGGER: its logger moved) go through `writeControl`, ahead of waiting packet frames: a unit whose
 * packets wait for state from a peer it cannot reach yet would otherwise never drain, never credit,
 * and never get the PEERS frame queued behind (a deadlock until the hold timeout; the unit-kill
 * chaos test's stall). STATS_REQUEST stays in order (its answer covers every packet sent before).
 * `onBehind` says when the window fills (anything more waits here: the open frame keeps filling,
 * full frames queue) and when a CREDIT opens it again: the controller's `behind` signal.
 */
import * as net from 'net';
import { FrameType, HandshakeFlag, Role } from '../../proto/frames/constants';
import { decodeHandshakeReply, encodeHandshake, HANDSHAKE_REPLY_BYTES, HandshakeStatus } from '../../proto/frames/handshake-v1';
import { FrameParser } from '../../proto/frames/frame-parser';
import { PacketBatchWriter } from '../../proto/frames/packet-batch-v1';
import { decodeStats, encodeStatsRequest, type UnitStats } from '../../proto/frames/stats-v1';
import { SnfError } from '../../sdk/errors';
import { monotonicNs } from '../../proto/frames/timing-v1';
import { BatchFlusher, DEFAULT_LINK_BATCHING, type LinkBatching } from '../batch-flusher';
import { FrameTimes } from '../dispatch/frame-times';

export interface UnitLinkHandlers {
  onFrame(link: UnitLink, type: number, count: number, body: Buffer): void;
  onClose(link: UnitLink, why: string): void;
  /** Handshake done: a frame to send before anything queued (the PEERS table). */
  onReady?(link: UnitLink): Buffer | null;
  /** Backpressure: the unit's window filled (true: what comes next waits here) or opened again (false). */
  onBehind?(link: UnitLink, behind: boolean): void;
}

export interface UnitLinkCounters {
  framesOut: number;
  packetsOut: number;
  bytesOut: number;
  flushFull: number;
  flushImmediate: number;
  rejectedIn: number;
  /** Handshakes that failed over the unit id: refused (WRONG_UNIT_ID, NO_UNIT_ID) or answered with another id. */
  unitIdRefused: number;
  /** Frames that waited in the gateway because the unit's queue was at `maxQueued`. */
  framesWaited: number;
  /** Most packets waiting in the gateway for this link at once (whole frames; the open frame not counted). */
  waitingPeak: number;
  /** Times the unit's window filled (reported behind). */
  windowFull: number;
}

const ID_REFUSAL: Readonly<Record<number, string>> = {
  [HandshakeStatus.WRONG_UNIT_ID]: 'the unit runs under another unit id, or cannot take this one (WRONG_UNIT_ID)',
  [HandshakeStatus.NO_UNIT_ID]: 'the unit waits for an id and none was assigned (NO_UNIT_ID)',
};

/** 64 KiB frames: ~150 packets of 400 B; large enough to amortise, small enough for latency. */
export const DEFAULT_BATCH_BYTES = 64 * 1024;
/**
 * Packets a unit may have queued (sent, not drained, not held) before frames wait in the gateway.
 * A window of W packets caps a unit at W / (credit round trip): the round trip measured under
 * load was 0.1–0.4 s (unit event-loop delays; docs/results.md §9), so 8192 still lets a unit
 * take ~20 k pkt/s at 0.4 s, while 2048 cut the delivered rate of proactive lb at 20 k pkt/s
 * from 20.0 k to 11.2 k. At ~400 B a packet it keeps ≤ ~3 MB in a unit's socket and queue
 * instead of an unbounded user-space buffer. SNF_GATEWAY_LINK_MAX_QUEUED sets it (0 = none).
 */
export const DEFAULT_LINK_MAX_QUEUED = 8192;

export class UnitLink {
  readonly counters: UnitLinkCounters = { framesOut: 0, packetsOut: 0, bytesOut: 0, flushFull: 0, flushImmediate: 0, rejectedIn: 0, unitIdRefused: 0, framesWaited: 0, waitingPeak: 0, windowFull: 0 };
  private readonly writer: PacketBatchWriter;
  private socket: net.Socket | null = null;
  private ready = false;
  private closed = false;
  private queued: Buffer[] = [];
  /** Backpressure: packets at the unit (written − Σ drained − held), and frames waiting here (with their packet counts and numbers). */
  private atUnit = 0;
  private held = 0;
  private readonly waiting: Buffer[] = [];
  private readonly waitingCounts: number[] = [];
  private readonly waitingSeqs: number[] = [];
  private waitingHead = 0;
  private waitingPackets = 0;
  /** What onBehind said last; no more reports once the link is closing. */
  private behind = false;
  private closing = false;
  /** Answers to STATS_REQUESTs come back in order on this connection. */
  private statsWaiters: Array<(s: UnitStats | null) => void> = [];
  private readonly flusher: BatchFlusher;
  /** When each frame was written (latency breakdown); null unless timing is on. */
  readonly frameTimes: FrameTimes | null;

  constructor(
    readonly unit: number,
    private readonly token: string,
    private readonly handlers: UnitLinkHandlers,
    batchBytes = DEFAULT_BATCH_BYTES,
    batching: LinkBatching = DEFAULT_LINK_BATCHING,
    timing = false,
    /** Backpressure bound (packets queued at the unit); 0 = none (a logger link: no CREDITs come back on it). */
    private readonly maxQueued = 0,
  ) {
    this.writer = new PacketBatchWriter(batchBytes);
    this.frameTimes = timing ? new FrameTimes() : null;
    this.flusher = new BatchFlusher(this.writer, () => {
      // A unit that is behind: the open frame keeps filling; the next CREDIT flushes it.
      if (this.blocked) return;
      this.counters.flushImmediate++;
      this.flush();
    }, batching);
  }

  /** Connects and completes the handshake; rejects with SNF_ERR_UNIT_START otherwise. */
  connect(host: string, port: number, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      this.socket = s;
      s.setNoDelay(true);
      let hs: Buffer = Buffer.alloc(0);
      let done = false;
      const fail = (why: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        s.destroy();
        reject(new SnfError('SNF_ERR_UNIT_START', `unit ${this.unit} at ${host}:${port}: ${why}`));
      };
      const timer = setTimeout(() => fail('handshake timed out'), timeoutMs);
      const parser = new FrameParser({
        accept: [FrameType.EGRESS, FrameType.CREDIT, FrameType.STATS, FrameType.EGRESS_V2, FrameType.NAMES, FrameType.UNIT_GONE, FrameType.TIMING],
        onFrame: (type, _flags, count, body) => {
          if (type === FrameType.STATS) this.statsWaiters.shift()?.(decodeStats(body, count));
          else {
            this.handlers.onFrame(this, type, count, body);
            if (type === FrameType.CREDIT && this.maxQueued > 0) this.credited(body.readUInt32BE(0), body.readUInt32BE(4));
          }
        },
        onReject: () => void this.counters.rejectedIn++,
      });
      // The gateway assigns the unit its id (units started with SNF_UNIT_ID=gateway learn it here; proto/data-plane.md §1).
      s.on('connect', () => s.write(encodeHandshake({ role: Role.GATEWAY, unitId: this.unit, token: this.token, flags: HandshakeFlag.ASSIGN_UNIT_ID })));
      s.on('data', (chunk: Buffer) => {
        if (this.ready) {
          if (!parser.push(chunk)) s.destroy();
          return;
        }
        hs = hs.length === 0 ? chunk : Buffer.concat([hs, chunk]);
        const r = decodeHandshakeReply(hs);
        if (r === null) return;
        if (ID_REFUSAL[r.status] !== undefined || (r.status === HandshakeStatus.OK && r.unitId !== this.unit)) {
          this.counters.unitIdRefused++;
          return fail(r.status === HandshakeStatus.OK ? `the unit answered as unit ${r.unitId}, but the gateway assigned it ${this.unit} (started with a fixed SNF_UNIT_ID)` : ID_REFUSAL[r.status]!);
        }
        if (r.status !== HandshakeStatus.OK) return fail(`handshake refused (status ${r.status})`);
        done = true;
        clearTimeout(timer);
        this.ready = true;
        const first = this.handlers.onReady?.(this);
        if (first) s.write(first);
        for (const q of this.queued) s.write(q);
        this.queued = [];
        resolve();
        if (hs.length > HANDSHAKE_REPLY_BYTES && !parser.push(hs.subarray(HANDSHAKE_REPLY_BYTES))) s.destroy();
      });
      s.on('error', (err) => fail(String(err)));
      s.on('close', () => {
        fail('connection closed');
        if (!this.closed) {
          this.closed = true;
          this.handlers.onClose(this, 'connection closed');
        }
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Handshake done and not closed. */
  get isConnected(): boolean {
    return this.ready && !this.closed;
  }

  /** Queue one packet record; flushes first when the frame is full. Never throws. */
  add(
    flowletId: number, clock: number, prevUnit: number, targets: ArrayLike<number>, targetCount: number,
    tsNs: number, buf: Buffer, off: number, len: number,
  ): boolean {
    const w = this.writer;
    if (!w.add(flowletId, clock, prevUnit, targets, targetCount, tsNs, buf, off, len)) {
      this.counters.flushFull++;
      this.flush();
      if (!w.add(flowletId, clock, prevUnit, targets, targetCount, tsNs, buf, off, len)) return false;
    }
    this.counters.packetsOut++;
    this.flusher.added();
    return true;
  }

  /** Number of the frame the next record goes into (frames are numbered from 0 as written). */
  get frameSeq(): number {
    return this.counters.framesOut;
  }

  /** Writes the pending frame now (or queues it behind the frames waiting for the unit to catch up). */
  flush(): void {
    const w = this.writer;
    const n = w.count;
    if (n === 0) return;
    const frame = Buffer.from(w.finish());
    w.reset();
    this.flusher.flushed();
    const seq = this.counters.framesOut++;
    this.counters.bytesOut += frame.length;
    this.send(frame, n, seq);
  }

  /** A whole frame built elsewhere (STATS_REQUEST): in order with the packet frames. */
  writeRaw(frame: Buffer): void {
    this.send(frame, 0, -1);
  }

  /**
   * A control frame the unit may need before it can drain what it has (PEERS, LOGGER): written
   * now, ahead of packet frames waiting for room. Only packets wait: the frames passed were not
   * sent yet, so to the unit they simply come after the new table.
   */
  writeControl(frame: Buffer): void {
    if (!this.closed) this.write(frame, 0, -1);
  }

  /** The unit's queue is at the bound: packet frames wait here. */
  private get blocked(): boolean {
    return this.maxQueued > 0 && this.atUnit - this.held >= this.maxQueued;
  }

  private send(frame: Buffer, packets: number, seq: number): void {
    if (this.closed) return;
    if (this.waitingHead < this.waiting.length || (packets > 0 && this.blocked)) {
      this.waiting.push(frame);
      this.waitingCounts.push(packets);
      this.waitingSeqs.push(seq);
      this.waitingPackets += packets;
      this.counters.framesWaited++;
      if (this.waitingPackets > this.counters.waitingPeak) this.counters.waitingPeak = this.waitingPackets;
      return;
    }
    this.write(frame, packets, seq);
  }

  private write(frame: Buffer, packets: number, seq: number): void {
    this.atUnit += packets;
    if (packets > 0 && !this.behind && this.blocked) this.noteBehind(true);
    if (seq >= 0 && this.frameTimes !== null) this.frameTimes.written(seq, monotonicNs());
    if (!this.ready) this.queued.push(frame);
    else this.socket!.write(frame);
  }

  /** A CREDIT: `drained` more packets done at the unit, `held` held there now. Lets waiting frames go. */
  private credited(drained: number, held: number): void {
    const q = this.atUnit - drained;
    this.atUnit = q > 0 ? q : 0;
    this.held = held;
    this.release(false);
    if (this.behind && !this.blocked) this.noteBehind(false);
  }

  private noteBehind(behind: boolean): void {
    if (this.closing) return;
    this.behind = behind;
    if (behind) this.counters.windowFull++;
    this.handlers.onBehind?.(this, behind);
  }

  /** Writes the waiting frames while the unit has room (all of them with `all`), then the open frame. */
  private release(all: boolean): void {
    // A control frame (no packets) at the head goes at once: only packets wait for room.
    while (this.waitingHead < this.waiting.length && (all || this.waitingCounts[this.waitingHead] === 0 || !this.blocked)) {
      const i = this.waitingHead++;
      const n = this.waitingCounts[i]!;
      this.waitingPackets -= n;
      this.write(this.waiting[i]!, n, this.waitingSeqs[i]!);
    }
    if (this.waitingHead === this.waiting.length && this.waitingHead > 0) {
      this.waiting.length = 0;
      this.waitingCounts.length = 0;
      this.waitingSeqs.length = 0;
      this.waitingHead = 0;
    }
    if (this.waiting.length === 0 && this.writer.count > 0 && (all || !this.blocked)) this.flush();
  }

  /** Packets waiting in the gateway for this unit to catch up. */
  get waitingForUnit(): number {
    return this.waitingPackets;
  }

  /** The unit's counters (after every packet sent so far); null when the link closes first. */
  requestStats(): Promise<UnitStats | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.statsWaiters.push(resolve);
      this.flush();
      this.writeRaw(encodeStatsRequest());
    });
  }

  close(): void {
    this.closing = true;
    for (const w of this.statsWaiters.splice(0)) w(null);
    this.flush();
    this.release(true);
    this.closed = true;
    this.socket?.end();
  }
}
