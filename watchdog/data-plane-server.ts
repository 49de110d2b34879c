/**
 * The unit's data-plane listener (spec: proto/data-plane.md). Per connection: read the
 * handshake (token checked; refused → reply with the status, close, count), then feed every read
 * to a FrameParser. Malformed frames are counted and logged once each; only fatal ones (oversize,
 * desync) close the connection. The listener itself never goes down because of a peer's bytes.
 */
import * as net from 'net';
import type { Logger } from 'pino';
import { DEFAULT_MAX_FRAME_BODY, FrameType } from '../proto/frames/constants';
import { decodeHandshake, encodeHandshakeReply, HandshakeStatus, type Handshake } from '../proto/frames/handshake-v1';
import { FrameParser } from '../proto/frames/frame-parser';
import { tokenMatches } from './auth';
import type { UnitCounters } from './runtime/counters';

export interface DataPlaneConnection {
  readonly socket: net.Socket;
  readonly peer: Handshake;
}

export interface DataPlaneHandlers {
  onFrame(conn: DataPlaneConnection, type: number, count: number, body: Buffer): void;
  onClose(conn: DataPlaneConnection): void;
  /** After the handshake was accepted (before any frame of the connection). */
  onConnect?(conn: DataPlaneConnection): void;
}

export interface DataPlaneOptions {
  unitId: number;
  token: string;
  maxFrameBody?: number;
  handshakeTimeoutMs?: number;
  /** Frame types accepted (default: what a unit takes from the gateway). */
  accept?: readonly number[];
  /**
   * After the token check: take the connection (status OK and the unit id to answer with) or
   * refuse it with a status (compute units: the gateway's ASSIGN_UNIT_ID, proto/data-plane.md §1).
   * Default: OK with `unitId`.
   */
  admit?(peer: Handshake): Admission;
}

export interface Admission {
  status: number;
  unitId: number;
  /** Why it was refused (logged once). */
  reason?: string;
}

export function createDataPlaneServer(opts: DataPlaneOptions, h: DataPlaneHandlers, counters: UnitCounters, log: Logger): net.Server {
  const maxFrameBody = opts.maxFrameBody ?? DEFAULT_MAX_FRAME_BODY;
  return net.createServer((socket) => {
    socket.setNoDelay(true);
    let hs: Buffer = Buffer.alloc(0);
    let conn: DataPlaneConnection | null = null;
    let parser: FrameParser | null = null;
    const timer = setTimeout(() => {
      counters.authRefused++;
      log.warn({ remote: socket.remoteAddress }, 'data-plane handshake timed out');
      socket.destroy();
    }, opts.handshakeTimeoutMs ?? 5000);

    const refuse = (status: number, reason: string, unitId = opts.unitId) => {
      clearTimeout(timer);
      if (status === HandshakeStatus.UNAUTHENTICATED) counters.authRefused++;
      else if (status === HandshakeStatus.WRONG_UNIT_ID || status === HandshakeStatus.NO_UNIT_ID) counters.unitIdRefused++;
      else counters.framesRejected++;
      counters.connectionsClosed++;
      log.warn({ remote: socket.remoteAddress, reason }, 'data-plane connection refused');
      socket.end(encodeHandshakeReply({ status, unitId, maxFrameBody }));
      socket.removeAllListeners('data');
    };

    socket.on('data', (chunk: Buffer) => {
      if (parser !== null) {
        if (!parser.push(chunk)) {
          counters.connectionsClosed++;
          socket.destroy();
        }
        return;
      }
      hs = hs.length === 0 ? chunk : Buffer.concat([hs, chunk]);
      const r = decodeHandshake(hs);
      if (r.kind === 'need-more') return;
      if (r.kind === 'bad') return refuse(r.status, r.reason);
      if (!tokenMatches(opts.token, r.handshake.token)) return refuse(HandshakeStatus.UNAUTHENTICATED, 'missing or wrong cluster token');
      const a = opts.admit?.(r.handshake) ?? { status: HandshakeStatus.OK, unitId: opts.unitId };
      if (a.status !== HandshakeStatus.OK) return refuse(a.status, a.reason ?? `status ${a.status}`, a.unitId);
      clearTimeout(timer);
      const c: DataPlaneConnection = { socket, peer: r.handshake };
      conn = c;
      parser = new FrameParser({
        accept: opts.accept ?? [FrameType.PACKETS, FrameType.PEERS, FrameType.STATS_REQUEST, FrameType.LOGGER],
        maxFrameBody,
        onFrame: (type, _flags, count, body) => h.onFrame(c, type, count, body),
        onReject: (reason, detail, fatal) => {
          counters.framesRejected++;
          log.warn({ remote: socket.remoteAddress, reason, detail, fatal }, 'data-plane frame rejected');
        },
      });
      socket.write(encodeHandshakeReply({ status: HandshakeStatus.OK, unitId: a.unitId, maxFrameBody }));
      h.onConnect?.(c);
      if (r.bytes < hs.length && !parser.push(hs.subarray(r.bytes))) {
        counters.connectionsClosed++;
        socket.destroy();
      }
      hs = Buffer.alloc(0);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(timer);
      if (conn !== null) h.onClose(conn);
    });
  });
}
