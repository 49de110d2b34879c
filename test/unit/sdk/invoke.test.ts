/**
 * One judgement everywhere: the same misbehaving NF through LocalRuntime, the unit's
 * PacketProcessor and the watchdog's HTTP mode gives the same drop reasons and alerts.
 */
import { DropReasonId } from '../../../sdk/drop-reasons';
import { Invoker } from '../../../sdk/invoke';
import { LocalRuntime } from '../../../sdk/local-runtime';
import { Packet } from '../../../sdk/packet';
import { RecordingFlowState } from '../../../sdk/state';
import { Verdict, type NetworkFunction } from '../../../sdk/types';
import { PacketProcessor } from '../../../watchdog/runtime/packet-processor';
import { HttpMode } from '../../../watchdog/http-mode';
import { udp } from '../../helpers/packets';

/** By destination port: 1 throws, 2 returns garbage, 3 drops unnamed, 4 drops 'named', 5 undeclared 'surprise', 6 alerts 42 and 43. */
const misbehaving: NetworkFunction<null, number> = {
  name: 'misbehaving', description: 'test', config: { parse: () => null }, defaultConfig: null,
  stateCodec: { encode: (v) => Buffer.from([v]), decode: (b) => b[0]! },
  dropReasons: ['named'],
  create: () => ({
    process(p, ctx) {
      ctx.state.put((ctx.state.get() ?? 0) + 1);
      switch (p.dstPort) {
        case 1: throw new Error('boom');
        case 2: return 7 as unknown as Verdict;
        case 3: return Verdict.DROP;
        case 4: ctx.drop('named'); return Verdict.DROP;
        case 5: ctx.drop('surprise'); return Verdict.DROP;
        case 6: ctx.alert(42); ctx.alert(43); return Verdict.FORWARD;
        default: return Verdict.FORWARD;
      }
    },
    describeAlert: (id) => ({ signature: `sig ${id}` }),
  }),
};

const PORTS = [1, 2, 3, 4, 5, 6, 7];
const EXPECTED = [
  { verdict: 1, reason: 'handler_error', sids: [] },
  { verdict: 1, reason: 'bad_verdict', sids: [] },
  { verdict: 1, reason: 'unspecified', sids: [] },
  { verdict: 1, reason: 'named', sids: [] },
  { verdict: 1, reason: 'surprise', sids: [] },
  { verdict: 0, reason: '', sids: [42, 43] },
  { verdict: 0, reason: '', sids: [] },
];
const pkt = (port: number) => udp('10.0.0.1', 1000 + port, '10.0.0.2', port, 'x');

describe('the shared invocation judgement', () => {
  test('LocalRuntime', () => {
    const rt = new LocalRuntime(misbehaving);
    const got = PORTS.map((port, i) => {
      const v = rt.process(Packet.parse(pkt(port)), 0);
      return { verdict: v, reason: rt.invoker.dropReason, sids: rt.alerts.filter((a) => a.packetIndex === i).map((a) => a.sid) };
    });
    expect(got).toEqual(EXPECTED);
    expect(rt.counters.handlerErrors).toBe(1);
    expect(rt.lastError).toEqual(new Error('boom'));
    expect(rt.snapshot()).toMatchObject({ dropped: 5, forwarded: 2, alerts: 2, dropReasons: { bad_verdict: 1, handler_error: 1, named: 1, surprise: 1, unspecified: 1 } });
  });

  test('PacketProcessor (a unit)', () => {
    const got: Array<{ verdict: number; reason: string; sids: number[] }> = [];
    let said = { dropId: 0, sids: [] as number[] };
    const proc: PacketProcessor<null, number> = new PacketProcessor(misbehaving, null, {
      said: (dropId, sids, n) => (said = { dropId, sids: [...sids.subarray(0, n)] }),
      emit: (_f, _c, verdict) => {
        got.push({ verdict, reason: proc.invoker.reasons.names[said.dropId]!, sids: said.sids });
        said = { dropId: 0, sids: [] };
      },
      canPull: () => true,
      requestPull: () => undefined,
    }, { unitId: 1, pullDelayNs: 0, pullRetryNs: 0, holdTimeoutNs: 1e9 });
    for (const port of PORTS) { const b = pkt(port); proc.processOne(1, 1, -1, [], 0, 0, b, 0, b.length, 0); }
    expect(got).toEqual(EXPECTED);
    expect(proc.counters.handlerErrors).toBe(1);
  });

  test('HTTP mode (drop reason header from the same judgement)', async () => {
    const hm = new HttpMode(misbehaving, null, { port: 0, host: '127.0.0.1', redisUrl: 'redis://127.0.0.1:1', maxInflight: 0, lockFile: null }, {} as never);
    const store = new Map<string, Buffer>();
    (hm as unknown as { redis: unknown }).redis = {
      getBuffer: async (k: string) => store.get(k) ?? null, set: async (k: string, v: Buffer) => void store.set(k, v), del: async (k: string) => void store.delete(k),
    };
    const handle = (b: Buffer) => (hm as unknown as { handle(b: Buffer, n: number): Promise<{ status: number; headers: Record<string, string> }> }).handle(b, b.length);
    const got = [];
    for (const port of PORTS) {
      const r = await handle(pkt(port));
      got.push({ status: r.status, reason: r.headers['X-SNF-Drop-Reason'] ?? '' });
    }
    expect(got).toEqual(EXPECTED.map((e) => ({ status: e.verdict === 0 ? 200 : 204, reason: e.reason })));
    expect(hm.invoker.counters.alerts).toBe(2);
    expect(store.size).toBe(PORTS.length); // state put before a throw stays, as everywhere
  });

  test('refused packet classes count their class reason; alerts past the cap are counted, not kept', () => {
    const inv = new Invoker({ process: (_p, ctx) => { for (let i = 0; i < 40; i++) ctx.alert(i); return Verdict.FORWARD; } }, new RecordingFlowState<number>(), { maxAlertsPerPacket: 32 });
    expect(inv.refuse(4)).toBe(Verdict.DROP);
    expect(inv.dropReason).toBe('truncated');
    expect(inv.refuse(99)).toBe(Verdict.DROP);
    expect(inv.dropId).toBe(DropReasonId.OTHER);
    inv.invoke(Packet.parse(pkt(7)), 0);
    expect(inv.alertCount).toBe(32);
    expect([...inv.alertSids.subarray(0, 3)]).toEqual([0, 1, 2]);
    expect(inv.counters).toMatchObject({ alerts: 40, alertsOverflowed: 8 });
  });
});
