/**
 * Column store of synthetic TCP packets (heavy-tail.ts): millions of packets as typed arrays
 * instead of one Buffer per packet, and a header writer that turns row i into a 40-byte
 * IPv4+TCP header whose total length and checksums describe the full packet with a zero payload.
 */
import { foldSum, onesComplementSum } from '../sdk/ones-complement';
import { fillIpv4HeaderChecksum } from './ipv4-checksum';

export const TCP_FIN = 1;
export const TCP_SYN = 2;
export const TCP_PSH = 8;
export const TCP_ACK = 16;
const SERVER_PORT = 443;

export class TcpColumns {
  count = 0;
  times: Float64Array = new Float64Array(1 << 16);
  flow: Uint32Array = new Uint32Array(1 << 16);
  flags: Uint8Array = new Uint8Array(1 << 16);
  fromClient: Uint8Array = new Uint8Array(1 << 16);
  payload: Uint16Array = new Uint16Array(1 << 16);
  seq: Uint32Array = new Uint32Array(1 << 16);
  ack: Uint32Array = new Uint32Array(1 << 16);
  /** Client port per flow. */
  sport = new Uint16Array(1 << 12);
  /** Payload bytes of all packets kept by dropOutside so far. */
  payloadInWindow = 0;
  private cur = 0;
  private cSeq = 0;
  private sSeq = 0;

  beginFlow(f: number, sport: number, isnClient: number, isnServer: number): void {
    if (f >= this.sport.length) {
      const next = new Uint16Array(this.sport.length * 2);
      next.set(this.sport);
      this.sport = next;
    }
    this.sport[f] = sport;
    this.cur = f;
    this.cSeq = isnClient >>> 0;
    this.sSeq = isnServer >>> 0;
  }

  /** One packet of the current flow; seq/ack follow from what each side sent so far. */
  emit(t: number, fromClient: boolean, flags: number, payloadBytes: number): void {
    if (this.count === this.times.length) this.grow();
    const i = this.count++;
    this.times[i] = t;
    this.flow[i] = this.cur;
    this.flags[i] = flags;
    this.fromClient[i] = fromClient ? 1 : 0;
    this.payload[i] = payloadBytes;
    this.seq[i] = fromClient ? this.cSeq : this.sSeq;
    this.ack[i] = flags & TCP_ACK ? (fromClient ? this.sSeq : this.cSeq) : 0;
    const used = payloadBytes + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
    if (fromClient) this.cSeq = (this.cSeq + used) >>> 0;
    else this.sSeq = (this.sSeq + used) >>> 0;
  }

  /** The client's (delayed) ACK of everything the server sent so far. */
  emitAck(t: number): void {
    this.emit(t, true, TCP_ACK, 0);
  }

  /** Keep rows [mark, count) with lo ≤ t < hi (compacted in order); count their payload. */
  dropOutside(mark: number, lo: number, hi: number): void {
    let w = mark;
    for (let r = mark; r < this.count; r++) {
      if (this.times[r] < lo || this.times[r] >= hi) continue;
      if (w !== r) {
        this.times[w] = this.times[r];
        this.flow[w] = this.flow[r];
        this.flags[w] = this.flags[r];
        this.fromClient[w] = this.fromClient[r];
        this.payload[w] = this.payload[r];
        this.seq[w] = this.seq[r];
        this.ack[w] = this.ack[r];
      }
      if (!this.fromClient[w]) this.payloadInWindow += this.payload[w];
      w++;
    }
    this.count = w;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const f64 = (a: Float64Array): Float64Array => { const b = new Float64Array(n); b.set(a); return b; };
    const u32 = (a: Uint32Array): Uint32Array => { const b = new Uint32Array(n); b.set(a); return b; };
    const u16 = (a: Uint16Array): Uint16Array => { const b = new Uint16Array(n); b.set(a); return b; };
    const u8 = (a: Uint8Array): Uint8Array => { const b = new Uint8Array(n); b.set(a); return b; };
    this.times = f64(this.times);
    this.flow = u32(this.flow);
    this.flags = u8(this.flags);
    this.fromClient = u8(this.fromClient);
    this.payload = u16(this.payload);
    this.seq = u32(this.seq);
    this.ack = u32(this.ack);
  }
}

/**
 * Row i as a 40-byte header in `hdr`: client clientBase + flow, server serverPrefix | (1 + flow % 254):443.
 * Returns the wire length (40 + payload). The TCP checksum covers the zero payload (zeros add
 * nothing to the sum; only the pseudo-header length counts them).
 */
export function writeTcpHeader(hdr: Buffer, c: TcpColumns, i: number, clientBase: number, serverPrefix: number): number {
  const f = c.flow[i];
  const client = (clientBase + f) >>> 0;
  const server = (serverPrefix | (1 + (f % 254))) >>> 0;
  const up = c.fromClient[i] === 1;
  const total = 40 + c.payload[i];
  hdr[0] = 0x45;
  hdr[1] = 0;
  hdr.writeUInt16BE(total, 2);
  hdr.writeUInt16BE(i & 0xffff, 4);
  hdr.writeUInt16BE(0x4000, 6);
  hdr[8] = up ? 51 : 64;
  hdr[9] = 6;
  hdr.writeUInt32BE(up ? client : server, 12);
  hdr.writeUInt32BE(up ? server : client, 16);
  hdr.writeUInt16BE(up ? c.sport[f] : SERVER_PORT, 20);
  hdr.writeUInt16BE(up ? SERVER_PORT : c.sport[f], 22);
  hdr.writeUInt32BE(c.seq[i], 24);
  hdr.writeUInt32BE(c.ack[i], 28);
  hdr[32] = 5 << 4;
  hdr[33] = c.flags[i];
  hdr.writeUInt16BE(65535, 34);
  hdr.writeUInt16BE(0, 36);
  hdr.writeUInt16BE(0, 38);
  fillIpv4HeaderChecksum(hdr, 0);
  const pseudo = onesComplementSum(hdr, 12, 20) + 6 + (total - 20);
  hdr.writeUInt16BE(~foldSum(onesComplementSum(hdr, 20, 40, pseudo)) & 0xffff, 36);
  return total;
}
