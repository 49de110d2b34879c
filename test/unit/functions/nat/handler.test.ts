import { nat } from '../../../../functions/nat';
import { STATE_CLOSED, STATE_REPLY } from '../../../../functions/nat/state';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { verifyChecksums } from '../../../../sdk/checksum';
import { buildIpv4, checksumsValid, ip, tcp, udp } from '../../../helpers/packets';
import { MS, stateOf, step } from './run-steps';

const SYN = 0x02;
const ACK = 0x10;
const FIN = 0x01;
const RST = 0x04;

const PUB = '203.0.113.1';
const H = '10.0.0.5';
const R = '93.184.216.34';

function rt(extra: Record<string, unknown> = {}) {
  return new LocalRuntime(nat, { publicIp: PUB, ports: { min: 5000, max: 5002 }, idleTimeoutMs: { tcp: 1000, udp: 500 }, ...extra });
}

function expectChecksumsValid(b: Buffer): void {
  expect(checksumsValid(b)).toEqual({ ip: true, l4: true });
}

describe('nat packet table', () => {
  it('maps an outbound connection, forwards pre-NAT replies unchanged and translates wire-form replies', () => {
    const r = rt();
    const syn = tcp(H, 40000, R, 80, SYN, 'hello');
    const s1 = step(r, syn, 0);
    expect(s1).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5000`, dst: `${R}:80` });
    expectChecksumsValid(syn);
    expect(verifyChecksums(s1.out)).toBe(true);
    expect(stateOf(r, tcp(H, 40000, R, 80))).toEqual({ internalIp: ip(H), internalPort: 40000, publicPort: 5000, lastSeenNs: 0, flags: 0 });

    const synack = tcp(R, 80, H, 40000, SYN | ACK, 'x');
    const copy = Buffer.from(synack);
    expect(step(r, synack, 1 * MS)).toMatchObject({ verdict: 'FORWARD', src: `${R}:80`, dst: `${H}:40000` });
    expect(synack.equals(copy)).toBe(true);
    expect(stateOf(r, tcp(H, 40000, R, 80))).toMatchObject({ lastSeenNs: 1 * MS });

    const wire = tcp(R, 80, PUB, 5000, ACK, 'reply-bytes');
    expect(step(r, wire, 2 * MS)).toMatchObject({ verdict: 'FORWARD', src: `${R}:80`, dst: `${H}:40000` });
    expectChecksumsValid(wire);

    // The reply connection keeps what its replies saw as its own state (a reply record).
    expect(stateOf(r, tcp(R, 80, PUB, 5000))).toEqual({ internalIp: ip(H), internalPort: 40000, publicPort: 5000, lastSeenNs: 2 * MS, flags: STATE_REPLY });

    // The same connection keeps its port.
    expect(step(r, tcp(H, 40000, R, 80, ACK, 'more'), 3 * MS)).toMatchObject({ src: `${PUB}:5000` });
    expect(r.state.size).toBe(2);
  });

  it('drops unsolicited inbound and wire-form replies that match no mapping', () => {
    const r = rt();
    step(r, udp(H, 5353, R, 53, 'q'), 0);
    expect(step(r, udp(R, 53, '10.0.0.9', 1234, 'x'), 1)).toMatchObject({ verdict: 'DROP', reason: 'nat_no_mapping' });
    expect(step(r, udp(R, 54, PUB, 5000, 'x'), 1)).toMatchObject({ verdict: 'DROP', reason: 'nat_no_mapping' });
    expect(step(r, udp('8.8.8.8', 53, PUB, 5000, 'x'), 1)).toMatchObject({ verdict: 'DROP', reason: 'nat_no_mapping' });
    expect(step(r, tcp(R, 53, PUB, 5000, ACK), 1)).toMatchObject({ verdict: 'DROP', reason: 'nat_no_mapping' });
    expect(step(r, udp(R, 53, PUB, 5001, 'x'), 1)).toMatchObject({ verdict: 'DROP', reason: 'nat_no_mapping' });
    expect(step(r, udp(R, 53, PUB, 5000, 'x'), 1)).toMatchObject({ verdict: 'FORWARD', dst: `${H}:5353` });
  });

  it('leaves traffic that does not cross the NAT alone', () => {
    const r = rt();
    const inner = tcp(H, 1, '192.168.1.1', 2, SYN);
    const copy = Buffer.from(inner);
    expect(step(r, inner, 0)).toMatchObject({ verdict: 'FORWARD' });
    expect(inner.equals(copy)).toBe(true);
    expect(step(r, udp('1.1.1.1', 1, '2.2.2.2', 2), 0)).toMatchObject({ verdict: 'FORWARD', src: '1.1.1.1:1' });
    expect(r.state.size).toBe(0);
  });

  it('drops other protocols by default, forwards them when configured; drops fragments', () => {
    const icmp = () => buildIpv4({ proto: 1, src: H, dst: R, payload: 'ping' });
    expect(step(rt(), icmp(), 0)).toMatchObject({ verdict: 'DROP', reason: 'nat_unsupported_protocol' });
    expect(step(rt({ otherProtocols: 'forward' }), icmp(), 0)).toMatchObject({ verdict: 'FORWARD' });
    const frag = buildIpv4({ proto: 'udp', src: H, dst: R, fragOffset: 10, payload: 'tail' });
    expect(step(rt(), frag, 0)).toMatchObject({ verdict: 'DROP', reason: 'nat_fragment' });
  });

  it('exhausts the pool, then frees ports on close (both FINs) and on RST', () => {
    const r = rt();
    expect(step(r, tcp(H, 1, R, 80, SYN), 0).src).toBe(`${PUB}:5000`);
    expect(step(r, tcp(H, 2, R, 80, SYN), 0).src).toBe(`${PUB}:5001`);
    expect(step(r, tcp(H, 3, R, 80, SYN), 0).src).toBe(`${PUB}:5002`);
    expect(step(r, tcp(H, 4, R, 80, SYN), 0)).toMatchObject({ verdict: 'DROP', reason: 'nat_ports_exhausted' });

    step(r, tcp(H, 1, R, 80, FIN | ACK), 1);
    expect(step(r, tcp(H, 4, R, 80, SYN), 1).reason).toBe('nat_ports_exhausted'); // one FIN is not a close
    step(r, tcp(R, 80, H, 1, FIN | ACK), 2); // pre-NAT reply FIN: both sides done
    expect(stateOf(r, tcp(H, 1, R, 80))).toMatchObject({ flags: expect.any(Number) });
    expect(stateOf(r, tcp(H, 1, R, 80))!.flags & STATE_CLOSED).toBe(STATE_CLOSED);
    // The last ACK of the closed connection still leaves on its old port (not handed out yet).
    expect(step(r, tcp(H, 1, R, 80, ACK), 3)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5000` });
    expect(step(r, tcp(H, 4, R, 80, SYN), 4)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5000` });
    // Now 5000 belongs to connection 4: a late packet of connection 1 must not use it.
    expect(step(r, tcp(H, 1, R, 80, ACK), 5)).toMatchObject({ verdict: 'DROP', reason: 'nat_mapping_closed' });

    step(r, tcp(R, 80, PUB, 5001, RST), 6); // wire-form RST closes connection 2
    // Its state learns of the close from the unit-local slot: a trailing ACK keeps port 5001.
    expect(step(r, tcp(H, 2, R, 80, ACK), 7)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5001` });
    expect(stateOf(r, tcp(H, 2, R, 80))!.flags & STATE_CLOSED).toBe(STATE_CLOSED);
    expect(step(r, tcp(H, 5, R, 80, SYN), 8)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5001` });
    // 5001 is taken now: connection 2 needs a new mapping, and the pool is full.
    expect(step(r, tcp(H, 2, R, 80, SYN), 9)).toMatchObject({ verdict: 'DROP', reason: 'nat_ports_exhausted' });
  });

  it('expires idle mappings lazily: on touch, and by a sweep when the pool runs dry', () => {
    const r = rt();
    expect(step(r, udp(H, 1, R, 53), 0).src).toBe(`${PUB}:5000`);
    expect(step(r, udp(H, 2, R, 53), 0).src).toBe(`${PUB}:5001`);
    expect(step(r, udp(H, 3, R, 53), 400 * MS).src).toBe(`${PUB}:5002`);
    // 600 ms: connections 1 and 2 idled out (UDP 500 ms); the pool is empty, so a sweep frees them.
    expect(step(r, udp(H, 4, R, 53), 600 * MS)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5000` });
    // Connection 2 comes back: its old mapping is gone, it gets a fresh port (5001 was swept free).
    expect(step(r, udp(H, 2, R, 53), 650 * MS)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5001` });
    // A pre-NAT reply for the expired connection 1 is dropped and its state removed.
    expect(step(r, udp(R, 53, H, 1), 700 * MS)).toMatchObject({ verdict: 'DROP', reason: 'nat_no_mapping' });
    expect(stateOf(r, udp(H, 1, R, 53))).toBeUndefined();
    // Touch-time expiry without a sweep: connection 3 idle 600 ms.
    expect(step(r, udp(H, 3, R, 53), 1000 * MS)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5002` });
    expect(stateOf(r, udp(H, 3, R, 53))).toMatchObject({ publicPort: 5002, lastSeenNs: 1000 * MS });
  });

  it('wire-form replies keep the mapping alive (folded into the state on the next outbound packet)', () => {
    const r = rt();
    step(r, udp(H, 1, R, 53), 0);
    step(r, udp(R, 53, PUB, 5000), 400 * MS);
    step(r, udp(R, 53, PUB, 5000), 800 * MS);
    expect(step(r, udp(H, 1, R, 53), 1200 * MS)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5000` });
  });

  it('adopts a mapping whose state came from another unit, or remaps it on a local conflict', () => {
    const r = rt();
    // Simulate state moved in from another unit: put it straight into the runtime's table.
    const key = { proto: 17, srcIp: ip(H), srcPort: 7, dstIp: ip(R), dstPort: 53 };
    r.state.set(key, { internalIp: ip(H), internalPort: 7, publicPort: 5002, lastSeenNs: 0, flags: 0 });
    expect(step(r, udp(H, 7, R, 53), 1 * MS)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5002` });
    expect(step(r, udp(R, 53, PUB, 5002), 2 * MS)).toMatchObject({ verdict: 'FORWARD', dst: `${H}:7` });
    // A second migrated connection claiming the same port gets a new one here.
    r.state.set({ ...key, srcPort: 8 }, { internalIp: ip(H), internalPort: 8, publicPort: 5002, lastSeenNs: 0, flags: 0 });
    expect(step(r, udp(H, 8, R, 53), 3 * MS)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5000` });
  });

  it('never throws on hostile bytes', () => {
    const r = rt();
    for (let i = 0; i < 200; i++) {
      const b = Buffer.alloc(20 + (i % 60));
      for (let j = 0; j < b.length; j++) b[j] = (i * 131 + j * 17) & 0xff;
      b[0] = 0x45;
      step(r, b, i);
    }
    expect(r.counters.handlerErrors).toBe(0);
  });
});
