/**
 * Per-connection NAT state (one value per canonical connection, kept only in ctx.state) and its
 * binary codec. Two kinds share the layout: a connection's mapping (its outbound and pre-NAT
 * packets) and, flagged STATE_REPLY, the reply bookkeeping of its wire-form replies.
 *
 * Wire layout (17 bytes, big-endian):
 *   0  internalIp   u32     the inside endpoint that opened the connection
 *   4  internalPort u16
 *   6  publicPort   u16     the port it was given on publicIp
 *   8  lastSeenNs   f64     time of the last packet of the connection (either direction)
 *  16  flags        u8      STATE_FIN_OUT | STATE_FIN_IN | STATE_RST | STATE_CLOSED | STATE_REPLY
 */
import type { StateCodec } from '../../sdk/types';
import { SnfError } from '../../sdk/errors';

export const STATE_FIN_OUT = 1;
export const STATE_FIN_IN = 2;
export const STATE_RST = 4;
/** Both FINs or an RST were seen: the public port went back to the pool. */
export const STATE_CLOSED = 8;
/**
 * Not a mapping: the bookkeeping of wire-form replies (remote → publicIp:publicPort, their own
 * canonical connection), kept as that connection's state so it is logged, pushed and restored
 * like a mapping. internalIp/internalPort name the inside endpoint the replies go to; lastSeenNs
 * and the close bits are what the replies saw (handler.ts, `wireReply` and `stateArrived`).
 */
export const STATE_REPLY = 16;

export interface NatState {
  internalIp: number;
  internalPort: number;
  publicPort: number;
  lastSeenNs: number;
  flags: number;
}

export const NAT_STATE_BYTES = 17;

export const natStateCodec: StateCodec<NatState> = {
  encode(s: NatState): Buffer {
    const b = Buffer.allocUnsafe(NAT_STATE_BYTES);
    b.writeUInt32BE(s.internalIp >>> 0, 0);
    b.writeUInt16BE(s.internalPort & 0xffff, 4);
    b.writeUInt16BE(s.publicPort & 0xffff, 6);
    b.writeDoubleBE(s.lastSeenNs, 8);
    b[16] = s.flags & 0xff;
    return b;
  },
  decode(b: Buffer): NatState {
    if (b.length !== NAT_STATE_BYTES) {
      throw new SnfError('SNF_ERR_STATE_CODEC', `nat state: expected ${NAT_STATE_BYTES} bytes, got ${b.length}`);
    }
    return {
      internalIp: b.readUInt32BE(0),
      internalPort: b.readUInt16BE(4),
      publicPort: b.readUInt16BE(6),
      lastSeenNs: b.readDoubleBE(8),
      flags: b[16]!,
    };
  },
};
