/**
 * KubernetesUnitProvider over a fake KubeApi (no server): list then watch, the diff into
 * unit-ready / unit-gone, a failed list retried, and the controller's scaling through the
 * Deployment (start/stop of units → replicas, clamped to the min/max labels, one patch per change).
 */
import type { KubeApi, WatchEventType } from '../../../../gateway/units/kubernetes/kube-api';
import { KubernetesUnitProvider } from '../../../../gateway/units/kubernetes/kubernetes-provider';
import type { SliceLike } from '../../../../gateway/units/kubernetes/slices';
import type { UnitEvent } from '../../../../gateway/units/provider';
import { waitFor } from '../../../helpers/services';

class FakeApi implements KubeApi {
  readonly server = 'https://fake:6443';
  slices: SliceLike[] = [];
  failLists = 0;
  replicas: number[] = [];
  onEvent: ((type: WatchEventType, obj: SliceLike) => void) | null = null;
  listSlices(): Promise<{ items: SliceLike[]; resourceVersion: string }> {
    if (this.failLists > 0) {
      this.failLists--;
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: undefined }));
    }
    return Promise.resolve({ items: [...this.slices], resourceVersion: '1' });
  }
  watchSlices(_ns: string, _sel: string, _rv: string, onEvent: (type: WatchEventType, obj: SliceLike) => void): Promise<() => void> {
    this.onEvent = onEvent;
    return Promise.resolve(() => (this.onEvent = null));
  }
  setReplicas(_ns: string, _d: string, n: number): Promise<void> {
    this.replicas.push(n);
    return Promise.resolve();
  }
}

const slice = (unit: number, port: number): SliceLike => ({
  metadata: { name: `f-u${unit}` }, addressType: 'IPv4',
  ports: [{ name: 'data', port }, { name: 'peer', port: port + 1 }],
  endpoints: [{ addresses: ['10.1.0.2'], hostname: `unit-${unit}`, conditions: { ready: true }, targetRef: { name: `f-abc-${unit}x` } }],
});

describe('KubernetesUnitProvider', () => {
  it('lists, watches, and turns slice changes into unit-ready / unit-gone', async () => {
    const api = new FakeApi();
    api.slices = [slice(1, 7000)];
    api.failLists = 1;
    const p = new KubernetesUnitProvider({ api, namespace: 'fns', service: 'f', backoffMs: { min: 5, max: 20 } });
    const events: UnitEvent[] = [];
    p.on((e) => events.push(e));
    try {
      await p.synced();
      expect(p.counters).toMatchObject({ lists: 1, listErrors: 1 });
      expect(p.lastError).toBeNull();
      expect(p.list().map((u) => u.unit)).toEqual([1]);
      const started = p.start(2, 'compute');
      await waitFor(() => api.onEvent !== null, { what: 'watching' });
      api.onEvent!('ADDED', slice(2, 7100));
      expect((await started).data).toEqual({ host: '10.1.0.2', port: 7100 });
      api.onEvent!('DELETED', slice(1, 7000));
      expect(events.map((e) => `${e.type}:${e.type === 'unit-ready' ? e.endpoint.unit : e.unit}`)).toEqual(['unit-ready:1', 'unit-ready:2', 'unit-gone:1']);
      await expect(p.start(1, 'logger')).rejects.toThrow(/compute units only/);
    } finally {
      await p.close();
    }
  });

  it('with replicas: the Deployment follows the units the controller asks for, within min..max', async () => {
    const api = new FakeApi();
    const p = new KubernetesUnitProvider({ api, namespace: 'fns', service: 'f', replicas: { min: 2, max: 3 }, startTimeoutMs: 60_000 });
    try {
      await p.synced();
      const settle = async (n: number, what: string): Promise<void> => {
        await waitFor(() => api.replicas.length >= n, { what });
        await new Promise((r) => setImmediate(r));
      };
      void p.start(1, 'compute').catch(() => undefined);
      await settle(1, 'first patch');
      expect(api.replicas).toEqual([2]); // 1 unit asked → the min label
      void p.start(2, 'compute').catch(() => undefined);
      void p.start(3, 'compute').catch(() => undefined);
      await settle(2, 'second patch');
      expect(api.replicas).toEqual([2, 3]);
      void p.start(4, 'compute').catch(() => undefined); // 4 asked → the max label: no patch
      await p.stop(4);
      await p.stop(3);
      await settle(3, 'scale down');
      expect(api.replicas).toEqual([2, 3, 2]);
      await p.stop(2); // 1 asked → still the min
      await new Promise((r) => setTimeout(r, 20));
      expect(api.replicas).toEqual([2, 3, 2]);
      expect(p.counters.scales).toBe(3);
    } finally {
      await p.close();
    }
  });
});
