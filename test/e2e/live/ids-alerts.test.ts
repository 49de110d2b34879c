/**
 * What the NF says reaches the operator, live: an IDS with the ET Open rules over an nDPI capture
 * (WebattackSQLinj.pcap: 94 packets, ~270 alerts of ~38 signatures), through a Gateway with two
 * real `snf watchdog` units that move flows between them, raises exactly the alerts LocalRuntime
 * raises over the same packets — the same (flow, sid) multiset, in the same order per flow — as
 * EVE lines with the rule's msg; and a live NAT's named drop reasons reach the gateway's counters
 * with the reference's counts. Real data: without SNF_DATA this skips (one line); under CI=true
 * missing data fails.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { replay } from '../../../bench/replay/replayer';
import { getFunction } from '../../../functions';
import { Gateway } from '../../../gateway/gateway';
import { defaultGatewayOptions } from '../../../gateway/options';
import { canonicalKey, flowKeyOf, newFlowKey, type FlowKey } from '../../../sdk/flow-key';
import { LocalRuntime } from '../../../sdk/local-runtime';
import { Packet } from '../../../sdk/packet';
import type { NetworkFunction } from '../../../sdk/types';
import { requireData } from '../../../trace/data';
import { loadTrace } from '../../../trace/load';
import type { LoadedTrace } from '../../../trace/types';
import { ipv4Text } from '../../../gateway/alerts/eve';

jest.setTimeout(180_000);

const TOKEN = 'e2e-alerts-token';
const CAPTURE = 'traces/ndpi/pcap/WebattackSQLinj.pcap';
const RULES = 'rules/et-open-suricata-5.0';

function flowName(k: FlowKey): string {
  const c = canonicalKey(k, newFlowKey());
  return `${c.proto} ${ipv4Text(c.srcIp)}:${c.srcPort} ${ipv4Text(c.dstIp)}:${c.dstPort}`;
}

/** Reference: per flow, the sids in the order LocalRuntime raised them; and its drop counts. */
function reference(nf: NetworkFunction<unknown, unknown>, config: unknown, trace: LoadedTrace) {
  const rt = new LocalRuntime(nf, config);
  const p = new Packet();
  const flowOf: string[] = [];
  for (let i = 0; i < trace.count; i++) {
    const copy = Buffer.from(trace.bytes.subarray(trace.offsets[i]!, trace.offsets[i]! + trace.lengths[i]!));
    p.reset(copy, 0, copy.length);
    flowOf.push(flowName(flowKeyOf(p, newFlowKey())));
    rt.process(p, trace.timesNs[i]!);
  }
  const perFlow = new Map<string, number[]>();
  for (const a of rt.alerts) {
    const f = flowOf[a.packetIndex]!;
    perFlow.set(f, [...(perFlow.get(f) ?? []), a.sid]);
  }
  return { perFlow, alerts: rt.alerts.length, drops: rt.counters.dropReasons, rt };
}

async function runLive(fn: string, config: unknown, trace: LoadedTrace, dir: string) {
  const configFile = path.join(dir, `${fn}.json`);
  fs.writeFileSync(configFile, JSON.stringify(config));
  const alertsFile = path.join(dir, `${fn}-alerts.json`);
  const o = defaultGatewayOptions(fn, TOKEN);
  o.configFile = configFile;
  o.alerts = `file:${alertsFile}`;
  o.nfTime = 'source';
  o.minUnits = 2;
  o.maxUnits = 2;
  // T = 1 ms, α = 0, small capacity: flowlets spread over both units and flows move (as correctness.test.ts).
  o.controller = { timeoutNs: 1e6, sizeThresholdBytes: 6000, alpha: 0, unitCapacityBps: 11e6, initialDemandBps: 1e6, idleRetireNs: 1e12, backlogBudgetNs: 0, sizeForkStays: false, pendingStaysWhenFull: false };
  o.unitEnv = { SNF_IDLE_PUSH_US: '500', SNF_HOLD_TIMEOUT_MS: '5000' };
  const gw = new Gateway(o);
  let stats: Record<string, unknown>;
  try {
    await gw.start();
    const result = await replay({ port: gw.streamPort, token: TOKEN, trace, rate: 2000, collect: true, drainTimeoutMs: 8000 });
    expect(result.received).toBe(trace.count);
    stats = gw.stats();
  } finally {
    await gw.stop();
  }
  const lines = fs.existsSync(alertsFile) ? fs.readFileSync(alertsFile, 'utf8').split('\n').filter((l) => l !== '') : [];
  return { stats, eve: lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

describe('live alerts and drop reasons reach the gateway', () => {
  const data = requireData(CAPTURE);
  const rules = requireData(RULES);
  const run = data !== null && rules !== null ? it : it.skip;
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-alerts-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  run('a live IDS raises the same alerts as LocalRuntime (flow, sid; order per flow) as EVE lines', async () => {
    const config = { ruleSets: ['et-open'], dataDir: path.dirname(path.dirname(rules!)), denseTableMiB: 16 };
    const nf = getFunction('ids') as NetworkFunction<unknown, unknown>;
    const trace = loadTrace(data!);
    const ref = reference(nf, config, trace);
    expect(ref.alerts).toBeGreaterThan(100);

    const live = await runLive('ids', config, trace, dir);
    const perFlow = new Map<string, number[]>();
    for (const e of live.eve) {
      expect(e.event_type).toBe('alert');
      expect(e.alert.action).toBe('allowed');
      const k: FlowKey = { proto: e.proto === 'TCP' ? 6 : e.proto === 'UDP' ? 17 : Number(e.proto), srcIp: ipNum(e.src_ip), srcPort: e.src_port, dstIp: ipNum(e.dest_ip), dstPort: e.dest_port };
      const f = flowName(k);
      perFlow.set(f, [...(perFlow.get(f) ?? []), e.alert.signature_id]);
    }
    expect(new Map([...perFlow].sort())).toEqual(new Map([...ref.perFlow].sort()));
    // The signature text is the rule's msg (the IDS described its sids through NAMES).
    const desc = (ref.rt.handler as { describeAlert(id: number): { signature: string } | undefined }).describeAlert(live.eve[0]!.alert.signature_id);
    expect(live.eve[0]!.alert.signature).toBe(desc!.signature);
    expect(live.eve[0]!.snf.function).toBe('ids');
    const a = live.stats.alerts as { alerts: number; alertLines: number; sink: { failed: number } };
    expect(a.alerts).toBe(ref.alerts);
    expect(a.alertLines).toBe(ref.alerts);
    expect(a.sink.failed).toBe(0);
  });

  const smallFlows = requireData('traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap');
  (smallFlows !== null ? it : it.skip)('a live NAT\'s named drop reasons reach the gateway counters', async () => {
    const nf = getFunction('nat') as NetworkFunction<unknown, unknown>;
    const trace = loadTrace(smallFlows!, { limit: 1500 });
    const ref = reference(nf, nf.defaultConfig, trace);
    const natRef = Object.fromEntries([...ref.drops].filter(([r]) => r.startsWith('nat_')));
    expect(Object.keys(natRef).length).toBeGreaterThan(0);
    const live = await runLive('nat', nf.defaultConfig, trace, dir);
    const drops = (live.stats.alerts as { drops: Record<string, number> }).drops;
    expect(Object.fromEntries(Object.entries(drops).filter(([r]) => r.startsWith('nat_')))).toEqual(natRef);
    expect(live.eve).toEqual([]);
  });
});

function ipNum(s: string): number {
  return s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
