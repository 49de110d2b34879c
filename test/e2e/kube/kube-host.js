'use strict';
/*
 * Runs the Kubernetes unit provider (and, with a gateway config, a Gateway over it) in its own
 * Node process, for test/e2e/kube/discovery.test.ts. Why a process: @kubernetes/client-node is
 * an ES module, which Node 20 loads through require() but jest 30 on Node 20 cannot. Runs the
 * compiled dist/ (`npm run build` first; refuses a dist/ older than the sources).
 * argv[2]: JSON {kubeconfig, namespace, service, gateway?: GatewayOptions overrides, nf, token, maxUnits?, idHoldMs?}.
 * stdout: one JSON line per event (ready, unit-ready, unit-gone, stats, error, stopped).
 * stdin: `stats` or `stop`, one per line.
 */
const path = require('path');
const dist = path.join(__dirname, '..', '..', '..', 'dist');
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main() {
  const cfg = JSON.parse(process.argv[2]);
  const { snfCommand } = require(path.join(dist, 'gateway/units/process/local-process-provider.js'));
  if (!snfCommand()[0].endsWith('snf.js')) throw new Error('dist/ is missing or older than the sources: run npm run build');
  const { kubeApi } = require(path.join(dist, 'gateway/units/kubernetes/kube-api.js'));
  const { KubernetesUnitProvider } = require(path.join(dist, 'gateway/units/kubernetes/kubernetes-provider.js'));
  const api = kubeApi({ kubeconfig: cfg.kubeconfig });
  let provider = null;
  const make = () => {
    provider = new KubernetesUnitProvider({
      api, namespace: cfg.namespace, service: cfg.service, startTimeoutMs: 30000, backoffMs: { min: 100, max: 1000 },
      maxUnits: cfg.maxUnits, idHoldMs: cfg.idHoldMs,
      onLog: (line) => say({ event: 'log', line }),
    });
    provider.on((e) => say({ event: e.type, unit: e.type === 'unit-ready' ? e.endpoint.unit : e.unit, endpoint: e.endpoint, instance: e.type === 'unit-ready' ? e.endpoint.instance : e.instance, why: e.why, atMs: Date.now() }));
    return provider;
  };
  let gw = null;
  if (cfg.gateway) {
    const { Gateway } = require(path.join(dist, 'gateway/gateway.js'));
    const { defaultGatewayOptions } = require(path.join(dist, 'gateway/options.js'));
    const o = Object.assign(defaultGatewayOptions(cfg.nf, cfg.token), cfg.gateway);
    gw = new Gateway(o, { provider: () => make() });
    await gw.start();
    say({ event: 'ready', streamPort: gw.streamPort });
  } else {
    make();
    await provider.synced();
    say({ event: 'ready' });
  }
  const stats = () => ({ event: 'stats', provider: provider.stats(), gateway: gw ? gw.stats() : null });
  let buf = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', async (chunk) => {
    buf += chunk;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const cmd = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (cmd === 'stats') say(stats());
      else if (cmd === 'stop') {
        const last = stats();
        if (gw) await gw.stop();
        else await provider.close();
        say({ ...last, event: 'stopped' });
        process.exit(0);
      }
    }
  });
  process.stdin.on('end', () => process.exit(0));
}

main().catch((err) => {
  say({ event: 'error', code: err && err.code, message: String(err && err.message ? err.message : err) });
  process.exit(1);
});
