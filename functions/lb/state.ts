/**
 * Per-connection LB state and its binary codec.
 *
 * Wire layout (16 bytes, big-endian):
 *   0  clientIp     u32   the endpoint that opened the connection (its packets go to the server)
 *   4  clientPort   u16
 *   6  serverIndex  u16   index into config.servers
 *   8  packets      f64   packets of the connection seen by the lb (both directions)
 */
import { SnfError } from '../../sdk/errors';
import type { StateCodec } from '../../sdk/types';

export interface LbState {
  clientIp: number;
  clientPort: number;
  serverIndex: number;
  packets: number;
}

export const LB_STATE_BYTES = 16;

export const lbStateCodec: StateCodec<LbState> = {
  encode(s: LbState): Buffer {
    const b = Buffer.allocUnsafe(LB_STATE_BYTES);
    b.writeUInt32BE(s.clientIp >>> 0, 0);
    b.writeUInt16BE(s.clientPort & 0xffff, 4);
    b.writeUInt16BE(s.serverIndex & 0xffff, 6);
    b.writeDoubleBE(s.packets, 8);
    return b;
  },
  decode(b: Buffer): LbState {
    if (b.length !== LB_STATE_BYTES) {
      throw new SnfError('SNF_ERR_STATE_CODEC', `lb state: expected ${LB_STATE_BYTES} bytes, got ${b.length}`);
    }
    return { clientIp: b.readUInt32BE(0), clientPort: b.readUInt16BE(4), serverIndex: b.readUInt16BE(6), packets: b.readDoubleBE(8) };
  },
};
