/**
 * LB packet handler: hash-based load balancing with per-connection stickiness (paper §8).
 *
 * A new connection gets `servers[connectionHash(5-tuple) mod n]` (direction-independent and the
 * same on every unit, so a unit that never saw the connection would pick the same server); the
 * choice is then kept in the connection's state with a packet count.
 *
 * With a vip: packets to the vip are the client side (destination rewritten to the server);
 * packets of the same connection from the vip (a capture on the client side, where replies are
 * already addressed from the vip) are counted and forwarded unchanged; packets from a server in
 * wire form (server → client, a different canonical connection) get their source rewritten back
 * to the vip — a stateless rewrite, so they are not counted in the client connection's state.
 * Without a vip: every TCP/UDP connection is balanced; its first packet names the client.
 */
import { connectionHash, flowKeyOf, newFlowKey } from '../../sdk/flow-key';
import { PacketClass, type Packet } from '../../sdk/packet';
import { Verdict, type Context, type PacketHandler } from '../../sdk/types';
import type { LbState } from './state';

export class LbHandler implements PacketHandler<LbState> {
  private readonly vip: number;
  private readonly servers: Uint32Array;
  private readonly serverSet: Set<number>;
  private readonly key = newFlowKey();

  constructor(vip: number, servers: readonly number[]) {
    this.vip = vip;
    this.servers = Uint32Array.from(servers);
    this.serverSet = new Set(servers);
  }

  /** The server a connection is pinned to (exported for tests and tools). */
  pick(p: Packet): number {
    return connectionHash(flowKeyOf(p, this.key)) % this.servers.length;
  }

  process(p: Packet, ctx: Context<LbState>): Verdict {
    const vip = this.vip;
    if (p.cls !== PacketClass.OK) {
      // ICMP and fragments carry no ports to hash on: nothing to balance.
      if (vip !== 0 && p.dstIp === vip) {
        ctx.drop('lb_not_balanceable');
        return Verdict.DROP;
      }
      return Verdict.FORWARD;
    }
    if (vip === 0) return this.balanceAll(p, ctx);
    if (p.dstIp === vip) {
      const st = this.stateFor(p, ctx);
      p.setDstIp(this.servers[st.serverIndex]!);
      return Verdict.FORWARD;
    }
    if (p.srcIp === vip) {
      const st = ctx.state.get();
      if (st !== undefined) {
        st.packets++;
        ctx.state.put(st);
      }
      return Verdict.FORWARD;
    }
    if (this.serverSet.has(p.srcIp)) p.setSrcIp(vip);
    return Verdict.FORWARD;
  }

  private balanceAll(p: Packet, ctx: Context<LbState>): Verdict {
    const st = this.stateFor(p, ctx);
    if (p.srcIp === st.clientIp && p.srcPort === st.clientPort) p.setDstIp(this.servers[st.serverIndex]!);
    return Verdict.FORWARD;
  }

  /** The connection's state, created on its first packet (whose sender is the client); counted. */
  private stateFor(p: Packet, ctx: Context<LbState>): LbState {
    let st = ctx.state.get();
    if (st === undefined) {
      st = { clientIp: p.srcIp, clientPort: p.srcPort, serverIndex: this.pick(p), packets: 0 };
    } else if (st.serverIndex >= this.servers.length) {
      // State from a unit with a longer server list (reconfigured): re-pick within ours.
      st.serverIndex = this.pick(p);
    }
    st.packets++;
    ctx.state.put(st);
    return st;
  }
}
