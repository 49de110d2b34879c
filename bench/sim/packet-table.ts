/**
 * Per-packet simulator bookkeeping in parallel typed arrays, indexed by packet number
 * (input order). Filled when the controller routes the packet; read by units, state and metrics.
 */
export class PacketTable {
  /** Unit chosen by the controller. */
  readonly unitOf: Int32Array;
  /** Simulator-side per-flow sequence number (1, 2, …): the logical clock the state model checks. */
  readonly seq: Int32Array;
  /** 1 when processing must first make the flow's state available at the unit (see StateModel). */
  readonly gate: Uint8Array;
  /** Unit of the flow's previous packet (where its newest state is), -1 for a flow's first packet. */
  readonly prevUnit: Int32Array;
  /** Controller's "not before" time (smartflow migration, unit start-up). */
  readonly holdUntilNs: Float64Array;
  /** Intrusive list link (unit FIFO or a flow's hold list). */
  readonly next: Int32Array;
  /** 0 not yet departed, 1 departed (a second departure is counted as a duplicate). */
  readonly departed: Uint8Array;

  constructor(readonly count: number) {
    this.unitOf = new Int32Array(count);
    this.seq = new Int32Array(count);
    this.gate = new Uint8Array(count);
    this.prevUnit = new Int32Array(count);
    this.holdUntilNs = new Float64Array(count);
    this.next = new Int32Array(count).fill(-1);
    this.departed = new Uint8Array(count);
  }
}
