import { buildIpv4, ip } from '../../helpers/packets';
import { integer, object, optional } from '../../../sdk/config';
import { ConfigError } from '../../../sdk/errors';
import { LocalRuntime } from '../../../sdk/local-runtime';
import { Packet, PacketClass, TCP_FIN, TCP_SYN } from '../../../sdk/packet';
import { DELTA_DELETE, DELTA_PUT, jsonCodec } from '../../../sdk/state';
import { Verdict, type NetworkFunction } from '../../../sdk/types';

interface Conf {
  readonly blockedPort: number;
  readonly alertPort: number;
}
interface FlowCount {
  packets: number;
}

/** A test NF: counts packets per connection, drops a port, alerts on another, throws on a third. */
const counter: NetworkFunction<Conf, FlowCount> = {
  name: 'counter',
  description: 'test NF',
  config: object({ blockedPort: integer({ min: 0, max: 65535 }), alertPort: optional(integer({ min: 0, max: 65535 }), 6667) }),
  defaultConfig: { blockedPort: 23 },
  stateCodec: jsonCodec<FlowCount>(),
  create(config) {
    return {
      process(p, ctx) {
        if (p.dstPort === 666) throw new Error('boom');
        if (p.dstPort === 999) return 7 as Verdict;
        const s = ctx.state.get() ?? { packets: 0 };
        ctx.state.put({ packets: s.packets + 1 });
        if (p.tcpFlags & TCP_FIN) ctx.state.delete();
        if (p.dstPort === config.alertPort) ctx.alert(2000 + p.dstPort);
        if (p.dstPort === config.blockedPort) {
          ctx.drop('blocked_port');
          return Verdict.DROP;
        }
        if (p.protocol === 1) return Verdict.DROP; // no reason given
        return Verdict.FORWARD;
      },
    };
  },
};

const pkt = (b: Buffer): Packet => Packet.parse(b);

describe('LocalRuntime', () => {
  test('binds state per canonical connection and counts verdicts', () => {
    const rt = new LocalRuntime(counter);
    const v = [
      rt.process(pkt(buildIpv4({ proto: 'tcp', src: '10.0.0.1', sport: 4000, dst: '10.0.0.9', dport: 80, flags: TCP_SYN })), 0),
      rt.process(pkt(buildIpv4({ proto: 'tcp', src: '10.0.0.9', sport: 80, dst: '10.0.0.1', dport: 4000 })), 1000),
      rt.process(pkt(buildIpv4({ proto: 'udp', src: '10.0.0.1', sport: 53, dst: '10.0.0.2', dport: 53 })), 2000),
    ];
    expect(v).toEqual([Verdict.FORWARD, Verdict.FORWARD, Verdict.FORWARD]);
    expect(rt.state.size).toBe(2);
    expect(rt.state.getByFields(6, ip('10.0.0.1'), 4000, ip('10.0.0.9'), 80)).toEqual({ packets: 2 });
    expect(rt.lastDelta.kind).toBe(DELTA_PUT);
    expect(rt.counters.forwarded).toBe(3);
  });

  test('drop reasons, alerts with packet index, deletes, handler errors, bad verdicts', () => {
    const rt = new LocalRuntime(counter, { blockedPort: 25, alertPort: 6667 });
    const inputs = [
      buildIpv4({ proto: 'tcp', dport: 25 }), // 0 blocked
      buildIpv4({ proto: 'tcp', dport: 6667 }), // 1 alert
      buildIpv4({ proto: 'tcp', dport: 666 }), // 2 throws
      buildIpv4({ proto: 'tcp', dport: 999 }), // 3 bad verdict
      buildIpv4({ proto: 1, payload: 'ping' }), // 4 ICMP: handler dropped without reason
      buildIpv4({ proto: 'tcp', dport: 6667, flags: TCP_FIN }), // 5 alert + delete
    ];
    const verdicts = inputs.map((b, i) => rt.process(pkt(b), i));
    expect(verdicts).toEqual([Verdict.DROP, Verdict.FORWARD, Verdict.DROP, Verdict.DROP, Verdict.DROP, Verdict.FORWARD]);
    expect(rt.alerts).toEqual([{ sid: 8667, packetIndex: 1 }, { sid: 8667, packetIndex: 5 }]);
    expect(rt.lastDelta.kind).toBe(DELTA_DELETE);
    expect(rt.snapshot()).toMatchObject({
      packets: 6,
      forwarded: 2,
      dropped: 4,
      alerts: 2,
      handlerErrors: 1,
      dropReasons: { bad_verdict: 1, blocked_port: 1, handler_error: 1, unspecified: 1 },
    });
    expect((rt.lastError as Error).message).toBe('boom');
  });

  test('non-OK packets are dropped with their class reason and never reach the handler', () => {
    const calls: number[] = [];
    const rt = new LocalRuntime({
      ...counter,
      create: () => ({ process: (p) => (calls.push(p.cls), Verdict.FORWARD) }),
    });
    const good = buildIpv4({ proto: 'tcp' });
    const v6 = Buffer.from(good);
    v6[0] = 0x60;
    const badIhl = Buffer.from(good);
    badIhl[0] = 0x43;
    const frag = buildIpv4({ proto: 'udp', fragOffset: 10, payload: 'x' });
    const icmp = buildIpv4({ proto: 1 });
    for (const b of [v6, good.subarray(0, 10), good.subarray(0, 30), badIhl, frag, icmp, good]) rt.process(pkt(b), 0);
    expect(calls).toEqual([PacketClass.FRAGMENT, PacketClass.OTHER_PROTOCOL, PacketClass.OK]);
    expect(Object.fromEntries(rt.counters.dropReasons)).toEqual({ not_ipv4: 1, truncated: 2, bad_header: 1 });
    expect(rt.snapshot().byClass).toEqual({ ok: 1, other_protocol: 1, fragment: 1, not_ipv4: 1, truncated: 2, bad_header: 1 });
  });

  test('ctx.nowNs is the time given to process', () => {
    const seen: number[] = [];
    const rt = new LocalRuntime({ ...counter, create: () => ({ process: (_p, ctx) => (seen.push(ctx.nowNs), Verdict.FORWARD) }) });
    rt.process(pkt(buildIpv4({ proto: 'udp' })), 123);
    rt.process(pkt(buildIpv4({ proto: 'udp' })), 456);
    expect(seen).toEqual([123, 456]);
  });

  test('bad config is rejected at construction with the field named', () => {
    expect(() => new LocalRuntime(counter, { blockedPort: 70000 })).toThrow(ConfigError);
    expect(() => new LocalRuntime(counter, { blockedPort: 1, typo: 1 })).toThrow(/typo: unknown field/);
  });
});
