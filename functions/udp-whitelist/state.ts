/**
 * Per-connection whitelist entry and its binary codec.
 *
 * Wire layout (16 bytes, big-endian):
 *   0  requestSeenNs  f64   time of the latest request (inside → outside) of the connection
 *   8  responses      f64   responses admitted so far
 */
import { SnfError } from '../../sdk/errors';
import type { StateCodec } from '../../sdk/types';

export interface UdpWhitelistState {
  requestSeenNs: number;
  responses: number;
}

export const UDP_WHITELIST_STATE_BYTES = 16;

export const udpWhitelistStateCodec: StateCodec<UdpWhitelistState> = {
  encode(s: UdpWhitelistState): Buffer {
    const b = Buffer.allocUnsafe(UDP_WHITELIST_STATE_BYTES);
    b.writeDoubleBE(s.requestSeenNs, 0);
    b.writeDoubleBE(s.responses, 8);
    return b;
  },
  decode(b: Buffer): UdpWhitelistState {
    if (b.length !== UDP_WHITELIST_STATE_BYTES) {
      throw new SnfError('SNF_ERR_STATE_CODEC', `udp-whitelist state: expected ${UDP_WHITELIST_STATE_BYTES} bytes, got ${b.length}`);
    }
    return { requestSeenNs: b.readDoubleBE(0), responses: b.readDoubleBE(8) };
  },
};
