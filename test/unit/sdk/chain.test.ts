/**
 * NF chains (sdk/chain.ts): a chain equals running its NFs one after another in LocalRuntime,
 * packet by packet (same output bytes, same verdicts, reasons `<nf>:<reason>`), on generated
 * traffic and on smallFlows; the composed state codec round-trips; config is keyed by NF name.
 */
import { getFunction } from '../../../functions';
import { chain, type ChainState } from '../../../sdk/chain';
import { ConfigError, SnfError } from '../../../sdk/errors';
import { LocalRuntime } from '../../../sdk/local-runtime';
import { Packet, PACKET_CLASS_REASON } from '../../../sdk/packet';
import { DropReasonId } from '../../../sdk/drop-reasons';
import { Verdict, type NetworkFunction } from '../../../sdk/types';
import { requireData } from '../../../trace/data';
import { generateTraffic } from '../../../trace/generator';
import { loadTrace } from '../../../trace/load';
import type { LoadedTrace } from '../../../trace/types';
import { buildIpv4 } from '../../helpers/packets';

type AnyNf = NetworkFunction<unknown, unknown>;

/** Run `trace` through the chain and through its stages one after another; compare per packet. */
function compare(spec: string, trace: LoadedTrace, config: Record<string, unknown> = {}): { forwarded: number; dropped: number; alerts: number; byStage: Record<string, number> } {
  const names = spec.split(',');
  const chained = new LocalRuntime(getFunction(spec) as AnyNf, config);
  const seq = names.map((n) => new LocalRuntime(getFunction(n) as AnyNf, config[n] ?? (getFunction(n) as AnyNf).defaultConfig));
  const pa = new Packet();
  const pb = new Packet();
  const byStage: Record<string, number> = {};
  let forwarded = 0;
  let dropped = 0;
  for (let i = 0; i < trace.count; i++) {
    const src = trace.bytes.subarray(trace.offsets[i]!, trace.offsets[i]! + trace.lengths[i]!);
    const a = Buffer.from(src);
    const b = Buffer.from(src);
    const t = trace.timesNs[i]!;
    const va = chained.process(pa.reset(a, 0, a.length), t);
    let vb: number = Verdict.FORWARD;
    let reason = '';
    for (let s = 0; s < seq.length; s++) {
      vb = seq[s]!.process(pb.reset(b, 0, b.length), t);
      if (vb !== Verdict.FORWARD) {
        const r = seq[s]!.invoker.dropReason;
        // The runtime's own judgements (packet class, handler error, bad verdict) stay unprefixed.
        const id = seq[s]!.invoker.dropId;
        reason = id === DropReasonId.HANDLER_ERROR || id === DropReasonId.BAD_VERDICT || (id >= DropReasonId.CLASS_BASE && id < DropReasonId.CLASS_BASE + PACKET_CLASS_REASON.length) ? r : `${names[s]}:${r}`;
        break;
      }
    }
    if (va !== vb) throw new Error(`packet ${i}: chain verdict ${va}, stages ${vb}`);
    if (va === Verdict.FORWARD) {
      forwarded++;
      if (!a.equals(b)) throw new Error(`packet ${i}: chain output ${a.toString('hex')} ≠ stages ${b.toString('hex')}`);
    } else {
      dropped++;
      if (chained.invoker.dropReason !== reason) throw new Error(`packet ${i}: chain reason ${chained.invoker.dropReason} ≠ ${reason}`);
      byStage[reason] = (byStage[reason] ?? 0) + 1;
    }
  }
  // Alerts of every stage that ran count; the final per-flow states are the stages' states.
  expect(chained.counters.alerts).toBe(seq.reduce((n, r) => n + r.counters.alerts, 0));
  let flows = 0;
  chained.state.forEach((v, k) => {
    flows++;
    const t = v as ChainState;
    names.forEach((_, s) => expect([s, t[s]]).toEqual([s, seq[s]!.state.get(k)]));
  });
  expect(flows).toBeGreaterThan(0);
  return { forwarded, dropped, alerts: chained.counters.alerts, byStage };
}

describe('NF chains', () => {
  it('resolves `a,b` in the registry, a chain of one is the NF itself, unknown names are named', () => {
    const nf = getFunction('udp-whitelist,nat');
    expect(nf.name).toBe('udp-whitelist,nat');
    expect(getFunction(' udp-whitelist , nat')).toBe(nf);
    expect(chain([getFunction('nat')])).toBe(getFunction('nat'));
    expect(() => getFunction('udp-whitelist,firewall')).toThrow(/no network function named "firewall" in the chain "udp-whitelist,firewall" \(known: nat/);
    expect(() => getFunction('nat,nat')).toThrow(SnfError);
    expect(() => getFunction('nat,')).toThrow(/named ""/);
    expect(nf.dropReasons).toEqual(expect.arrayContaining(['udp-whitelist:udp_unsolicited', 'nat:nat_no_mapping', 'nat:unspecified']));
  });

  it('hands state that arrived from elsewhere to every stage with its own slot (stateArrived)', () => {
    const heard: string[] = [];
    const stage = (name: string): NetworkFunction<null, number> => ({
      name, description: name, config: { parse: () => null }, defaultConfig: null,
      stateCodec: { encode: (v) => Buffer.from([v]), decode: (b) => b[0]! },
      create: () => ({ process: () => Verdict.FORWARD, stateArrived: (k, v) => void heard.push(`${name}:${k.srcPort}:${v}`) }),
    });
    const rt = new LocalRuntime(chain([stage('a'), stage('b')]));
    const key = { proto: 17, srcIp: 1, srcPort: 7, dstIp: 2, dstPort: 9 };
    rt.arrive(key, [3, undefined]);
    rt.arrive(key, undefined);
    expect(heard).toEqual(['a:7:3', 'b:7:undefined', 'a:7:undefined', 'b:7:undefined']);
    expect(rt.state.size).toBe(0);
  });

  it('equals udp-whitelist then nat on generated traffic, packet by packet', () => {
    const r = compare('udp-whitelist,nat', generateTraffic({ seed: 3, flows: 120, unsolicitedUdp: 20 }));
    expect(r.forwarded).toBeGreaterThan(1000);
    expect(r.byStage['udp-whitelist:udp_unsolicited']).toBeGreaterThan(0);
  });

  // Stages before a 5-tuple rewrite: a later stage's state is keyed by the ingress connection
  // (sdk/chain.ts), which running the NFs one after another does not reproduce after a NAT.
  it('equals the stages with in-place rewrites passed on (qos marks, then nat) and alerts (ids,udp-whitelist,nat)', () => {
    const trace = generateTraffic({ seed: 5, flows: 60 });
    const marked = compare('qos,nat', trace, { qos: { rateBps: 200000, burstBytes: 3000, action: 'mark', markDscp: 10 } });
    expect(marked.forwarded).toBeGreaterThan(0);
    compare('qos,udp-whitelist', trace, { qos: { rateBps: 200000, burstBytes: 3000 } });
    const ids = compare('ids,udp-whitelist,nat', trace);
    expect(ids.forwarded).toBeGreaterThan(0);
    expect(ids.alerts).toBeGreaterThan(0);
  });

  it('equals udp-whitelist then nat on smallFlows (real data)', () => {
    const file = requireData('traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap');
    if (file === null) return;
    const r = compare('udp-whitelist,nat', loadTrace(file, { limit: 6000 }));
    expect(r.forwarded + r.dropped).toBe(6000);
  });

  it('round-trips the composed state codec, and refuses damaged bytes with SNF_ERR_STATE_CODEC', () => {
    const nf = getFunction('udp-whitelist,nat') as AnyNf;
    const rt = new LocalRuntime(nf);
    const p = new Packet();
    for (const [src, dst, sport] of [['10.0.0.1', '8.8.8.8', 5000], ['10.0.0.2', '1.1.1.1', 5001]] as const) {
      const b = buildIpv4({ proto: 'udp', src, sport, dst, dport: 53, payload: 'q' });
      expect(rt.process(p.reset(b, 0, b.length), 1e9)).toBe(Verdict.FORWARD);
    }
    let n = 0;
    rt.state.forEach((v) => {
      n++;
      const bytes = nf.stateCodec.encode(v);
      expect(nf.stateCodec.decode(bytes)).toEqual(v);
      expect(() => nf.stateCodec.decode(bytes.subarray(0, bytes.length - 1))).toThrow(/chain state/);
      expect(() => nf.stateCodec.decode(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/trailing/);
    });
    expect(n).toBe(2);
    let natState: unknown;
    rt.state.forEach((v) => (natState = (v as ChainState)[1]));
    const half: ChainState = [undefined, natState];
    expect(nf.stateCodec.decode(nf.stateCodec.encode(half))).toEqual(half);
    expect(() => nf.stateCodec.decode(Buffer.alloc(0))).toThrow(SnfError);
  });

  it('takes configuration keyed by NF name; an unknown key or a bad field is named', () => {
    const nf = getFunction('udp-whitelist,nat') as AnyNf;
    const cfg = nf.config.parse({ nat: { publicIp: '192.0.2.9' } }) as unknown[];
    expect((cfg[1] as { publicIp: number }).publicIp).toBe(0xc0000209);
    expect(() => nf.config.parse({ firewall: {} })).toThrow(ConfigError);
    expect(() => nf.config.parse({ nat: { publicIp: 'x' } })).toThrow(/^nat\.publicIp: /);
    expect(() => nf.config.parse([])).toThrow(/keyed by NF name/);
  });

  it('drops the tuple when every stage deleted its state, and keeps the others otherwise', () => {
    const del = { name: 'del', description: '', config: { parse: (x: unknown) => x }, defaultConfig: {}, stateCodec: { encode: () => Buffer.alloc(0), decode: () => 1 },
      create: () => ({ process: (_p: Packet, ctx: any) => { if (ctx.state.get() === undefined) ctx.state.put(1); else ctx.state.delete(); return Verdict.FORWARD; } }) };
    const keep = { ...del, name: 'keep', create: () => ({ process: (_p: Packet, ctx: any) => { ctx.state.put(7); return Verdict.FORWARD; } }) };
    const p = new Packet();
    const b = buildIpv4({ proto: 'udp', src: '10.0.0.1', sport: 1, dst: '10.0.0.2', dport: 2, payload: 'x' });
    const both = new LocalRuntime(chain([del, keep]) as AnyNf);
    both.process(p.reset(b, 0, b.length), 0);
    both.process(p.reset(b, 0, b.length), 1);
    expect(both.lastDelta.value).toEqual([undefined, 7]);
    const only = new LocalRuntime(chain([del, { ...del, name: 'del2' }]) as AnyNf);
    only.process(p.reset(b, 0, b.length), 0);
    only.process(p.reset(b, 0, b.length), 1);
    expect(only.lastDelta.kind).toBe(2);
    expect(only.state.size).toBe(0);
  });
});
