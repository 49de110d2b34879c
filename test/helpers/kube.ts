/**
 * A real kube-apiserver for tests, through scripts/lib/kube.sh (builds/caches the tools on first
 * use, starts etcd + kube-apiserver on loopback; idempotent). `kubeUp()` reuses the one
 * `scripts/services.sh up` started (.snf/kube); `kubeUp(dir)` runs a private one in `dir` (a test
 * that stops and restarts the server), which `kubeDown(dir)` stops.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import type { UnitEndpoint } from '../../gateway/units/provider';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'lib', 'kube.sh');

export interface KubeEnv {
  kubeconfig: string;
  helm: string;
  kubectl: string;
  dir: string;
}

function envFor(dir?: string): NodeJS.ProcessEnv {
  return dir === undefined ? { ...process.env } : { ...process.env, SNF_KUBE_DIR: dir };
}

export async function kubeUp(dir?: string): Promise<KubeEnv> {
  await run('bash', [SCRIPT, 'up'], { env: envFor(dir), timeout: 900_000, maxBuffer: 1 << 22 });
  const { stdout } = await run('bash', [SCRIPT, 'env'], { env: envFor(dir) });
  const kv = Object.fromEntries(stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { kubeconfig: kv.KUBECONFIG!, helm: kv.HELM!, kubectl: kv.KUBECTL!, dir: path.dirname(kv.KUBECONFIG!) };
}

export async function kubeDown(dir: string): Promise<void> {
  await run('bash', [SCRIPT, 'down'], { env: envFor(dir), timeout: 60_000 });
}

/** Runs kubectl/helm with this server's kubeconfig; rejects with stderr on failure. */
export async function tool(k: KubeEnv, bin: 'helm' | 'kubectl', args: string[], input?: string): Promise<string> {
  const exe = bin === 'helm' ? k.helm : k.kubectl;
  return new Promise((resolve, reject) => {
    const child = execFile(exe, args, { env: { ...process.env, KUBECONFIG: k.kubeconfig }, maxBuffer: 1 << 24, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args.join(' ')}: ${stderr || String(err)}`));
      else resolve(stdout);
    });
    if (input !== undefined) {
      child.stdin!.on('error', () => undefined); // EPIPE if the tool exits first: its exit status decides
      child.stdin!.end(input);
    }
  });
}

export async function getJson<T = any>(k: KubeEnv, args: string[]): Promise<T> {
  return JSON.parse(await tool(k, 'kubectl', ['get', ...args, '-o', 'json'])) as T;
}

export const CHART = path.join(ROOT, 'charts', 'snf');

/**
 * The EndpointSlice the cluster would publish for function `nat`'s pod, pointing at a local unit
 * process (hostname unit-<id>, ready), with its data and peer ports, and an `http` port first
 * when given (a faas-netes pod's).
 */
export function natUnitSlice(ns: string, ep: UnitEndpoint, pod: string, httpPort?: number): string {
  return JSON.stringify({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `nat-u${ep.unit}`, namespace: ns, labels: { 'kubernetes.io/service-name': 'nat' } },
    addressType: 'IPv4',
    ports: [
      ...(httpPort !== undefined ? [{ name: 'http', port: httpPort, protocol: 'TCP' }] : []),
      { name: 'data', port: ep.data.port, protocol: 'TCP' }, { name: 'peer', port: ep.peer!.port, protocol: 'TCP' },
    ],
    endpoints: [{ addresses: [ep.data.host], hostname: `unit-${ep.unit}`, conditions: { ready: true }, targetRef: { kind: 'Pod', name: pod, namespace: ns } }],
  });
}
