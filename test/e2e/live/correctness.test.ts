/**
 * THE SNF correctness property, live: a trace through the gateway with 4 real unit processes,
 * with settings that cut flows into many flowlets and move some of them (T = 1 ms, B = 1,500 B,
 * α = 0, unit capacity of two open flowlets), gives per flow the same output packets in the same order and the same final state
 * as the same trace through LocalRuntime in one process — for every NF and every state mode.
 *
 * Sizes (2-core machine, whole file ≲ 3 min): the first 1,500 packets of smallFlows for nat, lb,
 * udp-whitelist, qos; a 60-connection generated trace (payloads) for ids. Replayed at 4,000 pkt/s
 * so per-flow gaps exceed T = 1 ms often (many timeout flowlets) and B = 1,500 B cuts the rest.
 */
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
  const file = requireData(rel);
  if (file === null) return generateTraffic({ seed: 11, flows: 80, durationMs: 200 });
  return loadTrace(file, { limit: SLICE });
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
        const bad: string[] = [];
        for (const [f, w] of want) {
          const g = got.get(f) ?? [];
          if (JSON.stringify(w) === JSON.stringify(g)) continue;
          const at = w.findIndex((x, j) => x !== g[j]);
          bad.push(`flow ${f}: first difference at #${at}: want ${w[at]?.slice(0, 90)} got ${g[at]?.slice(0, 90)}`);
        }
        const reasons = [0, 0, 0, 0];
        for (const out of r.outputs!) if (out) reasons[out.reason] = (reasons[out.reason] ?? 0) + 1;
        expect({ badFlows: bad.length, examples: bad.slice(0, 3), reasons: bad.length ? reasons : null }).toEqual({ badFlows: 0, examples: [], reasons: null });
        expect(r.reordered).toBe(0);
        const wantState = exp.state.map((s) => normaliseState(nf, s));
        const gotState = live.state.map((s) => normaliseState(nf, s));
        expect(gotState).toEqual(wantState);
        // The run really cut the flows into many flowlets (moves between units depend on the
        // measured load; heavier move rates currently trip the units' pull give-up — see
        // docs/dev/requests-gateway-to-watchdog.md).
        const ctl = live.stats.controller as { flowletsMoved: number; flowlets: number };
        const u = live.units;
        // eslint-disable-next-line no-console
        console.log(`${nf} · ${mode}: flowlets ${ctl.flowlets}, moved ${ctl.flowletsMoved}, seamless ${u.seamless}, waited ${u.waited}, pulled ${u.pulled}, late ${u.late}, stateLost ${u.stateLost}`);
        expect(ctl.flowlets).toBeGreaterThan(trace.count / 10);
        // Held packets never ran on missing state, and none ran on state newer than itself.
        if (mode !== 'external') expect({ stateLost: u.stateLost, late: u.late }).toEqual({ stateLost: 0, late: 0 });
      });
    }
  }
});
