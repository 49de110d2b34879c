import { requireData } from '../../../trace/data';
import { loadTrace } from '../../../trace/load';
import { getFunction } from '../../../functions';
import { Gateway } from '../../../gateway/gateway';
import { defaultGatewayOptions } from '../../../gateway/options';
import { replay } from '../../../bench/replay/replayer';
import { pullStates } from '../../../gateway/state-dump';
import { runReference, TOKEN } from './live-harness';
jest.setTimeout(60000);
it('debug', async () => {
  const trace = loadTrace(requireData('traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap')!, { limit: 1500 });
  const nf = getFunction('lb') as any;
  const o = defaultGatewayOptions('lb', TOKEN);
  o.nfTime = 'source'; o.minUnits = 4; o.maxUnits = 4;
  o.controller = { timeoutNs: 1e6, sizeThresholdBytes: 1500, alpha: 0, unitCapacityBps: 1e6, initialDemandBps: 1e6, idleRetireNs: 1e12 };
  o.unitEnv = { SNF_IDLE_PUSH_US: '500' };
  const gw = new Gateway(o);
  try {
    await gw.start();
    const r = await replay({ port: gw.streamPort, token: TOKEN, trace, rate: 4000, collect: true, drainTimeoutMs: 3000 });
    console.log(JSON.stringify(await gw.unitStats()));
    const exp = runReference('lb', trace, r.flows.keys);
    for (const p of gw.pool.peerList()) {
      const d = await pullStates([p], TOKEN, r.flows.keys);
      const lines: string[] = [];
      d.forEach((s, i) => { if (s) { const v = nf.stateCodec.decode(s.value); const w = exp.state[i] as any; if (w && v.packets !== w.packets) lines.push(`flow ${i} clock ${s.clock} got ${v.packets} want ${w.packets}`); } });
      console.log(`unit ${p.unit}:\n` + lines.slice(0, 8).join('\n'));
    }
    let n = 0; for (let i = 0; i < trace.count; i++) if (r.flows.flowOf[i] === 0) n++;
    console.log('flow0 count', n, JSON.stringify(gw.stats().controller));
  } finally { await gw.stop(); }
});
