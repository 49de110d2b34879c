/** snfFunctionView: the /system/snf/functions/{name} JSON from a gateway's counters (fakes). */
import { snfFunctionView } from '../../../../gateway/api/snf-view';
import type { GatewayView } from '../../../../gateway/metrics/snf-series';

describe('snfFunctionView', () => {
  test('before the gateway starts: not running, zeros', () => {
    expect(snfFunctionView('nat', undefined, {}, 5)).toMatchObject({ name: 'nat', running: false, units: [], packets: { received: 0 }, stateLost: 0, timeMs: 5 });
  });

  test('controller, dispatch core and unit counters land in their fields', () => {
    const gw = {
      controller: { counters: { flowlets: 7, flowletsMoved: 3, flows: 4 }, unitCount: 2, unitIds: () => [1, 2], unitUtilization: (u: number) => u / 10 },
      core: { counters: { ingress: 100, egress: 98, billedPackets: 97, billedCpuMicros: 2_500_000 }, pending: { size: 2 } },
    } as unknown as GatewayView;
    expect(snfFunctionView('nat', gw, { forwarded: 90, seamless: 2, pulled: 1, waited: 5, stateLost: 1 }, 9)).toEqual({
      name: 'nat', namespace: 'openfaas-fn', timeMs: 9, running: true,
      units: [{ id: 1, utilization: 0.1 }, { id: 2, utilization: 0.2 }],
      packets: { received: 100, released: 98, forwarded: 90, inFlight: 2, waited: 5 },
      flowlets: { started: 7, moved: 3, seamless: 2, pulled: 1 }, flows: 4, stateLost: 1,
      billed: { packets: 97, cpuSeconds: 2.5 },
    });
  });
});
