/**
 * The unit's side of its output logger (SNF_LOGGER): a data-plane connection unit → logger
 * (handshake role `unit`, the cluster token) carrying LOG frames (proto/frames/log-frame-v1.ts).
 *
 * Per packet the unit records the flow's clock and, when the packet changed the state, the new
 * value (`record`); the first record of a flow at this logger — and any record after a clock gap
 * (the flow was elsewhere in between) — carries the whole value, so the logger's mirror is always
 * complete. Once per batch the unit's egress flush wraps the records and the batch's NAMES/EGRESS
 * frames into one LOG frame (`send`). When the connection (re)opens, every flow the unit holds is
 * sent whole first: a replacement logger is rebuilt from the unit's live state (paper §6).
 *
 * While the logger is unreachable (it died; the gateway starts a replacement and sends LOGGER)
 * frames wait in a bounded backlog (64 MiB; beyond, dropped and counted `loggerFramesLost`) and go
 * to the replacement after every flow was sent whole: their records are then stale there (counted,
 * harmless), their packets are released.
 */
import * as net from 'net';
import type { Logger } from 'pino';
import { FrameType, Role } from '../../proto/frames/constants';
import { FrameParser } from '../../proto/frames/frame-parser';
import { decodeHandshakeReply, encodeHandshake, HANDSHAKE_REPLY_BYTES, HandshakeStatus } from '../../proto/frames/handshake-v1';
import { LogFrameWriter } from '../../proto/frames/log-frame-v1';
import { LogKind, newLogRecord, readLogRecord, type LogRecord } from '../../proto/frames/log-record-v1';
import type { StateCodec } from '../../sdk/types';
import type { EphemeralStore } from '../runtime/ephemeral-store';
import type { FlowEntry } from '../runtime/flow-entry';

export interface UnitLoggerCounters {
  loggedRecords: number;
  loggedSnapshots: number;
  loggerFrames: number;
  loggerFramesLost: number;
  loggerConnects: number;
  loggerEncodeErrors: number;
  /** Flows the logger restored to this unit when it connected (a unit started under a dead unit's id). */
  restoredFlows: number;
}

const RECONNECT_MS = 100;
const MAX_BACKLOG_BYTES = 64 << 20;

export class UnitLoggerLink<S> {
  readonly counters: UnitLoggerCounters = { loggedRecords: 0, loggedSnapshots: 0, loggerFrames: 0, loggerFramesLost: 0, loggerConnects: 0, loggerEncodeErrors: 0, restoredFlows: 0 };
  readonly writer: LogFrameWriter;
  private socket: net.Socket | null = null;
  private ready = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  /** LOG frames written while no logger was connected. */
  private backlog: Buffer[] = [];
  private backlogBytes = 0;

  constructor(
    private readonly unitId: number,
    private readonly token: string,
    private address: string,
    private readonly codec: StateCodec<S>,
    private readonly store: EphemeralStore<S>,
    private readonly log: Logger,
    frameBytes: number,
    /** A flow the logger restored (RESTORE record): apply it to the store. */
    private readonly onRestore: (r: LogRecord) => void,
  ) {
    this.writer = new LogFrameWriter(frameBytes);
  }

  get isReady(): boolean {
    return this.ready;
  }

  /**
   * Connects; resolves once the logger accepted the handshake and restored its mirror to this unit
   * (RESTORE frames), or rejects. Later drops reconnect.
   */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const rec = newLogRecord();
      let restoring = true;
      const parser = new FrameParser({
        accept: [FrameType.RESTORE],
        onFrame: (_type, _flags, count, body) => {
          if (!restoring) return;
          if (count === 0) {
            restoring = false;
            this.ready = true;
            settled = true;
            this.counters.loggerConnects++;
            this.sendAll();
            resolve();
            return;
          }
          let p = 0;
          for (let i = 0; i < count; i++) {
            const end = readLogRecord(body, p, body.length, rec);
            if (typeof end === 'string') break; // validated by the parser
            p = end;
            this.onRestore(rec);
            this.counters.restoredFlows++;
          }
        },
      });
      const [host, port] = splitAddress(this.address);
      const s = net.connect({ host, port });
      this.socket = s;
      s.setNoDelay(true);
      let hs = Buffer.alloc(0);
      let settled = false;
      s.on('connect', () => s.write(encodeHandshake({ role: Role.UNIT, unitId: this.unitId, token: this.token })));
      let shook = false;
      s.on('data', (chunk: Buffer) => {
        if (shook) {
          if (!parser.push(chunk)) s.destroy();
          return;
        }
        hs = Buffer.concat([hs, chunk]);
        const r = decodeHandshakeReply(hs);
        if (r === null) return;
        if (r.status !== HandshakeStatus.OK) {
          settled = true;
          s.destroy();
          return reject(new Error(`logger ${this.address} refused the handshake (status ${r.status})`));
        }
        shook = true;
        if (hs.length > HANDSHAKE_REPLY_BYTES && !parser.push(hs.subarray(HANDSHAKE_REPLY_BYTES))) s.destroy();
      });
      s.on('error', () => s.destroy());
      s.on('close', () => {
        const was = this.ready;
        this.ready = false;
        if (!settled) reject(new Error(`logger ${this.address} unreachable`));
        if (this.closed) return;
        if (was) this.log.warn({ unit: this.unitId, logger: this.address }, 'output logger connection lost: reconnecting');
        this.timer = setTimeout(() => this.connect().catch(() => undefined), RECONNECT_MS);
        this.timer.unref();
      });
    });
  }

  /** The gateway moved this unit to a replacement logger. */
  setAddress(address: string): void {
    if (address === this.address) return;
    this.address = address;
    this.socket?.destroy();
  }

  /**
   * One packet ran (ProcessorPorts.delta). `kind` is the NF's change (0 none, 1 put, 2 delete).
   * Returns false when the frame has no room (the caller flushes and calls again).
   */
  record(e: FlowEntry<S>, flowletId: number, kind: number, value: S | undefined): boolean {
    const whole = e.loggedClock === 0 || e.loggedClock < e.clock - 1;
    let k = kind;
    if (whole && k === LogKind.KEEP) {
      k = e.present ? LogKind.PUT : LogKind.DELETE;
      value = e.value;
    }
    let bytes: Buffer | null = null;
    if (k === LogKind.PUT) {
      try {
        bytes = this.codec.encode(value as S);
      } catch {
        this.counters.loggerEncodeErrors++;
        bytes = null;
        k = LogKind.DELETE;
      }
    }
    if (!this.writer.fits(bytes === null ? 0 : bytes.length)) return false;
    this.writer.add(k, this.unitId, e.clock, flowletId, e.proto, e.srcIp, e.srcPort, e.dstIp, e.dstPort, bytes);
    if (whole) this.counters.loggedSnapshots++;
    this.counters.loggedRecords++;
    e.loggedClock = e.clock;
    return true;
  }

  /** Records pending in the current frame. */
  get pending(): number {
    return this.writer.count;
  }

  /** Writes the LOG frame: the pending records, then `release` (NAMES/EGRESS frames). */
  send(release: readonly Buffer[]): void {
    const frame = this.writer.finish(release);
    this.writer.reset();
    if (!this.ready || this.socket === null) {
      if (this.backlogBytes + frame.length > MAX_BACKLOG_BYTES) {
        this.counters.loggerFramesLost++;
        return;
      }
      this.backlog.push(frame);
      this.backlogBytes += frame.length;
      return;
    }
    this.counters.loggerFrames++;
    this.socket.write(frame);
  }

  /** A new logger connection: every flow whole, so the mirror equals the unit's state. */
  private sendAll(): void {
    this.writer.reset();
    this.store.table.forEach((e) => {
      if (e.clock === 0) return;
      e.loggedClock = 0;
      if (!this.record(e, e.lastFlowletId >>> 0, LogKind.KEEP, undefined)) {
        this.send([]);
        this.record(e, e.lastFlowletId >>> 0, LogKind.KEEP, undefined);
      }
    });
    if (this.writer.count > 0) this.send([]);
    for (const f of this.backlog) {
      this.counters.loggerFrames++;
      this.socket!.write(f);
    }
    this.backlog = [];
    this.backlogBytes = 0;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.end();
  }
}

function splitAddress(a: string): [string, number] {
  const i = a.lastIndexOf(':');
  return [a.slice(0, i), Number(a.slice(i + 1))];
}
