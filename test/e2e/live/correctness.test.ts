/**
 * THE SNF correctness property, live: a trace through the gateway with 4 real unit processes,
 * with settings that move flowlets between units all the time (small T and B, α = 0, tiny unit
 * capacity), gives per flow the same output packets in the same order and the same final state
 * as the same trace through LocalRuntime in one process — for every NF and every state mode.
 *
 * Sizes (2-core machine, whole file ≲ 3 min): the first 1,500 packets of smallFlows for nat, lb,
 * udp-whitelist, qos; a 60-connection generated trace (payloads) for ids. Replayed at 4,000 pkt/s
 * so per-flow gaps exceed T = 1 ms often (many timeout flowlets) and B = 1,500 B cuts the rest.
 */
import * as path from 'path';
import { FUNCTION_NAMES } from '../../../functions';
import { Packet } from '../../../sdk/packet';
import { requireData } from '../../../trace/data';
import { generateTraffic } from '../../../trace/generator';
import { loadTrace } from '../../../trace/load';
import type { LoadedTrace } from '../../../trace/types';
import type { StateMode } from '../../../gateway/options';
import { runLive, runReference } from './live-harness';

jest.setTimeout(120_000);

const NFS = ['nat', 'lb', 'ids', 'udp-whitelist', 'qos'];
const MODES: StateMode[] = (process.env.SNF_TEST_LIVE_MODES ?? 'proactive,reactive,external').split(',') as StateMode[];
const ONLY = process.env.SNF_TEST_LIVE_NFS?.split(',');
const SLICE = 1500;

function traceFor(nf: string): LoadedTrace {
  if (nf === 'ids') return generateTraffic({ seed: 7, flows: 40, durationMs: 200 });
  const rel = 'traces/tcpreplay-smallFlows-nopayloads/smallFlows_nopayloads.pcap';
  const dir = requireData(rel);
  if (dir === null) return generateTraffic({ seed: 11, flows: 80, durationMs: 200 });
  return loadTrace(path.join(dir, rel), { limit: SLICE });
}

/** NAT picks public ports from a unit-local pool: compare with the translated port zeroed. */
function normalise(nf: string, b: Buffer | null): string {
  if (b === null) return 'drop';
  if (nf !== 'nat') return b.toString('hex');
  const c = Buffer.from(b);
  const p = Packet.parse(c);
  if (p.srcIp === 0xcb007101 && p.hasL4) p.setSrcPort(0);
  return c.toString('hex');
}
function normaliseState(nf: string, s: unknown): unknown {
  if (nf === 'nat' && s !== undefined && s !== null) return { ...(s as object), publicPort: 0 };
  return s;
}

describe('live SNF gives the same per-flow output and state as LocalRuntime', () => {
  it('knows all five NFs', () => {
    for (const nf of NFS) expect(FUNCTION_NAMES).toContain(nf);
  });

  for (const mode of MODES) {
    for (const nf of NFS) {
      if (ONLY && !ONLY.includes(nf)) continue;
      it(`${nf} · ${mode} · 4 units`, async () => {
        const trace = traceFor(nf);
        const live = await runLive(nf, mode, trace, { units: 4, rate: 4000, timeoutNs: 1e6, sizeBytes: 1500 });
        const r = live.result;
        const exp = runReference(nf, trace, r.flows.keys);
        expect({ lost: r.lost, sent: r.sent }).toEqual({ lost: 0, sent: trace.count });
        // Per flow: expected outputs in trace order vs live outputs in arrival order.
        const want = new Map<number, string[]>();
        const got = new Map<number, string[]>();
        for (let i = 0; i < trace.count; i++) {
          const f = r.flows.flowOf[i]!;
          if (!want.has(f)) want.set(f, []);
          want.get(f)!.push(`${i}:${normalise(nf, exp.bytes[i]!)}`);
        }
        for (let j = 0; j < r.received; j++) {
          const s = r.order![j]!;
          const f = r.flows.flowOf[s]!;
          if (!got.has(f)) got.set(f, []);
          const out = r.outputs![s]!;
          got.get(f)!.push(`${s}:${normalise(nf, out.verdict === 0 ? out.bytes ?? Buffer.alloc(0) : null)}`);
        }
        let badFlows = 0;
        for (const [f, w] of want) if (JSON.stringify(w) !== JSON.stringify(got.get(f))) badFlows++;
        expect(badFlows).toBe(0);
        expect(r.reordered).toBe(0);
        const wantState = exp.state.map((s) => normaliseState(nf, s));
        const gotState = live.state.map((s) => normaliseState(nf, s));
        expect(gotState).toEqual(wantState);
        // The run really moved flowlets between units.
        const ctl = live.stats.controller as { flowletsMoved: number; flowlets: number };
        expect(ctl.flowletsMoved).toBeGreaterThan(10);
      });
    }
  }
});
