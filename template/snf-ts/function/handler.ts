/**
 * An SNF network function, written on SNF's SDK only. SNF calls `process` once per packet, in
 * order within a connection, on whichever unit runs the connection's current flowlet; the
 * connection's state moves with it. So: keep per-connection state only in `ctx.state` (get,
 * change, put it again), take time only from `ctx.nowNs`, never throw on packet contents, and
 * name every drop.
 *
 * This one: a per-connection packet limit. Each connection (both directions) may send
 * `maxPackets` packets; later ones are dropped as `over_limit`. Replace it with your own.
 */
import { integer, object, Verdict, type Context, type Infer, type NetworkFunction, type Packet, type PacketHandler, type StateCodec } from 'snf/sdk';

/** Configuration: validated once when the function starts (a bad value names its field). */
const config = object({ maxPackets: integer({ min: 1 }) });
type Config = Infer<typeof config>;

/** Per-connection state. */
interface State {
  packets: number;
}

/** How the state travels between units: 4 bytes, big-endian packet count. */
const stateCodec: StateCodec<State> = {
  encode: (s) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(s.packets, 0);
    return b;
  },
  decode: (b) => {
    if (b.length !== 4) throw new Error(`packet-limit state: want 4 bytes, got ${b.length}`);
    return { packets: b.readUInt32BE(0) };
  },
};

class PacketLimit implements PacketHandler<State> {
  constructor(private readonly max: number) {}

  process(_packet: Packet, ctx: Context<State>): Verdict {
    const s = ctx.state.get() ?? { packets: 0 };
    s.packets++;
    ctx.state.put(s); // put after every change: that is what SNF replicates
    if (s.packets > this.max) {
      ctx.drop('over_limit');
      return Verdict.DROP;
    }
    return Verdict.FORWARD;
  }
}

export const packetLimit: NetworkFunction<Config, State> = {
  name: 'packet-limit',
  description: 'drops the packets of a connection beyond the first maxPackets',
  config,
  defaultConfig: { maxPackets: 100 },
  stateCodec,
  dropReasons: ['over_limit'],
  create: (c) => new PacketLimit(c.maxPackets),
};

export default packetLimit;
