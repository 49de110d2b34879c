/**
 * Per-connection token bucket and its binary codec.
 *
 * Wire layout (17 bytes, big-endian):
 *   0  lastNs      f64  time of the previous packet of the connection (the last refill)
 *   8  tokens      f64  bytes available after that packet
 *  16  classIndex  u8   0 = the default rate; k = config.classes[k-1]
 */
import { SnfError } from '../../sdk/errors';
import type { StateCodec } from '../../sdk/types';

export interface QosState {
  lastNs: number;
  tokens: number;
  classIndex: number;
}

export const QOS_STATE_BYTES = 17;

export const qosStateCodec: StateCodec<QosState> = {
  encode(s: QosState): Buffer {
    const b = Buffer.allocUnsafe(QOS_STATE_BYTES);
    b.writeDoubleBE(s.lastNs, 0);
    b.writeDoubleBE(s.tokens, 8);
    b[16] = s.classIndex & 0xff;
    return b;
  },
  decode(b: Buffer): QosState {
    if (b.length !== QOS_STATE_BYTES) {
      throw new SnfError('SNF_ERR_STATE_CODEC', `qos state: expected ${QOS_STATE_BYTES} bytes, got ${b.length}`);
    }
    return { lastNs: b.readDoubleBE(0), tokens: b.readDoubleBE(8), classIndex: b[16]! };
  },
};
