import fc from 'fast-check';
import { nat } from '../../../../functions/nat';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { buildIpv4, checksumsValid } from '../../../helpers/packets';

const PUB = '203.0.113.1';
const PUB_U32 = 0xcb007101;
const TCP_IDLE = 50e6;
const UDP_IDLE = 20e6;

/** One random packet: which of 6 connections, which form, flags, payload, time step. */
const op = fc.record({
  conn: fc.integer({ min: 0, max: 5 }),
  form: fc.constantFrom('out', 'in', 'wire'),
  udp: fc.boolean(),
  flags: fc.constantFrom(0x02, 0x10, 0x18, 0x11, 0x04, 0x12),
  payload: fc.uint8Array({ maxLength: 40 }),
  dtMs: fc.integer({ min: 0, max: 30 }),
  udpChecksum: fc.boolean(),
});

describe('nat properties', () => {
  it('never gives one public port to two live connections; every rewrite verifies from scratch', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => {
        const rt = new LocalRuntime(nat, { publicIp: PUB, ports: { min: 7000, max: 7003 }, idleTimeoutMs: { tcp: 50, udp: 20 } });
        const owner = new Map<number, string>();
        const last = new Map<string, number>();
        const closeBits = new Map<string, number>();
        const wirePort = new Map<string, number>();
        let t = 0;
        for (const o of ops) {
          t += o.dtMs * 1e6;
          const proto = o.udp ? 'udp' : 'tcp';
          const name = `${proto}${o.conn}`;
          const inside = `10.0.0.${1 + o.conn}`;
          const sport = 30000 + o.conn;
          const remote = '198.51.100.7';
          const common = { proto, flags: o.flags, payload: Buffer.from(o.payload), udpChecksum: o.udpChecksum } as const;
          const b =
            o.form === 'out'
              ? buildIpv4({ ...common, src: inside, sport, dst: remote, dport: 443 + o.conn })
              : o.form === 'in'
                ? buildIpv4({ ...common, src: remote, sport: 443 + o.conn, dst: inside, dport: sport })
                : buildIpv4({ ...common, src: remote, sport: 443 + o.conn, dst: PUB, dport: wirePort.get(name) ?? 7000 });
          const before = Buffer.from(b);
          const p = Packet.parse(b);
          const v = rt.process(p, t);
          if (!b.equals(before)) expect(checksumsValid(b)).toEqual({ ip: true, l4: true });
          if (o.form === 'out' && v === 0) {
            expect(p.srcIp).toBe(PUB_U32);
            const port = p.srcPort;
            const prev = owner.get(port);
            if (prev !== undefined && prev !== name) {
              const bits = closeBits.get(prev) ?? 0;
              const idle = prev.startsWith('udp') ? UDP_IDLE : TCP_IDLE;
              const live = (bits & 4) === 0 && bits !== 3 && t - last.get(prev)! <= idle;
              expect(live).toBe(false);
            }
            const old = wirePort.get(name);
            if (old !== undefined && old !== port && owner.get(old) === name) owner.delete(old); // remapped
            owner.set(port, name);
            wirePort.set(name, port);
            closeBits.set(name, prev === name ? (closeBits.get(name) ?? 0) : 0);
          }
          if (v === 0 && owner.get(wirePort.get(name) ?? -1) === name) {
            last.set(name, t);
            if (!o.udp) {
              const bits = (closeBits.get(name) ?? 0) | (o.flags & 4 ? 4 : 0) | (o.flags & 1 ? (o.form === 'out' ? 1 : 2) : 0);
              closeBits.set(name, bits);
            }
          }
          if (o.form === 'wire' && v === 0) expect(p.dstPort).toBe(30000 + o.conn);
        }
        expect(rt.counters.handlerErrors).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
