/**
 * The gateway's built-in warm-up (issue 12), run once at start before ingress opens: synthetic
 * packets go through a scratch controller and a scratch dispatch core — framed as PACKETS and read
 * by a FrameParser as a replay stream's are, routed, added to unit frames, answered by in-process
 * stand-in units (EGRESS v2 and CREDIT frames through a FrameParser, as a unit link reads them),
 * ordered and emitted — so the code every real packet takes is compiled before the first one
 * arrives. Measured (lb, smallFlows, 20 k pkt/s, 2 units, 2026-12-03): without it the first 0.2–0.4
 * s of a run spent 0.2–0.3 s of busy gateway thread in interpreted code, its queue built up and
 * those packets waited 45–70 ms (p50); after one real pass through the same gateway, 1–5 ms.
 *
 * Nothing of the warm-up stays in the real gateway: the controller, flow table, pending table and
 * egress order are scratch instances (same classes, so the same compiled methods), the stand-in
 * units are not units (no process, no socket, no counter of the real pool moves), the sink drops.
 */
import { Controller, type ControllerParams } from '../controller';
import { encodeCredit } from '../../proto/frames/credit-v1';
import { FrameType, FRAME_HEADER_BYTES } from '../../proto/frames/constants';
import { EgressBatchV2Writer } from '../../proto/frames/egress-batch-v2';
import { FrameParser } from '../../proto/frames/frame-parser';
import { PacketBatchReader, PacketBatchWriter } from '../../proto/frames/packet-batch-v1';
import { buildTcp } from '../../trace/packet-build';
import { NullSink } from '../egress/egress-sink';
import { DispatchCore, type DispatchOptions } from './dispatch-core';
import type { UnitPort } from './ports';

export interface WarmUpReport {
  /** Synthetic packets that went in, and came out through the sink. */
  packets: number;
  released: number;
  ms: number;
}

const FLOWS = 128;
const FRAME_BYTES = 256 * 1024;
/** Packets per ingress frame: a replayer's default batch. */
const PER_FRAME = 64;
const NO_SIDS = new Uint32Array(0);

/** A unit's link as the core sees it, answering every record in-process. */
class StandInUnit implements UnitPort {
  readonly writer = new PacketBatchWriter(FRAME_BYTES);
  add(flowletId: number, clock: number, prevUnit: number, targets: ArrayLike<number>, targetCount: number, tsNs: number, buf: Buffer, off: number, len: number): boolean {
    return this.writer.add(flowletId, clock, prevUnit, targets, targetCount, tsNs, buf, off, len);
  }
}

/**
 * Runs `packets` synthetic packets (FLOWS TCP flows from 198.18.0.0/15, the benchmarking range of
 * RFC 2544) through scratch copies of the dispatch path. `nowNs` is the gateway's clock; the
 * scratch controller sees time advance 50 µs per frame so flowlets open, close and move.
 */
export function warmUpDispatch(params: ControllerParams, options: DispatchOptions, packets: number, nowNs: () => number): WarmUpReport {
  const t0 = nowNs();
  if (packets <= 0) return { packets: 0, released: 0, ms: 0 };
  const controller = new Controller({ ...params, initialUnits: Math.max(1, Math.min(params.maxUnits, 2)) });
  for (const u of controller.unitIds()) controller.unitUp(u);
  const units = new Map<number, StandInUnit>();
  const ports = { get: (u: number): StandInUnit => units.get(u) ?? units.set(u, new StandInUnit()).get(u)! };
  const core = new DispatchCore(controller, ports, null, { ...options, timing: undefined, retain: false });
  const sink = new NullSink();
  const source = core.addSink(sink);

  let clock = t0;
  const ingress = new FrameParser({ accept: [FrameType.PACKETS], onFrame: (_t, _f, count, body) => core.ingestBatch(source, body, count, clock) });
  let answering = 0;
  const fromUnit = new FrameParser({
    accept: [FrameType.EGRESS_V2, FrameType.CREDIT],
    onFrame: (type, _f, count, body) => core.onUnitFrame(answering, type, count, body, clock),
  });
  const egress = new EgressBatchV2Writer(FRAME_BYTES);
  const reader = new PacketBatchReader();
  const credit = Buffer.alloc(64);
  const answer = (): void => {
    for (const [u, unit] of units) {
      if (unit.writer.count === 0) continue;
      const frame = unit.writer.finish();
      const r = reader.reset(frame.subarray(FRAME_HEADER_BYTES), unit.writer.count);
      egress.reset();
      let drained = 0;
      let bytes = 0;
      while (r.next()) {
        egress.add(r.flowletId, r.clock, 0, 0, r.body, r.packetOffset, r.packetLength, 0, NO_SIDS, 0, null);
        drained++;
        bytes += r.packetLength;
      }
      unit.writer.reset();
      answering = u;
      fromUnit.push(egress.finish());
      fromUnit.push(encodeCredit({ drained, held: 0, drainedBytes: bytes, cpuMicros: drained }, credit));
    }
  };

  const pkts = synthFlows();
  const frame = new PacketBatchWriter(FRAME_BYTES);
  const none = new Uint16Array(0);
  for (let i = 0; i < packets; ) {
    frame.reset();
    for (let k = 0; k < PER_FRAME && i < packets; k++, i++) {
      const p = pkts[i % pkts.length]!;
      frame.add(i, 0, -1, none, 0, clock, p, 0, p.length);
    }
    ingress.push(frame.finish());
    answer();
    clock += 50_000;
    core.maybeTick(clock);
  }
  core.removeSink(source);
  return { packets, released: sink.packets, ms: (nowNs() - t0) / 1e6 };
}

/** FLOWS flows × 8 packets (SYN, then data), built once per warm-up. */
function synthFlows(): Buffer[] {
  const out: Buffer[] = [];
  const payload = Buffer.alloc(64, 0x61);
  for (let n = 0; n < 8; n++) {
    for (let f = 0; f < FLOWS; f++) {
      out.push(buildTcp(
        { src: ((198 << 24) | (18 << 16) | (f + 1)) >>> 0, dst: ((198 << 24) | (19 << 16) | 1) >>> 0, sport: 40000 + f, dport: 80 },
        { ipId: n, ttl: 64 }, 1000 + n * 64, 1, n === 0 ? 0x02 : 0x18, 65535, n === 0 ? Buffer.alloc(0) : payload,
      ));
    }
  }
  return out;
}
