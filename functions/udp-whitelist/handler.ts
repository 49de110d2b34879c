/**
 * UDP whitelister (paper §8: prevents UDP-based DDoS by recording clients that sent a request).
 *
 * - UDP inside → outside: a request; whitelists its connection (creates or refreshes the entry).
 * - UDP outside → inside: a response; forwarded only when its connection has an entry whose last
 *   request is at most `expiryMs` old. No entry: dropped 'udp_unsolicited'. Stale entry: dropped
 *   'udp_expired' and the entry deleted. Responses never refresh an entry.
 * - UDP fragments from outside to inside cannot be matched (no ports, or a datagram we cannot see
 *   whole): dropped 'udp_fragment'.
 * - Everything else (TCP, ICMP, inside ↔ inside, outside ↔ outside) is forwarded untouched.
 */
import { IPPROTO_UDP, PacketClass, type Packet } from '../../sdk/packet';
import { Verdict, type Context, type PacketHandler } from '../../sdk/types';
import type { AddressSet } from '../nat/address-set';
import type { UdpWhitelistState } from './state';

export class UdpWhitelistHandler implements PacketHandler<UdpWhitelistState> {
  constructor(
    private readonly inside: AddressSet,
    /** 0 = entries never expire. */
    private readonly expiryNs: number,
  ) {}

  process(p: Packet, ctx: Context<UdpWhitelistState>): Verdict {
    if (p.protocol !== IPPROTO_UDP) return Verdict.FORWARD;
    const srcIn = this.inside.has(p.srcIp);
    const dstIn = this.inside.has(p.dstIp);
    if (srcIn === dstIn) return Verdict.FORWARD;
    if (p.cls !== PacketClass.OK) {
      if (dstIn) {
        ctx.drop('udp_fragment');
        return Verdict.DROP;
      }
      return Verdict.FORWARD;
    }
    const st = ctx.state.get();
    if (srcIn) {
      if (st === undefined) ctx.state.put({ requestSeenNs: ctx.nowNs, responses: 0 });
      else {
        st.requestSeenNs = ctx.nowNs;
        ctx.state.put(st);
      }
      return Verdict.FORWARD;
    }
    if (st === undefined) {
      ctx.drop('udp_unsolicited');
      return Verdict.DROP;
    }
    if (this.expiryNs > 0 && ctx.nowNs - st.requestSeenNs > this.expiryNs) {
      ctx.state.delete();
      ctx.drop('udp_expired');
      return Verdict.DROP;
    }
    st.responses++;
    ctx.state.put(st);
    return Verdict.FORWARD;
  }
}
