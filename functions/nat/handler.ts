/**
 * NAT packet handler (source NAT of inside hosts onto one public address).
 *
 * Directions, decided per packet:
 * - outbound (src inside, dst outside): the connection's mapping (created on its first outbound
 *   packet) rewrites the source to publicIp:publicPort.
 * - inbound, pre-NAT form (from outside, addressed to the inside host; what our captures hold,
 *   since they were taken inside the NAT): the same canonical connection as the outbound packets,
 *   so it shares their ctx.state. It is already in its translated form: forwarded unchanged, and
 *   it refreshes the mapping and its FIN/RST tracking. Without a mapping: dropped 'nat_no_mapping'.
 * - inbound, wire form (addressed to publicIp:publicPort): a *different* canonical connection, so
 *   its ctx.state is not the mapping's; the handler finds the mapping through the unit-local
 *   reverse index (PortTable) and rewrites the destination back to the inside endpoint. What the
 *   replies saw (last-seen time, FIN/RST) goes into the port's slot — folded into the mapping's
 *   state on its next packet here — and into the reply connection's own state (a STATE_REPLY
 *   record, state.ts), so it is logged, pushed and restored like any per-flow state.
 * - anything else (inside↔inside, outside↔outside) does not cross the NAT: forwarded unchanged.
 *
 * Port life cycle: taken on the first outbound packet; returned to the pool when the connection
 * closes (FIN from both sides, or an RST) or idles out. Idle expiry is lazy, from ctx.nowNs: a
 * packet of an idle-expired connection finds its mapping gone (outbound: a new mapping; inbound:
 * dropped), and when the pool runs dry one sweep reclaims every idle-expired port.
 *
 * Several SNF units (UnitInfo.maxUnits > 1): the connection's mapping is its per-flow state and
 * moves with the flow; each unit allocates only from its own slice of the range (port-table.ts),
 * so no two units ever hand out the same port. Any unit may process the close or the expiry:
 * - a port of its own slice goes back to its pool;
 * - a port of another unit's slice is only forgotten locally (it indexes it for replies but never
 *   hands it out); the owner takes it back when the connection's state next reaches it closed or
 *   expired (see `withMapping`).
 * The table is rebuilt from per-flow state, never the reverse: every flow whose state arrives at a
 * unit from elsewhere (restored from the output logger by a unit taking over a dead unit's id,
 * pulled, pushed) is re-indexed before its packets run (`stateArrived`, the SDK hook). So a
 * successor starts with its predecessor's ports taken, closed ones kept for trailing packets and
 * the replies' last-seen times, and per-flow output does not depend on which unit ran what.
 * Limit: a wire-form reply is its own flow, routed by the gateway on its own; a unit that holds
 * neither the mapping's state nor the reply record drops it 'nat_no_mapping' (captures taken
 * inside the NAT, like every trace here, carry pre-NAT replies only).
 * The owner never reclaims a port on its own idle clock (no sweep with maxUnits > 1): a connection
 * that moved away looks idle to it while it may be busy elsewhere. Trade-off: a port whose
 * connection ended on another unit and never came back to its owner stays taken (leaks). Bound:
 * at most one port per such connection, never more than the owner's slice (size/maxUnits ports);
 * when the slice is dry new connections on that unit are dropped 'nat_ports_exhausted' (counted)
 * — a port is never given to two live connections.
 */
import { PacketClass, PACKET_CLASS_REASON, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, IPPROTO_TCP, type Packet } from '../../sdk/packet';
import { Verdict, type Context, type PacketHandler } from '../../sdk/types';
import type { AddressSet } from './address-set';
import { PortTable, SLOT_CLOSED, SLOT_EXPIRED } from './port-table';
import { STATE_CLOSED, STATE_FIN_IN, STATE_FIN_OUT, STATE_REPLY, STATE_RST, type NatState } from './state';
import type { FlowKey } from '../../sdk/flow-key';

export interface NatSettings {
  publicIp: number;
  inside: AddressSet;
  portMin: number;
  portMax: number;
  tcpIdleNs: number;
  udpIdleNs: number;
  dropOtherProtocols: boolean;
  /** 1-based unit id and unit count (UnitInfo); default 1 of 1 = the whole range, sweep allowed. */
  unitId?: number;
  maxUnits?: number;
}

/** The slot flags share bit values with the state flags for FIN_OUT, FIN_IN, RST and CLOSED. */
const CLOSE_BITS = STATE_FIN_OUT | STATE_FIN_IN | STATE_RST | STATE_CLOSED;

export class NatHandler implements PacketHandler<NatState> {
  readonly ports: PortTable;
  private readonly publicIp: number;
  private readonly inside: AddressSet;
  private readonly tcpIdleNs: number;
  private readonly udpIdleNs: number;
  private readonly dropOther: boolean;
  /** One of several units: idle sweeps are unsafe (see the file comment). */
  private readonly shared: boolean;

  constructor(s: NatSettings) {
    const maxUnits = s.maxUnits ?? 1;
    this.ports = new PortTable(s.portMin, s.portMax, s.unitId ?? 1, maxUnits);
    this.shared = maxUnits > 1;
    this.publicIp = s.publicIp;
    this.inside = s.inside;
    this.tcpIdleNs = s.tcpIdleNs;
    this.udpIdleNs = s.udpIdleNs;
    this.dropOther = s.dropOtherProtocols;
  }

  process(p: Packet, ctx: Context<NatState>): Verdict {
    if (p.cls !== PacketClass.OK) return this.notTranslatable(p, ctx);
    if (p.dstIp === this.publicIp && !this.inside.has(p.srcIp)) return this.wireReply(p, ctx);
    const st = ctx.state.get();
    // A reply record (STATE_REPLY) is no mapping: only a packet towards publicIp uses it.
    if (st === undefined || (st.flags & STATE_REPLY) !== 0) return this.withoutMapping(p, ctx);
    return this.withMapping(p, ctx, st);
  }

  /** ICMP & co. carry no ports to translate; fragments cannot be translated without reassembly. */
  private notTranslatable(p: Packet, ctx: Context<NatState>): Verdict {
    if (p.cls === PacketClass.OTHER_PROTOCOL) {
      if (!this.dropOther) return Verdict.FORWARD;
      ctx.drop('nat_unsupported_protocol');
      return Verdict.DROP;
    }
    ctx.drop(p.cls === PacketClass.FRAGMENT ? 'nat_fragment' : PACKET_CLASS_REASON[p.cls]!);
    return Verdict.DROP;
  }

  private withoutMapping(p: Packet, ctx: Context<NatState>): Verdict {
    const srcIn = this.inside.has(p.srcIp);
    const dstIn = this.inside.has(p.dstIp);
    if (srcIn && !dstIn) return this.newMapping(p, ctx, undefined);
    if (!srcIn && dstIn) {
      ctx.drop('nat_no_mapping');
      return Verdict.DROP;
    }
    return Verdict.FORWARD;
  }

  private idleNs(proto: number): number {
    return proto === IPPROTO_TCP ? this.tcpIdleNs : this.udpIdleNs;
  }

  /** Give the connection a fresh public port (reusing `st` when the old mapping ended). */
  private newMapping(p: Packet, ctx: Context<NatState>, st: NatState | undefined): Verdict {
    const ports = this.ports;
    const now = ctx.nowNs;
    let slot = ports.findFree();
    if (slot < 0 && !this.shared && ports.sweepExpired(now, this.tcpIdleNs, this.udpIdleNs) > 0) slot = ports.findFree();
    if (slot < 0) {
      ctx.drop('nat_ports_exhausted');
      return Verdict.DROP;
    }
    ports.take(slot, p.protocol, p.srcIp, p.srcPort, p.dstIp, p.dstPort, now);
    const publicPort = ports.min + slot;
    if (st === undefined) {
      st = { internalIp: p.srcIp, internalPort: p.srcPort, publicPort, lastSeenNs: now, flags: 0 };
    } else {
      st.internalIp = p.srcIp;
      st.internalPort = p.srcPort;
      st.publicPort = publicPort;
      st.lastSeenNs = now;
      st.flags = 0;
    }
    this.trackClose(p, st, slot, true);
    ctx.state.put(st);
    p.setSrcIp(this.publicIp);
    p.setSrcPort(publicPort);
    return Verdict.FORWARD;
  }

  private withMapping(p: Packet, ctx: Context<NatState>, st: NatState): Verdict {
    const ports = this.ports;
    const now = ctx.nowNs;
    const outbound = p.srcIp === st.internalIp && p.srcPort === st.internalPort;
    const remIp = outbound ? p.dstIp : p.srcIp;
    const remPort = outbound ? p.dstPort : p.srcPort;
    const slot = ports.slotOf(st.publicPort);
    const owned = slot >= 0 && ports.owns(slot, p.protocol, st.internalIp, st.internalPort, remIp, remPort);
    let lastSeen = st.lastSeenNs;
    if (owned) {
      // Wire-form replies touch only the unit-local slot: fold what they saw into the state.
      if (ports.lastSeenNs[slot]! > lastSeen) lastSeen = ports.lastSeenNs[slot]!;
      st.flags |= ports.flags[slot]! & CLOSE_BITS;
    }
    const closed = (st.flags & STATE_CLOSED) !== 0;
    const expired = now - lastSeen > this.idleNs(p.protocol);
    if (expired && owned) ports.release(slot, SLOT_EXPIRED);
    // Closed on another unit (a local close released it already): the state is authoritative.
    else if (closed && owned) ports.release(slot, SLOT_CLOSED);

    if (closed || expired) {
      const newSyn = p.protocol === IPPROTO_TCP && (p.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
      if (outbound && (expired || newSyn)) return this.newMapping(p, ctx, st);
      // A trailing packet of a closed connection (last ACK, retransmitted FIN) keeps its old port
      // while that port has not been handed to someone else. A unit that is not the port's owner
      // may never have recorded it (the close ran elsewhere): taken by nobody here is enough.
      const foreign = this.shared && slot >= 0 && !ports.inSlice(slot);
      if (!expired && (owned || foreign) && !ports.isUsed(slot)) {
        st.lastSeenNs = now;
        if (owned) ports.lastSeenNs[slot] = now;
        ctx.state.put(st);
        if (outbound) this.translateOut(p, st.publicPort);
        return Verdict.FORWARD;
      }
      if (!outbound) ctx.state.delete();
      ctx.drop(expired ? 'nat_no_mapping' : 'nat_mapping_closed');
      return Verdict.DROP;
    }

    if (!owned || !ports.isUsed(slot)) {
      // The state came from another unit (SNF moved the flowlet): record its port here. A port of
      // another unit's slice that is marked taken holds a stale record (its owner re-issued it, so
      // the old holder ended): the moving state wins. A port of our own slice taken by another
      // connection (single unit, after an idle sweep) makes the connection remap.
      if (slot >= 0 && (!ports.isUsed(slot) || !ports.inSlice(slot))) {
        ports.adopt(slot, p.protocol, st.internalIp, st.internalPort, remIp, remPort, now);
      } else if (outbound) {
        return this.newMapping(p, ctx, st);
      } else {
        ctx.state.delete();
        ctx.drop('nat_port_conflict');
        return Verdict.DROP;
      }
    }
    ports.lastSeenNs[slot] = now;
    st.lastSeenNs = now;
    this.trackClose(p, st, slot, outbound);
    ctx.state.put(st);
    if (outbound) this.translateOut(p, st.publicPort);
    return Verdict.FORWARD;
  }

  private translateOut(p: Packet, publicPort: number): void {
    p.setSrcIp(this.publicIp);
    p.setSrcPort(publicPort);
  }

  /** FIN from both sides or an RST closes the connection and returns its port to the pool. */
  private trackClose(p: Packet, st: NatState, slot: number, outbound: boolean): void {
    const f = p.tcpFlags;
    if (p.protocol !== IPPROTO_TCP || (f & (TCP_FIN | TCP_RST)) === 0) return;
    if (f & TCP_RST) st.flags |= STATE_RST | STATE_CLOSED;
    if (f & TCP_FIN) st.flags |= outbound ? STATE_FIN_OUT : STATE_FIN_IN;
    if ((st.flags & (STATE_FIN_OUT | STATE_FIN_IN)) === (STATE_FIN_OUT | STATE_FIN_IN)) st.flags |= STATE_CLOSED;
    this.ports.flags[slot]! |= st.flags & CLOSE_BITS;
    if (st.flags & STATE_CLOSED) this.ports.release(slot, SLOT_CLOSED);
  }

  /** A reply addressed to publicIp:publicPort: found through the unit-local reverse index only. */
  private wireReply(p: Packet, ctx: Context<NatState>): Verdict {
    const ports = this.ports;
    const slot = ports.slotOf(p.dstPort);
    if (slot < 0 || ports.proto[slot] !== p.protocol || ports.remIp[slot] !== p.srcIp || ports.remPort[slot] !== p.srcPort) {
      return this.noReplyMapping(ctx);
    }
    const now = ctx.nowNs;
    const flags = ports.flags[slot]!;
    const live = ports.isUsed(slot);
    if (live && now - ports.lastSeenNs[slot]! > this.idleNs(p.protocol)) {
      ports.release(slot, SLOT_EXPIRED);
      return this.noReplyMapping(ctx);
    }
    if (!live && (flags & SLOT_EXPIRED || !(flags & SLOT_CLOSED))) return this.noReplyMapping(ctx);
    ports.lastSeenNs[slot] = now;
    if (live && p.protocol === IPPROTO_TCP) {
      const f = p.tcpFlags;
      let nf = flags;
      if (f & TCP_RST) nf |= STATE_RST | STATE_CLOSED;
      if (f & TCP_FIN) nf |= STATE_FIN_IN;
      if ((nf & (STATE_FIN_OUT | STATE_FIN_IN)) === (STATE_FIN_OUT | STATE_FIN_IN)) nf |= STATE_CLOSED;
      ports.flags[slot] = nf;
      if (nf & STATE_CLOSED) ports.release(slot, SLOT_CLOSED);
    }
    this.putReplyRecord(ctx, slot, p.dstPort, now);
    p.setDstIp(ports.inIp[slot]!);
    p.setDstPort(ports.inPort[slot]!);
    return Verdict.FORWARD;
  }

  /**
   * What the slot learnt from wire-form replies, kept as the reply connection's own state (so it
   * is logged, pushed and restored with it; `stateArrived` folds it back into a table). The
   * object is reused: only a connection's first reply allocates, as a mapping's first packet does.
   */
  private putReplyRecord(ctx: Context<NatState>, slot: number, publicPort: number, now: number): void {
    const ports = this.ports;
    const flags = STATE_REPLY | (ports.flags[slot]! & CLOSE_BITS);
    const st = ctx.state.get();
    if (st === undefined) {
      ctx.state.put({ internalIp: ports.inIp[slot]!, internalPort: ports.inPort[slot]!, publicPort, lastSeenNs: now, flags });
      return;
    }
    st.internalIp = ports.inIp[slot]!;
    st.internalPort = ports.inPort[slot]!;
    st.publicPort = publicPort;
    st.lastSeenNs = now;
    st.flags = flags;
    ctx.state.put(st);
  }

  /** A wire-form reply without a live mapping here: dropped, and its stale reply record goes. */
  private noReplyMapping(ctx: Context<NatState>): Verdict {
    if (ctx.state.get() !== undefined) ctx.state.delete();
    ctx.drop('nat_no_mapping');
    return Verdict.DROP;
  }

  /**
   * A connection's state arrived from elsewhere (sdk PacketHandler.stateArrived): a unit taking
   * over a dead unit's id restores every flow from its output logger, and flows move between
   * units by push/pull. Its port is re-indexed in the table (PortTable.reindex) before any packet
   * of it runs, so the table never lags the state: a successor marks its predecessor's live ports
   * taken (it never hands one out twice), keeps closed ports for trailing packets, and knows what
   * the replies saw. Why a hook rather than the table inside per-flow state: the table indexes
   * one connection's mapping by another connection (the reply's), which per-flow state cannot
   * express, and the per-packet path stays as it was (no extra state reads, no allocation); the
   * reply bookkeeping itself is per-flow state (STATE_REPLY records, `putReplyRecord`).
   */
  stateArrived(key: Readonly<FlowKey>, st: NatState | undefined): void {
    if (st === undefined) return;
    const slot = this.ports.slotOf(st.publicPort);
    if (slot < 0) return;
    // The remote endpoint is the key's end that is not ours: the inside endpoint (a mapping),
    // publicIp:publicPort (a reply record).
    const reply = (st.flags & STATE_REPLY) !== 0;
    const nearIp = reply ? this.publicIp : st.internalIp;
    const nearPort = reply ? st.publicPort : st.internalPort;
    const srcNear = key.srcIp === nearIp && key.srcPort === nearPort;
    const remIp = srcNear ? key.dstIp : key.srcIp;
    const remPort = srcNear ? key.dstPort : key.srcPort;
    this.ports.reindex(slot, key.proto, st.internalIp, st.internalPort, remIp, remPort, st.lastSeenNs, st.flags & CLOSE_BITS, !reply);
  }
}
