import fc from 'fast-check';
import { lb } from '../../../../functions/lb';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { connectionHash, flowKeyOf } from '../../../../sdk/flow-key';
import { Packet } from '../../../../sdk/packet';
import { buildIpv4, checksumsValid, ip, tcp, udp } from '../../../helpers/packets';
import { step, stateOf } from '../nat/run-steps';

const VIP = '198.51.100.10';
const SERVERS = ['10.1.0.1', '10.1.0.2', '10.1.0.3'];

function expectedServer(b: Buffer): string {
  return SERVERS[connectionHash(flowKeyOf(Packet.parse(b))) % SERVERS.length]!;
}

describe('lb packet table (with a vip)', () => {
  it('pins a connection to servers[hash mod n], rewrites to the server and counts packets', () => {
    const r = new LocalRuntime(lb, { vip: VIP, servers: SERVERS });
    const syn = tcp('192.0.2.5', 40000, VIP, 80, 0x02, 'GET /');
    const server = expectedServer(syn);
    expect(step(r, syn, 0)).toMatchObject({ verdict: 'FORWARD', dst: `${server}:80`, src: '192.0.2.5:40000' });
    expect(checksumsValid(syn)).toEqual({ ip: true, l4: true });
    // Client-side capture: the reply is from the vip, same connection: counted, unchanged.
    const reply = tcp(VIP, 80, '192.0.2.5', 40000, 0x12, 'ok');
    const copy = Buffer.from(reply);
    expect(step(r, reply, 1)).toMatchObject({ verdict: 'FORWARD' });
    expect(reply.equals(copy)).toBe(true);
    expect(step(r, tcp('192.0.2.5', 40000, VIP, 80, 0x10), 2)).toMatchObject({ dst: `${server}:80` });
    expect(stateOf(r, tcp('192.0.2.5', 40000, VIP, 80))).toEqual({
      clientIp: ip('192.0.2.5'),
      clientPort: 40000,
      serverIndex: SERVERS.indexOf(server),
      packets: 3,
    });
  });

  it('restores the vip on wire-form server replies, leaves other traffic alone', () => {
    const r = new LocalRuntime(lb, { vip: VIP, servers: SERVERS });
    const fromServer = udp('10.1.0.2', 53, '192.0.2.5', 5353, 'answer');
    expect(step(r, fromServer, 0)).toMatchObject({ verdict: 'FORWARD', src: `${VIP}:53` });
    expect(checksumsValid(fromServer)).toEqual({ ip: true, l4: true });
    expect(step(r, udp('192.0.2.5', 1, '192.0.2.6', 2), 0)).toMatchObject({ verdict: 'FORWARD', dst: '192.0.2.6:2' });
    expect(r.state.size).toBe(0);
    const icmp = buildIpv4({ proto: 1, src: '192.0.2.5', dst: VIP });
    expect(step(r, icmp, 0)).toMatchObject({ verdict: 'DROP', reason: 'lb_not_balanceable' });
    expect(step(r, buildIpv4({ proto: 1, src: '192.0.2.5', dst: '192.0.2.6' }), 0).verdict).toBe('FORWARD');
  });

  it('spreads connections over every server', () => {
    const r = new LocalRuntime(lb, { vip: VIP, servers: SERVERS });
    const seen = new Set<string>();
    for (let port = 1000; port < 1060; port++) seen.add(step(r, tcp('192.0.2.5', port, VIP, 80, 0x02), 0).dst.split(':')[0]!);
    expect([...seen].sort()).toEqual(SERVERS);
  });
});

describe('lb without a vip', () => {
  it('balances every connection; the first packet names the client; replies pass unchanged', () => {
    const r = new LocalRuntime(lb, { servers: SERVERS });
    const first = udp('192.0.2.9', 7000, '203.0.113.50', 53, 'q');
    const server = expectedServer(first);
    expect(step(r, first, 0)).toMatchObject({ dst: `${server}:53` });
    const back = udp('203.0.113.50', 53, '192.0.2.9', 7000, 'a');
    expect(step(r, back, 1)).toMatchObject({ src: '203.0.113.50:53', dst: '192.0.2.9:7000' });
    expect(stateOf(r, udp('192.0.2.9', 7000, '203.0.113.50', 53))).toMatchObject({ packets: 2, clientPort: 7000 });
  });
});

describe('lb properties', () => {
  it('the same connection always reaches the same server, in any order and on any unit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: fc.integer({ min: 0, max: 30 }), reply: fc.boolean(), udp: fc.boolean() }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 7 }),
        (ops, n) => {
          const servers = Array.from({ length: n }, (_, i) => `10.9.0.${i + 1}`);
          const a = new LocalRuntime(lb, { vip: VIP, servers });
          const fresh = new LocalRuntime(lb, { vip: VIP, servers }); // another unit, no state
          const chosen = new Map<string, string>();
          for (const o of ops) {
            const make = o.udp ? udp : tcp;
            const client = `192.0.2.${1 + (o.c % 5)}`;
            const sport = 20000 + o.c;
            if (o.reply) {
              step(a, make(VIP, 80, client, sport), 0);
              continue;
            }
            const name = `${o.udp}${o.c}`;
            const dst = step(a, make(client, sport, VIP, 80), 0).dst;
            const other = step(fresh, make(client, sport, VIP, 80), 0).dst;
            expect(other).toBe(dst);
            if (chosen.has(name)) expect(dst).toBe(chosen.get(name));
            chosen.set(name, dst);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
