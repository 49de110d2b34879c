/**
 * One flow's ephemeral record at a unit: the NF's value with its logical clock, where to push it,
 * packets held while its state is missing, and links for the idle lists (intrusive, so moving a
 * flow to the tail on each packet allocates nothing).
 */
import type { FlowKey } from '../../sdk/flow-key';

/** Most replication targets a flow keeps (extra targets in a frame are ignored). */
export const MAX_TARGETS_KEPT = 16;

export const ListId = { NONE: 0, ACTIVE: 1, IDLE: 2 } as const;

/** A packet waiting for its flow's state; bytes are copied out of the receive buffer (rare path). */
export interface HeldPacket {
  flowletId: number;
  clock: number;
  prevUnit: number;
  tsNs: number;
  bytes: Buffer;
  heldAtNs: number;
}

export const PullState = { NONE: 0, SCHEDULED: 1, IN_FLIGHT: 2 } as const;

export class FlowEntry<S> {
  // canonical connection key
  proto = 0;
  srcIp = 0;
  srcPort = 0;
  dstIp = 0;
  dstPort = 0;

  value: S | undefined = undefined;
  /** false after the NF deleted its state (or before any state exists). */
  present = false;
  /** Clock of the last packet reflected in `value`; 0 = none yet. */
  clock = 0;
  /** Clock last pushed to targets (or received by push): nothing newer to push while equal. */
  pushedClock = 0;
  /** Last local activity (packet processed here), on the unit's monotonic clock. */
  lastSeenNs = 0;
  /** Gateway arrival time (PACKETS tsNs) of the last packet run here: idle on the gateway's clock. */
  lastTsNs = 0;
  lastFlowletId = -1;
  /** Clock a peer last pulled this flow at (its pull classified once; re-pulls are not). */
  pullAskedClock = 0;
  /** Clock of the last record this unit's output logger got for the flow (0 = none: send the whole value). */
  loggedClock = 0;

  readonly targets = new Uint16Array(MAX_TARGETS_KEPT);
  targetCount = 0;

  /** Sorted by clock; null when nothing is held (the common case). */
  held: HeldPacket[] | null = null;
  pullState: number = PullState.NONE;
  pullUnit = -1;
  pullAttempts = 0;
  /** When a SCHEDULED pull should be sent. */
  pullAtNs = 0;
  /** How the state of the flowlet being held arrived: set when released (for counters). */
  arrivedByPull = false;

  list: number = ListId.NONE;
  prev: FlowEntry<S> | null = null;
  next: FlowEntry<S> | null = null;

  setKey(k: FlowKey): void {
    this.proto = k.proto;
    this.srcIp = k.srcIp;
    this.srcPort = k.srcPort;
    this.dstIp = k.dstIp;
    this.dstPort = k.dstPort;
  }
}

/** Doubly linked list of entries ordered by insertion (= by lastSeenNs when appended on touch). */
export class EntryList<S> {
  head: FlowEntry<S> | null = null;
  tail: FlowEntry<S> | null = null;
  size = 0;
  constructor(readonly id: number) {}

  append(e: FlowEntry<S>): void {
    e.list = this.id;
    e.prev = this.tail;
    e.next = null;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    this.size++;
  }

  remove(e: FlowEntry<S>): void {
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = null;
    e.list = ListId.NONE;
    this.size--;
  }
}
