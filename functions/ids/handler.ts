/**
 * The per-packet IDS handler. Per TCP/UDP packet with payload: scan the payload (stream-matcher.ts)
 * from the connection direction's saved states (TCP) or from the start state (UDP: datagrams are
 * matched one by one), raise `ctx.alert(sid)` once per (packet, rule) and save the new states when
 * they changed. Hot path: no allocation except one state array per new TCP connection with payload.
 */
import { PacketClass, type Packet } from '../../sdk/packet';
import { Verdict, type Context, type PacketHandler } from '../../sdk/types';
import type { MatchSink } from './aho-corasick';
import type { PatternMatcher } from './pattern-matcher';
import { PROTO_TCP_BIT, PROTO_UDP_BIT, type PatternSet } from './pattern-set';
import { IDS_STATE_WORDS, type IdsState } from './state';

export const IDS_DROP_REASON = 'ids_signature';

export interface IdsCounters {
  /** Payload bytes scanned. */
  bytes: number;
  packetsScanned: number;
  /** Packets with at least one alert. */
  packetsAlerted: number;
  /** Fragments and non-TCP/UDP packets passed without scanning (no reassembly). */
  notScanned: number;
  /** Saved states that did not fit this automaton (state from another rule set): restarted. */
  badStates: number;
}

export class IdsHandler implements PacketHandler<IdsState>, MatchSink {
  readonly counters: IdsCounters = { bytes: 0, packetsScanned: 0, packetsAlerted: 0, notScanned: 0, badStates: 0 };
  private readonly sids: Uint32Array;
  private readonly protoMasks: Uint8Array;
  private readonly ruleStart: Uint32Array;
  private readonly ruleOfPattern: Uint32Array;
  /** Per rule: the packet serial it last alerted in (dedup within a packet without clearing). */
  private readonly lastAlerted: Uint32Array;
  private serial = 0;
  private protoBit = 0;
  private alertsThisPacket = 0;
  private ctx: Context<IdsState> | null = null;
  /** scanStream's result (reused). */
  private readonly next = new Uint32Array(2);
  private readonly exactStates: number;
  private readonly foldedStates: number;

  constructor(
    private readonly matcher: PatternMatcher,
    set: PatternSet,
    private readonly dropOnAlert: boolean,
  ) {
    this.sids = set.sids;
    this.protoMasks = set.protoMasks;
    this.ruleStart = set.ruleStart;
    this.ruleOfPattern = set.ruleOfPattern;
    this.lastAlerted = new Uint32Array(set.sids.length);
    this.exactStates = matcher.stream.exact.stateCount;
    this.foldedStates = matcher.stream.folded.stateCount;
  }

  process(p: Packet, ctx: Context<IdsState>): Verdict {
    if (p.cls !== PacketClass.OK) {
      this.counters.notScanned++;
      return Verdict.FORWARD;
    }
    const len = p.payloadLength;
    if (len === 0) return Verdict.FORWARD;
    const tcp = p.isTcp;
    // Direction 0 = from the canonical key's first endpoint (the lower address, then port).
    const dir = p.srcIp < p.dstIp || (p.srcIp === p.dstIp && p.srcPort <= p.dstPort) ? 0 : 2;
    const saved = tcp ? ctx.state.get() : undefined;
    let exact = 0;
    let folded = 0;
    let dirty = false;
    if (saved !== undefined) {
      exact = saved[dir]!;
      folded = saved[dir + 1]!;
      if (exact >= this.exactStates || folded >= this.foldedStates) {
        this.counters.badStates++;
        dirty = true;
        exact = 0;
        folded = 0;
      }
    }
    this.serial = (this.serial + 1) >>> 0 || 1; // 0 marks "never alerted"
    this.protoBit = tcp ? PROTO_TCP_BIT : PROTO_UDP_BIT;
    this.alertsThisPacket = 0;
    this.ctx = ctx;
    const start = p.payloadOffset;
    const end = start + len;
    this.matcher.scanStream(p.buf, start, end, exact, folded, this, this.next, tcp);
    const nextExact = this.next[0]!;
    const nextFolded = this.next[1]!;
    this.ctx = null;
    this.counters.bytes += len;
    this.counters.packetsScanned++;

    if (tcp && (dirty || nextExact !== exact || nextFolded !== folded)) {
      const s = saved ?? new Uint32Array(IDS_STATE_WORDS);
      s[dir] = nextExact;
      s[dir + 1] = nextFolded;
      ctx.state.put(s);
    }
    if (this.alertsThisPacket === 0) return Verdict.FORWARD;
    this.counters.packetsAlerted++;
    if (!this.dropOnAlert) return Verdict.FORWARD;
    ctx.drop(IDS_DROP_REASON);
    return Verdict.DROP;
  }

  /** MatchSink: a pattern ended in this packet; alert each of its rules once per packet. */
  onMatch(pattern: number, _end: number): void {
    const rules = this.ruleOfPattern;
    for (let k = this.ruleStart[pattern]!; k < this.ruleStart[pattern + 1]!; k++) {
      const r = rules[k]!;
      if ((this.protoMasks[r]! & this.protoBit) === 0 || this.lastAlerted[r] === this.serial) continue;
      this.lastAlerted[r] = this.serial;
      this.alertsThisPacket++;
      this.ctx!.alert(this.sids[r]!);
    }
  }
}
