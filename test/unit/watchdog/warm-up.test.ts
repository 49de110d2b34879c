/** The unit's warm-up: synthetic packets run through the NF and the frame code on scratch state only. */
import { performance } from 'perf_hooks';
import type { NetworkFunction } from '../../../sdk/types';
import { PacketProcessor } from '../../../watchdog/runtime/packet-processor';
import { CHEAP_CREATE_MS, warmUp } from '../../../watchdog/warm-up';
import { countingNf, type CountState } from './counting-nf';

const nowNs = (): number => performance.now() * 1e6;
const ports = { emit: () => undefined, canPull: () => false, requestPull: () => undefined };
const opts = { unitId: 1, pullDelayNs: 0, pullRetryNs: 0, holdTimeoutNs: 1e9, maxUnits: 2 };

test('every synthetic packet runs, on per-flow state, and nothing stays in the unit\'s store', () => {
  let creates = 0;
  let seen = 0;
  let maxN = 0;
  const nf: NetworkFunction<null, CountState> = {
    ...countingNf,
    create: (...a) => {
      creates++;
      const h = countingNf.create(...a);
      return { process: (p, ctx) => { seen++; const v = h.process(p, ctx); maxN = Math.max(maxN, ctx.state.get()?.n ?? 0); return v; } };
    },
  };
  const real = new PacketProcessor(nf, null, ports, opts);
  const r = warmUp(nf, null, real.handler, 0, { unitId: 1, maxUnits: 2, packets: 1000, nowNs });
  expect(r).toMatchObject({ packets: 1000, scratchHandler: true });
  expect(seen).toBe(1000);
  expect(creates).toBe(2); // the unit's own, and a scratch one (cheap create)
  expect(maxN).toBeGreaterThan(10); // flows carried state from packet to packet (64 flows)
  expect(real.store.active.head).toBeNull();
  expect(real.counters.packets).toBe(0);
});

test('a costly handler is shared, not built again; 0 packets = no warm-up', () => {
  let creates = 0;
  const nf: NetworkFunction<null, CountState> = { ...countingNf, create: (...a) => (creates++, countingNf.create(...a)) };
  const real = new PacketProcessor(nf, null, ports, opts);
  const r = warmUp(nf, null, real.handler, CHEAP_CREATE_MS + 1, { unitId: 1, maxUnits: 2, packets: 200, nowNs });
  expect(r).toMatchObject({ packets: 200, scratchHandler: false });
  expect(creates).toBe(1);
  expect(warmUp(nf, null, real.handler, 0, { unitId: 1, maxUnits: 2, packets: 0, nowNs }).packets).toBe(0);
});
