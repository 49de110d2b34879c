/**
 * Every number the unit exposes. Plain numeric fields bumped on the hot path (no Map, no labels);
 * the metrics layer reads them.
 */
export interface UnitCounters {
  packets: number;
  forwarded: number;
  dropped: number;
  malformedPackets: number;
  handlerErrors: number;
  /** First packet of a flowlet found its state already here from a push (no wait). */
  seamless: number;
  /** First packet of a flowlet at the unit that processed the previous one, or of a new flow. */
  local: number;
  /** Packets that had to wait for state (held). */
  waited: number;
  /** Flowlets whose held packets were released by a pull answer. */
  pulled: number;
  /** Flowlets released by a push that arrived while they were held. */
  releasedByPush: number;
  /** Packets processed whose clock was not newer than the stored one (reordered/duplicated). */
  late: number;
  /** Held flows given up on after retries/timeout: processed on the state that was here. */
  stateLost: number;
  /** Clock-1 packets of a connection whose old state was still here (the controller forgot it). */
  restarted: number;
  deltasPut: number;
  deltasDelete: number;
  pushesSent: number;
  pushFlowsSent: number;
  pushBytesSent: number;
  pushErrors: number;
  /** Of them, flows pushed because they were idle ≥ T/2 on the gateway's clock before on this unit's. */
  pushedByGatewayClock: number;
  /** Flowlets released by a late push (`releasedByPush`): Σ and max of how long their first packet waited (µs). */
  pushLateUsSum: number;
  pushLateMaxUs: number;
  /** Pushes applied to a held flow that released nothing (their clock was older than needed). */
  pushTooOld: number;
  /**
   * Why a peer had to pull a flow from here (each flow's first pull at a clock, when it arrived):
   * the asker was not among the flow's replication targets; this unit had not yet run the packet
   * asked for (behind); the push was already sent (in flight); the flow had been idle here < T/2
   * (of which `pullAskIdleShortGw`: ≥ T/2 on the gateway's clock); idle ≥ T/2 but not yet swept.
   */
  pullAskNotTarget: number;
  pullAskBehind: number;
  pullAskPushSent: number;
  pullAskIdleShort: number;
  pullAskIdleShortGw: number;
  pullAskNotSwept: number;
  pushesReceived: number;
  pushFlowsApplied: number;
  pushFlowsStale: number;
  pushFlowsRejected: number;
  pullsSent: number;
  /** Flow pulls issued (first try and re-tries; a flow's pull is re-sent until its clock arrives). */
  pullAttempts: number;
  pullFlowsRequested: number;
  pullFlowsFound: number;
  pullFlowsUnknown: number;
  pullErrors: number;
  pullsServed: number;
  pullFlowsServed: number;
  /** Pulled flows answered "not yet" (not at the asked clock; the requester asks again). */
  pullFlowsNotYet: number;
  pullBytesServed: number;
  /** External state mode (Redis): flow reads, conditional writes, bytes written, failures. */
  storeReads: number;
  storeWrites: number;
  storeBytesWritten: number;
  storeErrors: number;
  /** External reads that found no value, or one older than asked (re-read after pullRetry). */
  storeFlowsMissing: number;
  evicted: number;
  authRefused: number;
  /** Gateway handshakes refused over the unit id (WRONG_UNIT_ID, NO_UNIT_ID; proto/data-plane.md §1). */
  unitIdRefused: number;
  badRequests: number;
  framesRejected: number;
  connectionsClosed: number;
}

export function newUnitCounters(): UnitCounters {
  return {
    packets: 0, forwarded: 0, dropped: 0, malformedPackets: 0, handlerErrors: 0,
    seamless: 0, local: 0, waited: 0, pulled: 0, releasedByPush: 0, late: 0, stateLost: 0, restarted: 0,
    deltasPut: 0, deltasDelete: 0,
    pushesSent: 0, pushFlowsSent: 0, pushBytesSent: 0, pushErrors: 0,
    pushedByGatewayClock: 0, pushLateUsSum: 0, pushLateMaxUs: 0, pushTooOld: 0,
    pullAskNotTarget: 0, pullAskBehind: 0, pullAskPushSent: 0, pullAskIdleShort: 0, pullAskIdleShortGw: 0, pullAskNotSwept: 0,
    pushesReceived: 0, pushFlowsApplied: 0, pushFlowsStale: 0, pushFlowsRejected: 0,
    pullsSent: 0, pullAttempts: 0, pullFlowsRequested: 0, pullFlowsFound: 0, pullFlowsUnknown: 0, pullErrors: 0,
    pullsServed: 0, pullFlowsServed: 0, pullFlowsNotYet: 0, pullBytesServed: 0,
    storeReads: 0, storeWrites: 0, storeBytesWritten: 0, storeErrors: 0, storeFlowsMissing: 0,
    evicted: 0, authRefused: 0, unitIdRefused: 0, badRequests: 0, framesRejected: 0, connectionsClosed: 0,
  };
}
