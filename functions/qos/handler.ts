/**
 * QoS traffic policer: a token bucket per connection (paper §8).
 *
 * A connection's bucket starts full (burstBytes). Each packet first refills it by
 * elapsed × rate / 8 bytes (elapsed since the connection's previous packet, from ctx.nowNs),
 * capped at the bucket size. A packet whose wire size (IP total length) fits in the tokens is
 * conforming and takes them; otherwise it is over-rate: dropped 'qos_over_rate', or with action
 * 'mark' forwarded with DSCP = markDscp (ECN bits kept). Over-rate packets take no tokens.
 * Both directions of a connection share its bucket (state is per canonical connection).
 * A packet older than the previous one (reordering) refills nothing and does not move lastNs.
 */
import type { Packet } from '../../sdk/packet';
import { Verdict, type Context, type PacketHandler } from '../../sdk/types';
import type { QosState } from './state';

export interface QosClass {
  rateBps: number;
  burstBytes: number;
}

export class QosHandler implements PacketHandler<QosState> {
  /** Per class (0 = default): refill in bytes per ns, and bucket size in bytes. */
  private readonly bytesPerNs: Float64Array;
  private readonly burst: Float64Array;
  /** Port → class index (0 = no class). */
  private readonly portClass: Uint8Array;
  private readonly mark: boolean;
  private readonly dscpBits: number;

  constructor(base: QosClass, classes: readonly (QosClass & { ports: readonly number[] })[], mark: boolean, markDscp: number) {
    const all = [base, ...classes];
    this.bytesPerNs = Float64Array.from(all, (c) => c.rateBps / 8e9);
    this.burst = Float64Array.from(all, (c) => c.burstBytes);
    this.portClass = new Uint8Array(65536);
    classes.forEach((c, i) => c.ports.forEach((port) => (this.portClass[port] = i + 1)));
    this.mark = mark;
    this.dscpBits = markDscp << 2;
  }

  /** The class of a new connection: by destination port, else by source port. */
  classOf(p: Packet): number {
    const byDst = this.portClass[p.dstPort]!;
    return byDst !== 0 ? byDst : this.portClass[p.srcPort]!;
  }

  process(p: Packet, ctx: Context<QosState>): Verdict {
    const now = ctx.nowNs;
    let st = ctx.state.get();
    if (st === undefined) {
      const k = this.classOf(p);
      st = { lastNs: now, tokens: this.burst[k]!, classIndex: k };
    } else {
      if (st.classIndex >= this.burst.length) st.classIndex = 0; // state from a differently configured unit
      const elapsed = now - st.lastNs;
      if (elapsed > 0) {
        const k = st.classIndex;
        const t = st.tokens + elapsed * this.bytesPerNs[k]!;
        st.tokens = t < this.burst[k]! ? t : this.burst[k]!;
        st.lastNs = now;
      }
    }
    const size = p.totalLength;
    if (size <= st.tokens) {
      st.tokens -= size;
      ctx.state.put(st);
      return Verdict.FORWARD;
    }
    ctx.state.put(st);
    if (this.mark) {
      p.setTos(this.dscpBits | (p.tos & 0x03));
      return Verdict.FORWARD;
    }
    ctx.drop('qos_over_rate');
    return Verdict.DROP;
  }
}
