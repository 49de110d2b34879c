/**
 * Test support shared by the NF packet-table tests: run one built packet through a LocalRuntime
 * and report the verdict, the drop reason it counted and the (possibly rewritten) packet.
 */
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { canonicalKey, flowKeyOf } from '../../../../sdk/flow-key';
import { ipToString } from '../../../../sdk/flow-key';

export interface StepResult {
  verdict: 'FORWARD' | 'DROP';
  reason: string | undefined;
  /** The packet after the handler (rewritten in place). */
  out: Packet;
  src: string;
  dst: string;
}

export function step<C, S>(rt: LocalRuntime<C, S>, buf: Buffer, nowNs: number): StepResult {
  const before = new Map(rt.counters.dropReasons);
  const p = Packet.parse(buf);
  const v = rt.process(p, nowNs);
  let reason: string | undefined;
  for (const [r, n] of rt.counters.dropReasons) if ((before.get(r) ?? 0) !== n) reason = r;
  return {
    verdict: v === 0 ? 'FORWARD' : 'DROP',
    reason,
    out: p,
    src: `${ipToString(p.srcIp)}:${p.srcPort}`,
    dst: `${ipToString(p.dstIp)}:${p.dstPort}`,
  };
}

/** The state the runtime holds for the connection of `buf` (either direction). */
export function stateOf<C, S>(rt: LocalRuntime<C, S>, buf: Buffer): S | undefined {
  return rt.state.get(canonicalKey(flowKeyOf(Packet.parse(buf))));
}

export const MS = 1e6;
