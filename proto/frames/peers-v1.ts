/**
 * PEERS frame v1 (type 4, gateway → unit): the full table of peer StatePeer endpoints.
 * Replaces the unit's previous table. `count` records of 8 bytes:
 *
 *  0  unitId  u16
 *  2  port    u16  StatePeer gRPC port
 *  4  ipv4    u32  address
 */
import { FRAME_HEADER_BYTES, FrameType } from './constants';
import { writeFrameHeader } from './frame-header-v1';

export const PEER_RECORD_BYTES = 8;

export interface PeerEndpoint {
  unitId: number;
  ip: number;
  port: number;
}

export function encodePeers(peers: readonly PeerEndpoint[]): Buffer {
  const body = peers.length * PEER_RECORD_BYTES;
  const buf = Buffer.alloc(FRAME_HEADER_BYTES + body);
  writeFrameHeader(buf, 0, FrameType.PEERS, 0, peers.length, body);
  let p = FRAME_HEADER_BYTES;
  for (const peer of peers) {
    buf.writeUInt16BE(peer.unitId, p);
    buf.writeUInt16BE(peer.port, p + 2);
    buf.writeUInt32BE(peer.ip >>> 0, p + 4);
    p += PEER_RECORD_BYTES;
  }
  return buf;
}

export function validatePeers(body: Buffer, count: number): string | null {
  if (body.length !== count * PEER_RECORD_BYTES) return `peers frame: ${body.length} bytes for ${count} records`;
  return null;
}

/** Control path (rare): allocates the list. */
export function decodePeers(body: Buffer, count: number): PeerEndpoint[] {
  const out: PeerEndpoint[] = [];
  for (let i = 0, p = 0; i < count; i++, p += PEER_RECORD_BYTES) {
    out.push({ unitId: body.readUInt16BE(p), port: body.readUInt16BE(p + 2), ip: body.readUInt32BE(p + 4) });
  }
  return out;
}

/** LOGGER frame (type 11, gateway → unit): the unit's replacement output logger, one PEERS-layout record (port = its data plane). */
export function encodeLoggerMove(p: PeerEndpoint): Buffer {
  const b = encodePeers([p]);
  b[0] = FrameType.LOGGER;
  return b;
}
