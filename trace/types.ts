/**
 * Shapes shared by the trace readers, the loader, the generator and the composite builder.
 * Kept free of imports so every trace/ file (and bench/) can use them.
 */

/**
 * One captured frame. The reader reuses this object and its `data` view on the next call to
 * `next()`: copy what you keep.
 */
export interface TraceRecord {
  /** Capture time, whole seconds since the epoch (after if_tsoffset for pcapng). */
  tsSec: number;
  /** Nanoseconds within the second, 0..999,999,999 (integer). */
  tsNsec: number;
  /** Bytes captured (data.length). */
  capLen: number;
  /** Bytes on the wire (the frame's original length). */
  origLen: number;
  /** LINKTYPE_* of the frame (see link-types.ts). */
  linkType: number;
  /** The frame bytes as captured. */
  data: Buffer;
  /** Where the IPv4 header starts in `data`, or -1 when the frame carries no IPv4 packet. */
  l3Offset: number;
  /** pcapng interface id (0 for classic pcap). */
  interfaceId: number;
}

/**
 * A whole trace of IPv4 packets in memory, packed for benchmarks and the simulator:
 * packet i is bytes[offsets[i], offsets[i] + lengths[i]).
 */
export interface LoadedTrace {
  path: string;
  count: number;
  bytes: Buffer;
  offsets: Uint32Array;
  /** Captured L3 bytes of each packet. */
  lengths: Uint32Array;
  /** IP total length (the size on the wire) of each packet. */
  wireLengths: Uint32Array;
  /** Nanoseconds since the first packet (exact below 2^53 ns, about 104 days). */
  timesNs: Float64Array;
  /** Frames that carried no IPv4 packet (not in the arrays). */
  skipped: number;
}
