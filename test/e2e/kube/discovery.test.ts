/**
 * Replica discovery from EndpointSlices against a real kube-apiserver (scripts/lib/kube.sh).
 * No kubelet runs here, so nothing turns pods into endpoints: the test starts real `snf watchdog`
 * compute units itself (LocalProcessProvider, ports from their ready records) and publishes
 * their addresses as EndpointSlices, one per unit (a slice's ports apply to all its endpoints,
 * and the units share one address with their own ports). The main test publishes them as a
 * Deployment's pods: no unit id anywhere (units started with `--unit-id gateway`); the gateway
 * gives each endpoint the lowest free id and the unit learns it in the data-plane handshake. The
 * API-restart test publishes fixed ids (`hostname: unit-<id>`), the other accepted form.
 * The API server refuses loopback endpoint addresses, so the units run in a network namespace
 * this test creates (test/helpers/netns.ts: a veth pair on a private /30, `ip netns exec`),
 * bind its address there (a pod IP on a cluster), and that is what the slices publish; all
 * other traffic stays on 127.0.0.1 (the API server, the gateway's stream port).
 * The Kubernetes provider and the Gateway run in a child process (kube-host.js: jest on Node 20
 * cannot load @kubernetes/client-node, an ES module).
 * Checked: packets routed to the discovered units give the reference output (LocalRuntime);
 * an endpoint removed mid-run is handled (no hang, every packet answered, the gateway's drops
 * counted and only at the removed unit); the pod's replacement waits until the removed pod's id
 * is no longer held, takes it, is reconnected, and carries traffic again without loss; a bad kubeconfig is a clear SNF_ERR_CONFIG; the API
 * server stopped and restarted (same ports, private etcd + apiserver) and the watch resumes.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { replay } from '../../../bench/replay/replayer';
import { defaultGatewayOptions, resolveRouting, unitEnvFor, type GatewayOptions } from '../../../gateway/options';
import { LocalProcessProvider } from '../../../gateway/units/process/local-process-provider';
import type { UnitEndpoint } from '../../../gateway/units/provider';
import { EgressReason } from '../../../proto/frames/egress-batch-v1';
import { generateTraffic } from '../../../trace/generator';
import { kubeDown, kubeUp, tool, type KubeEnv } from '../../helpers/kube';
import { createNetns, type Netns } from '../../helpers/netns';
import { uniqueName, waitFor } from '../../helpers/services';
import { runReference } from '../live/live-harness';

jest.setTimeout(900_000);

const TOKEN = 'e2e-kube-token';
const NF = 'lb';
const HOST = path.join(__dirname, 'kube-host.js');

interface HostMsg { event: string; [k: string]: any }

/** The child process and the JSON lines it printed. */
class Host {
  readonly msgs: HostMsg[] = [];
  readonly child: ChildProcess;
  stderr = '';
  constructor(cfg: object) {
    this.child = spawn(process.execPath, [HOST, JSON.stringify(cfg)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      buf += s;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          this.msgs.push(JSON.parse(line) as HostMsg);
        } catch {
          /* a stray log line */
        }
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr = (this.stderr + s).slice(-4000)));
  }
  async next(pred: (m: HostMsg) => boolean, what: string, timeoutMs = 30_000): Promise<HostMsg> {
    await waitFor(() => this.msgs.some(pred) || this.msgs.some((m) => m.event === 'error') || this.child.exitCode !== null, { timeoutMs, what });
    const m = this.msgs.find(pred);
    if (m === undefined) throw new Error(`${what}: host said ${JSON.stringify(this.msgs.slice(-3))}; stderr ${this.stderr}`);
    return m;
  }
  async stats(): Promise<HostMsg> {
    const n = this.msgs.length;
    this.child.stdin!.write('stats\n');
    return this.next((m) => m.event === 'stats' && this.msgs.indexOf(m) >= n, 'stats');
  }
  async stop(): Promise<HostMsg | undefined> {
    if (this.child.exitCode !== null) return undefined;
    this.child.stdin!.write('stop\n');
    const m = await this.next((x) => x.event === 'stopped', 'host stopped', 30_000).catch(() => undefined);
    this.child.kill('SIGKILL');
    return m;
  }
}

function slice(ns: string, service: string, name: string, ep: UnitEndpoint | null, data: number, peer: number, pod?: string): string {
  const id = pod === undefined ? { hostname: `unit-${ep?.unit}` } : {};
  return JSON.stringify({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'data', port: data, protocol: 'TCP' }, { name: 'peer', port: peer, protocol: 'TCP' }],
    endpoints: ep === null ? [] : [{ addresses: [ep.data.host], ...id, conditions: { ready: true }, targetRef: { kind: 'Pod', name: pod ?? `${service}-pod-${ep.unit}x`, namespace: ns } }],
  });
}
/** A unit with a fixed id (hostname unit-<id>). */
const sliceOf = (ns: string, service: string, ep: UnitEndpoint, present = true) =>
  slice(ns, service, `${service}-u${ep.unit}`, present ? ep : null, ep.data.port, ep.peer!.port);
/** A Deployment's pod: no id; `ep.unit` is only the test's handle (slice name, pod name). */
const podSlice = (ns: string, service: string, ep: UnitEndpoint, present = true) =>
  slice(ns, service, `${service}-u${ep.unit}`, present ? ep : null, ep.data.port, ep.peer!.port, `${service}-7d9f-${ep.unit}x`);

describe('Kubernetes replica discovery (EndpointSlices) against a real API server', () => {
  let k: KubeEnv;
  let net: Netns | undefined;
  const ns = uniqueName('snf-disc').toLowerCase().slice(0, 40);
  const hosts: Host[] = [];
  const host = (cfg: object) => {
    const h = new Host(cfg);
    hosts.push(h);
    return h;
  };

  beforeAll(async () => {
    net = await createNetns('kube');
    k = await kubeUp();
    await tool(k, 'kubectl', ['create', 'namespace', ns]);
  });

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    if (k !== undefined) await tool(k, 'kubectl', ['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    await net?.remove();
  });

  it('routes to units found in EndpointSlices, and survives an endpoint removed mid-run', async () => {
    const o: GatewayOptions = { ...defaultGatewayOptions(NF, TOKEN), mode: 'flowlet/proactive', nfTime: 'source', minUnits: 2, maxUnits: 2,
      controller: { alpha: 0, timeoutNs: 2e6, unitCapacityBps: 4e6, initialDemandBps: 1e6, idleRetireNs: 1e12 } };
    const units = new LocalProcessProvider({
      function: NF, token: TOKEN, host: net!.nsAddr, launcher: net!.exec, env: unitEnvFor(o, resolveRouting(o), 'kube-e2e'), unitIds: 'gateway',
    });
    try {
      const [u1, u2] = await Promise.all([units.start(1, 'compute'), units.start(2, 'compute')]);
      const service = 'lb-fn';
      for (const ep of [u1!, u2!]) await tool(k, 'kubectl', ['apply', '-f', '-'], podSlice(ns, service, ep));
      const { streamPort, ...gwOpts } = o;
      const HOLD_MS = 1500;
      const h = host({ kubeconfig: k.kubeconfig, namespace: ns, service, nf: NF, token: TOKEN, maxUnits: 2, idHoldMs: HOLD_MS, gateway: { ...gwOpts, streamPort: 0 } });
      void streamPort;
      const ready = await h.next((m) => m.event === 'ready', 'gateway ready', 60_000);
      // The gateway found the units at the namespace's address (the only non-loopback one used).
      for (const u of [1, 2]) await h.next((m) => m.event === 'unit-ready' && m.unit === u, `unit ${u} discovered`);
      const found = h.msgs.filter((m) => m.event === 'unit-ready').map((m) => `${m.unit}@${m.endpoint.data.host}`).sort();
      expect(found).toEqual([`1@${net!.nsAddr}`, `2@${net!.nsAddr}`]);

      // 1. Both units, the whole trace: the reference output, nothing lost.
      const trace = generateTraffic({ seed: 21, flows: 60, durationMs: 400 });
      const r1 = await replay({ port: ready.streamPort, token: TOKEN, trace, rate: 3000, collect: true, drainTimeoutMs: 8000 });
      expect({ sent: r1.sent, lost: r1.lost }).toEqual({ sent: trace.count, lost: 0 });
      const exp = runReference(NF, trace, r1.flows.keys);
      let same = 0;
      for (let i = 0; i < trace.count; i++) {
        const got = r1.outputs![i]!;
        expect(got.reason).toBe(0);
        if ((got.bytes === null && exp.bytes[i] === null) || (got.bytes !== null && exp.bytes[i] !== null && got.bytes.equals(exp.bytes[i]!))) same++;
      }
      expect(same).toBe(trace.count);
      const s1 = await h.stats();
      const links1 = s1.gateway.links;
      expect(Object.keys(links1).sort()).toEqual(['1', '2']);
      expect(links1['1'].packetsOut).toBeGreaterThan(0);
      expect(links1['2'].packetsOut).toBeGreaterThan(0);

      // 2. Unit 2's endpoint goes away while packets flow.
      const trace2 = generateTraffic({ seed: 22, flows: 60, durationMs: 1500 });
      const removeAt = setTimeout(() => void tool(k, 'kubectl', ['apply', '-f', '-'], podSlice(ns, service, u2!, false)), 300);
      const r2 = await replay({ port: ready.streamPort, token: TOKEN, trace: trace2, rate: 2000, collect: true, drainTimeoutMs: 8000 });
      clearTimeout(removeAt);
      const gone2 = await h.next((m) => m.event === 'unit-gone' && m.unit === 2, 'unit 2 gone');
      const s2 = await h.stats();
      // No hang: the replay ends. Every packet is accounted for: answered, dropped by the gateway
      // (counted), or still in the gateway's pending table. Measured here: ~130 packets stay in
      // flight at unit 1, held for state of flows that left the removed unit (the controller
      // keeps routing to the lost unit until recovery, issue 8, re-homes its flows).
      expect(r2.sent).toBe(trace2.count);
      expect(r2.lost).toBe(s2.gateway.gateway.inFlight);
      let gwDropped = 0;
      for (const out of r2.outputs!) if (out !== null && (out.reason === EgressReason.UNIT_LOST || out.reason === EgressReason.NO_UNIT_LINK)) gwDropped++;
      const c = s2.gateway.gateway;
      expect(c.lostToDeadUnit + c.noLink).toBe(gwDropped);
      expect(s2.gateway.pool.gone).toBe(1);
      expect(s2.gateway.pool.lost).toBe(1);
      expect(Object.keys(s2.gateway.links)).toEqual(['1']);
      expect(s2.provider.unitsGone).toBe(1);
      expect(gwDropped).toBeLessThan(trace2.count);
      // The answered rest: packets unit 1 processed came back without a gateway drop.
      expect(r2.forwarded + r2.dropped + r2.lost).toBe(trace2.count);

      // 3. The Deployment replaces the pod: the old process ends, a new pod (no id) appears at
      // once. Id 2 is held for HOLD_MS after its endpoint went (the old pod might still talk)
      // and 1 is in use, so the new pod waits (noFreeId), then takes 2; the pool reconnects the
      // unit the controller still runs, and a new trace goes through without loss.
      await units.stop(2);
      const u3 = await units.start(3, 'compute');
      await tool(k, 'kubectl', ['apply', '-f', '-'], podSlice(ns, service, u3));
      const back = await h.next((m) => m.event === 'unit-ready' && m.unit === 2 && m.instance === `${service}-7d9f-3x`, 'the new pod as unit 2', 30_000);
      expect(back.atMs - gone2.atMs).toBeGreaterThanOrEqual(HOLD_MS);
      await waitFor(async () => {
        const s = await h.stats();
        return s.gateway.pool.replaced === 1 && s.gateway.links['2'] !== undefined;
      }, { timeoutMs: 20_000, what: 'the gateway reconnects unit 2 at the new pod' });
      const s3a = await h.stats();
      expect(s3a.provider.idsAssigned).toBe(3); // pods 1, 2 and the replacement
      expect(s3a.provider.idsHeld).toEqual([]);
      const out2Before = s3a.gateway.links['2'].packetsOut;
      const trace3 = generateTraffic({ seed: 23, flows: 60, durationMs: 400 });
      const r3 = await replay({ port: ready.streamPort, token: TOKEN, trace: trace3, rate: 3000, collect: true, drainTimeoutMs: 8000 });
      expect({ sent: r3.sent, lost: r3.lost }).toEqual({ sent: trace3.count, lost: 0 });
      const exp3 = runReference(NF, trace3, r3.flows.keys);
      for (let i = 0; i < trace3.count; i++) {
        const got = r3.outputs![i]!;
        expect(got.reason).toBe(0);
        expect(got.bytes === null ? null : got.bytes.toString('hex')).toBe(exp3.bytes[i] === null ? null : exp3.bytes[i]!.toString('hex'));
      }
      const s3 = await h.stats();
      expect(s3.gateway.links['2'].packetsOut).toBeGreaterThan(out2Before);
      expect(s3.gateway.pool.unitIdRefused).toBe(0);
      await h.stop();
    } finally {
      await units.close();
    }
  });

  it('a bad kubeconfig is a clear SNF_ERR_CONFIG, naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-kcfg-'));
    try {
      const missing = path.join(dir, 'nope.yaml');
      const h1 = host({ kubeconfig: missing, namespace: ns, service: 'x' });
      const e1 = await h1.next((m) => m.event === 'error', 'error for a missing file');
      expect(e1).toMatchObject({ code: 'SNF_ERR_CONFIG' });
      expect(e1.message).toContain(`cannot read ${missing}: ENOENT`);
      const bad = path.join(dir, 'bad.yaml');
      fs.writeFileSync(bad, 'apiVersion: v1\nkind: Config\nclusters: [}\n');
      const e2 = await host({ kubeconfig: bad, namespace: ns, service: 'x' }).next((m) => m.event === 'error', 'error for bad YAML');
      expect(e2.code).toBe('SNF_ERR_CONFIG');
      expect(e2.message).toContain(`${bad} is not a kubeconfig`);
      const empty = path.join(dir, 'empty.yaml');
      fs.writeFileSync(empty, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
      const e3 = await host({ kubeconfig: empty, namespace: ns, service: 'x' }).next((m) => m.event === 'error', 'error for no cluster');
      expect(e3.code).toBe('SNF_ERR_CONFIG');
      expect(e3.message).toMatch(/no current cluster/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resumes the watch after the API server stops and comes back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-kube-'));
    try {
      const pk = await kubeUp(dir);
      await tool(pk, 'kubectl', ['create', 'namespace', 'fns']);
      // Only listed and watched: no gateway here, nothing connects to these ports.
      const addr = net!.nsAddr;
      const ep = (unit: number, port: number): UnitEndpoint => ({ unit, kind: 'compute', data: { host: addr, port }, peer: { host: addr, port: port + 1 }, instance: '' });
      await tool(pk, 'kubectl', ['apply', '-f', '-'], sliceOf('fns', 'f', ep(1, 41000)));
      const h = host({ kubeconfig: pk.kubeconfig, namespace: 'fns', service: 'f' });
      await h.next((m) => m.event === 'unit-ready' && m.unit === 1, 'unit 1 from the list');
      await kubeDown(dir);
      await waitFor(async () => (await h.stats()).provider.lastError !== null, { timeoutMs: 30_000, what: 'the provider notices the server is gone' });
      await kubeUp(dir);
      await tool(pk, 'kubectl', ['apply', '-f', '-'], sliceOf('fns', 'f', ep(2, 42000)));
      const r = await h.next((m) => m.event === 'unit-ready' && m.unit === 2, 'unit 2 after the restart', 60_000);
      expect(r.endpoint.data).toEqual({ host: addr, port: 42000 });
      const s = await h.stats();
      expect(s.provider.lists).toBeGreaterThanOrEqual(2);
      expect(s.provider.lastError).toBeNull();
      expect(s.provider.units).toBe(2);
      await h.stop();
    } finally {
      await kubeDown(dir).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
