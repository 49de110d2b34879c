/** A minimal gateway side of the data plane for tests: handshake, send PACKETS, collect EGRESS. */
import * as net from 'net';
import { FrameType, Role } from '../../../proto/frames/constants';
import { decodeHandshakeReply, encodeHandshake, HANDSHAKE_REPLY_BYTES, type HandshakeReply } from '../../../proto/frames/handshake-v1';
import { FrameParser } from '../../../proto/frames/frame-parser';
import { EgressBatchV2Reader } from '../../../proto/frames/egress-batch-v2';
import { decodeNames, type NameEntry } from '../../../proto/frames/names-v1';
import { PacketBatchWriter } from '../../../proto/frames/packet-batch-v1';
import { decodeCredit } from '../../../proto/frames/credit-v1';

export interface Egress { flowletId: number; clock: number; verdict: number; reason: number; bytes: Buffer; dropId: number; sids: number[] }
export interface Send { flowletId: number; clock: number; prevUnit: number; targets: number[]; pkt: Buffer; tsNs?: number }

export class TestGateway {
  readonly egress: Egress[] = [];
  /** NAMES records received (drop-reason and signature texts). */
  readonly names: NameEntry[] = [];
  drained = 0;
  /** `held` of the last CREDIT, and CREDIT frames received. */
  held = 0;
  credits = 0;
  reply: HandshakeReply | null = null;
  closed = false;
  private socket!: net.Socket;
  private readonly writer = new PacketBatchWriter(1 << 16);

  static async connect(port: number, token: string): Promise<TestGateway> {
    const g = new TestGateway();
    await g.open(port, token);
    return g;
  }

  private open(port: number, token: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const reader = new EgressBatchV2Reader();
      const parser = new FrameParser({
        accept: [FrameType.EGRESS_V2, FrameType.CREDIT, FrameType.NAMES],
        onFrame: (type, _f, count, body) => {
          if (type === FrameType.CREDIT) { const c = decodeCredit(body); this.drained += c.drained; this.held = c.held; this.credits++; return; }
          if (type === FrameType.NAMES) { this.names.push(...decodeNames(body, count)); return; }
          reader.reset(body, count);
          while (reader.next()) {
            const sids: number[] = [];
            for (let i = 0; i < reader.alertCount; i++) sids.push(reader.sid(i));
            this.egress.push({ flowletId: reader.flowletId, clock: reader.clock, verdict: reader.verdict, reason: reader.reason,
              bytes: Buffer.from(body.subarray(reader.packetOffset, reader.packetOffset + reader.packetLength)), dropId: reader.dropId, sids });
          }
        },
      });
      let hs = Buffer.alloc(0);
      this.socket = net.connect(port, '127.0.0.1', () => this.socket.write(encodeHandshake({ role: Role.GATEWAY, unitId: 0xffff, token })));
      this.socket.on('data', (chunk) => {
        if (this.reply === null) {
          hs = Buffer.concat([hs, chunk]);
          this.reply = decodeHandshakeReply(hs);
          if (this.reply === null) return;
          resolve();
          if (hs.length > HANDSHAKE_REPLY_BYTES) parser.push(hs.subarray(HANDSHAKE_REPLY_BYTES));
          return;
        }
        parser.push(chunk);
      });
      this.socket.on('close', () => { this.closed = true; resolve(); });
      this.socket.on('error', reject);
    });
  }

  send(pkts: Send[]): void {
    this.writer.reset();
    for (const p of pkts) this.writer.add(p.flowletId, p.clock, p.prevUnit, p.targets, p.targets.length, p.tsNs ?? 0, p.pkt, 0, p.pkt.length);
    this.socket.write(Buffer.from(this.writer.finish()));
  }

  raw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Poll until `cond` holds (tests wait on conditions, not sleeps). */
export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
