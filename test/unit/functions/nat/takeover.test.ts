/**
 * NAT's port table is rebuilt from per-flow state (handler.stateArrived): a unit that takes over a
 * dead unit's id and gets every flow restored (as from its output logger) must go on exactly as
 * the dead unit would have — same ports, same verdicts — including connections kept alive only by
 * wire-form replies, trailing packets of closed connections and ports it must not hand out twice.
 */
import { nat } from '../../../../functions/nat';
import type { NatHandler } from '../../../../functions/nat/handler';
import { STATE_REPLY } from '../../../../functions/nat/state';
import type { FlowKey } from '../../../../sdk/flow-key';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { TCP_ACK as ACK, TCP_FIN as FIN, TCP_SYN as SYN } from '../../../../sdk/packet';
import { tcp, udp } from '../../../helpers/packets';
import { MS, stateOf, step } from './run-steps';

const [PUB, H, R] = ['203.0.113.1', '10.0.0.5', '93.184.216.34'];

// Unit 1 of 2 over 5000–5005: it hands out 5000–5002 only, as an SNF unit does.
const CONFIG = { publicIp: PUB, ports: { min: 5000, max: 5005 }, idleTimeoutMs: { tcp: 1000, udp: 500 } };
const UNIT = { id: 1, maxUnits: 2 };
const unit = () => new LocalRuntime(nat, CONFIG, { unit: UNIT });

/** The dead unit's history: a live TCP mapping, a closed one, a UDP one kept alive by wire-form replies. */
function history(r: LocalRuntime<unknown, unknown>): void {
  expect(step(r, tcp(H, 1, R, 80, SYN), 0).src).toBe(`${PUB}:5000`);
  expect(step(r, tcp(H, 2, R, 80, SYN), 0).src).toBe(`${PUB}:5001`);
  step(r, tcp(H, 2, R, 80, FIN | ACK), 1 * MS);
  step(r, tcp(R, 80, H, 2, FIN | ACK), 2 * MS); // pre-NAT FIN: closed, 5001 released
  expect(step(r, udp(H, 3, R, 53), 0).src).toBe(`${PUB}:5002`);
  expect(step(r, udp(R, 53, PUB, 5002), 400 * MS)).toMatchObject({ verdict: 'FORWARD', dst: `${H}:3` });
  expect(step(r, udp(R, 53, PUB, 5002), 800 * MS)).toMatchObject({ verdict: 'FORWARD', dst: `${H}:3` });
}

/** What comes next, run on the dead unit (the reference) and on its successor alike. */
function future(r: LocalRuntime<unknown, unknown>) {
  return [
    step(r, udp(H, 3, R, 53), 1000 * MS), // alive only through its replies (idle 500 ms)
    step(r, tcp(H, 2, R, 80, ACK), 1000 * MS), // the last ACK of the closed connection: its old port
    step(r, tcp(H, 4, R, 80, SYN), 1000 * MS), // a new connection: the released 5001, never a live port
    step(r, tcp(R, 80, PUB, 5000, ACK), 1000 * MS), // a wire-form reply of connection 1
    step(r, tcp(H, 5, R, 80, SYN), 1000 * MS), // the slice is full
  ].map(({ verdict, reason, src, dst }) => ({ verdict, reason, src, dst }));
}

describe('nat: a successor under a dead unit\'s id rebuilds its port table from restored flows', () => {
  for (const order of ['as stored', 'reversed']) {
    it(`goes on as the dead unit would have (flows restored ${order})`, () => {
      const dead = unit();
      history(dead);
      expect(stateOf(dead, udp(R, 53, PUB, 5002))).toMatchObject({ flags: STATE_REPLY, lastSeenNs: 800 * MS });
      const flows: Array<[FlowKey, unknown]> = dead.state.entries();
      if (order === 'reversed') flows.reverse();
      const next = unit();
      for (const [k, v] of flows) next.arrive(k, nat.stateCodec.decode(nat.stateCodec.encode(v as never)));

      const want = future(dead);
      expect(want).toEqual([
        { verdict: 'FORWARD', reason: undefined, src: `${PUB}:5002`, dst: `${R}:53` },
        { verdict: 'FORWARD', reason: undefined, src: `${PUB}:5001`, dst: `${R}:80` },
        { verdict: 'FORWARD', reason: undefined, src: `${PUB}:5001`, dst: `${R}:80` },
        { verdict: 'FORWARD', reason: undefined, src: `${R}:80`, dst: `${H}:1` },
        { verdict: 'DROP', reason: 'nat_ports_exhausted', src: `${H}:5`, dst: `${R}:80` },
      ]);
      expect(future(next)).toEqual(want);
      expect((next.handler as NatHandler).ports.live).toBe((dead.handler as NatHandler).ports.live);
    });
  }

  it('a reply record never takes a port from a live mapping, whatever the order', () => {
    // A stale reply record of connection 3 names 5000, which now maps connection 1.
    const stale = { internalIp: 0x0a000005, internalPort: 3, publicPort: 5000, lastSeenNs: 0, flags: STATE_REPLY };
    const staleKey: FlowKey = { proto: 17, srcIp: 0x5db8d822, srcPort: 53, dstIp: 0xcb007101, dstPort: 5000 };
    const mapping = { internalIp: 0x0a000005, internalPort: 1, publicPort: 5000, lastSeenNs: 0, flags: 0 };
    const mappingKey: FlowKey = { proto: 17, srcIp: 0x0a000005, srcPort: 1, dstIp: 0x5db8d822, dstPort: 53 };
    for (const first of ['reply', 'mapping']) {
      const r = unit();
      if (first === 'reply') r.arrive(staleKey, { ...stale });
      r.arrive(mappingKey, { ...mapping });
      if (first === 'mapping') r.arrive(staleKey, { ...stale });
      expect(step(r, udp(R, 53, PUB, 5000), 1 * MS)).toMatchObject({ verdict: 'FORWARD', dst: `${H}:1` });
      expect(step(r, udp(H, 1, R, 53), 2 * MS)).toMatchObject({ verdict: 'FORWARD', src: `${PUB}:5000` });
    }
  });
});
