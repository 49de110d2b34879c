/**
 * Where processed packets leave the gateway. One sink per ingress source: the replayer's stream
 * connection (EGRESS frames back), a UDP destination, or a pcap file.
 */
export interface EgressSink {
  /**
   * One finished packet. `seq` is the ingress source's id of the packet, `residenceNs` the time
   * from gateway ingress to now. `len` is 0 for drops. The bytes are valid only during the call.
   */
  emit(seq: number, residenceNs: number, verdict: number, reason: number, buf: Buffer, off: number, len: number): void;
  close(): void;
}

/** Drops everything (no egress configured); counts. */
export class NullSink implements EgressSink {
  packets = 0;
  emit(): void {
    this.packets++;
  }
  close(): void {}
}
