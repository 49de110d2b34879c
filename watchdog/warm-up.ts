/**
 * A unit's built-in warm-up, run before it writes its ready record (issue 12): the code a packet
 * takes is compiled and its buffers grown before the gateway sends the first real one.
 *
 *  - data plane: synthetic TCP packets framed as PACKETS (PacketBatchWriter), read back
 *    (PacketBatchReader) and their answers framed as EGRESS v2 — no socket;
 *  - NF: each packet through a scratch PacketProcessor (its own flow store and flow state, so
 *    nothing stays in the unit's tables), several packets per flow so the state path (get, put,
 *    the codec's encode/decode as a push and a pull use them) runs too;
 *  - StatePeer: connections and PushStreams to the peers known at start are opened (`warm`).
 *
 * The NF handler: a scratch one from `nf.create` when the unit's own create was cheap
 * (< CHEAP_CREATE_MS), so no handler-level data of the synthetic flows (e.g. NAT's port pool)
 * can reach the real one; otherwise (the IDS automaton, ~1 s and 190 MB) the real handler is
 * shared — built once at start-up, never per packet — which is safe for an NF that keeps per-flow
 * data only in its FlowState (scratch here), as `NetworkFunction` asks.
 */
import { EgressBatchV2Writer } from '../proto/frames/egress-batch-v2';
import { FRAME_HEADER_BYTES, NO_UNIT } from '../proto/frames/constants';
import { PacketBatchReader, PacketBatchWriter } from '../proto/frames/packet-batch-v1';
import type { NetworkFunction, PacketHandler } from '../sdk/types';
import { PacketProcessor } from './runtime/packet-processor';

/** A create faster than this gets a scratch handler for the warm-up. */
export const CHEAP_CREATE_MS = 50;
const FLOWS = 64;
const PAYLOAD = 64;
const FRAME_BYTES = 256 * 1024;

export interface WarmUpResult {
  packets: number;
  ms: number;
  scratchHandler: boolean;
}

/** One IPv4/TCP packet of flow `f` (10.255.f.1:40000+f → 10.254.0.1:80), sequence `n`. */
function synthPacket(buf: Buffer, f: number, n: number): number {
  const len = 40 + PAYLOAD;
  buf.fill(0, 0, len);
  buf[0] = 0x45;
  buf.writeUInt16BE(len, 2);
  buf[8] = 64;
  buf[9] = 6;
  buf.writeUInt32BE((10 << 24) | (255 << 16) | ((f & 0xff) << 8) | 1, 12);
  buf.writeUInt32BE((10 << 24) | (254 << 16) | 1, 16);
  buf.writeUInt16BE(40000 + f, 20);
  buf.writeUInt16BE(80, 22);
  buf.writeUInt32BE(1000 + n * PAYLOAD, 24);
  buf[32] = 0x50;
  buf[33] = n === 0 ? 0x02 : 0x18; // SYN, then PSH|ACK with payload
  buf.writeUInt16BE(65535, 34);
  for (let i = 0; i < PAYLOAD; i++) buf[40 + i] = 0x61 + ((i + n) % 26);
  return len;
}

/**
 * Runs `packets` synthetic packets through the unit's code path (see the module comment) and
 * returns what it did. `realHandler` is the unit's own, `createMs` what building it cost.
 */
export function warmUp<C, S>(
  nf: NetworkFunction<C, S>, config: C, realHandler: PacketHandler<S>, createMs: number,
  opts: { unitId: number; maxUnits: number; packets: number; nowNs: () => number },
): WarmUpResult {
  const t0 = opts.nowNs();
  if (opts.packets <= 0) return { packets: 0, ms: 0, scratchHandler: false };
  const scratchHandler = createMs < CHEAP_CREATE_MS;
  const egress = new EgressBatchV2Writer(FRAME_BYTES);
  const noSids = new Uint32Array(0);
  const proc: PacketProcessor<C, S> = new PacketProcessor(nf, config, {
    emit: (f, clock, verdict, reason, buf, off, len) => {
      if (!egress.add(f, clock, verdict, reason, buf, off, len, 0, noSids, 0, null)) egress.reset();
    },
    canPull: () => false,
    requestPull: () => undefined,
  }, { unitId: opts.unitId, pullDelayNs: 0, pullRetryNs: 0, holdTimeoutNs: 1e9, maxUnits: opts.maxUnits }, undefined, scratchHandler ? undefined : realHandler);
  const writer = new PacketBatchWriter(FRAME_BYTES);
  const reader = new PacketBatchReader();
  const pkt = Buffer.alloc(40 + PAYLOAD);
  const targets = new Uint16Array(0);
  let done = 0;
  let n = 0;
  const runFrame = (): void => {
    const r = reader.reset(writer.finish().subarray(FRAME_HEADER_BYTES), writer.count);
    const now = opts.nowNs();
    while (r.next()) proc.processOne(r.flowletId, r.clock, r.prevUnit, targets, 0, r.tsNs, r.body, r.packetOffset, r.packetLength, now);
    egress.finish();
    egress.reset();
    writer.reset();
  };
  while (done < opts.packets) {
    const f = done % FLOWS;
    const seq = Math.floor(done / FLOWS);
    const len = synthPacket(pkt, f, seq);
    if (!writer.add(f + 1, seq + 1, NO_UNIT, targets, 0, t0, pkt, 0, len)) {
      runFrame();
      continue;
    }
    done++;
    n++;
  }
  if (writer.count > 0) runFrame();
  // The push and pull paths encode and decode the flows' values.
  for (let e = proc.store.active.head; e !== null; e = e.next) {
    if (e.value !== undefined) nf.stateCodec.decode(nf.stateCodec.encode(e.value));
  }
  return { packets: n, ms: (opts.nowNs() - t0) / 1e6, scratchHandler };
}
