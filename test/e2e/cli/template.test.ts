/**
 * The snf-ts OpenFaaS template and stack.yml with the real faas-cli (offline: the template is in
 * the project's template/ folder): `faas-cli new --lang snf-ts` scaffolds a handler that
 * type-checks against the SDK, passes its own test with the project's jest, and runs under
 * `snf nf run --handler`; `faas-cli build --shrinkwrap -f stack.yml` writes build contexts whose
 * Dockerfile runs the SNF watchdog on the handler, and whose handlers load; `faas-cli deploy -f
 * stack.yml` sends the six functions with their com.snf.* annotations (to a recording server
 * here; the deploy onto `snf up` is the API's e2e test).
 *
 * faas-cli: $FAAS_CLI, else ../shared/tools/bin/faas-cli beside the project (tools/README.md).
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'snf.js');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const FUNCTIONS = ['nat', 'lb', 'ids', 'udp-whitelist', 'qos', 'edge'];

function faasCli(): string {
  const candidates = [process.env.FAAS_CLI, join(ROOT, '..', 'shared', 'tools', 'bin', 'faas-cli'), '/work/shared/tools/bin/faas-cli'];
  const found = candidates.find((c) => c !== undefined && fs.existsSync(c));
  if (found === undefined) throw new Error(`faas-cli not found (set FAAS_CLI; tried ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 90_000 });
}

function ok(r: SpawnSyncReturns<string>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}${r.error ? ` (${r.error.message})` : ''}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A fresh folder with the project's template/ (and optionally stack.yml and stack/) copied in. */
function workspace(withStack: boolean): string {
  const dir = fs.mkdtempSync(join(tmpdir(), 'snf-template-'));
  fs.cpSync(join(ROOT, 'template'), join(dir, 'template'), { recursive: true });
  if (withStack) {
    fs.cpSync(join(ROOT, 'stack'), join(dir, 'stack'), { recursive: true });
    fs.copyFileSync(join(ROOT, 'stack.yml'), join(dir, 'stack.yml'));
  }
  return dir;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('faas-cli new --lang snf-ts', () => {
  let dir: string;
  beforeAll(() => {
    dir = workspace(false);
    dirs.push(dir);
    ok(run(faasCli(), ['new', 'mynf', '--lang', 'snf-ts', '--gateway', 'http://127.0.0.1:1'], dir));
  });

  it('scaffolds the handler, its test and a stack entry with lang snf-ts', () => {
    expect(fs.readdirSync(join(dir, 'mynf')).sort()).toEqual(['handler.test.ts', 'handler.ts', 'jest.config.js', 'package.json']);
    const stack = fs.readFileSync(join(dir, 'stack.yaml'), 'utf8');
    expect(stack).toMatch(/mynf:\n\s+lang: snf-ts\n\s+handler: \.\/mynf\n\s+image: mynf:latest/);
    // Written on the SDK only.
    expect(fs.readFileSync(join(dir, 'mynf', 'handler.ts'), 'utf8').match(/from '([^']+)'/g)).toEqual(["from 'snf/sdk'"]);
  });

  it('type-checks against the SDK (strict)', () => {
    fs.writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'commonjs', esModuleInterop: true, skipLibCheck: true, types: ['node', 'jest'], typeRoots: [join(ROOT, 'node_modules', '@types')], baseUrl: '.', paths: { 'snf/sdk': [join(ROOT, 'sdk')] } },
      include: ['mynf/*.ts'],
    }));
    ok(run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], dir));
  });

  it('passes its own test with the project jest', () => {
    const r = run(process.execPath, [JEST, '--ci'], join(dir, 'mynf'), { SNF_HOME: ROOT });
    ok(r);
    expect(r.stderr).toMatch(/Tests:\s+3 passed, 3 total/);
  });

  it('runs under snf nf run --handler on generated traffic, counting its declared drop reason', () => {
    const out = JSON.parse(ok(run(process.execPath, [BIN, 'nf', 'run', '--handler', join(dir, 'mynf', 'handler.ts'), '--flows', '40', '--json'], dir)));
    expect(out.function).toBe('packet-limit');
    expect(out.packets).toBeGreaterThan(1000);
    expect(out.dropReasons.over_limit).toBeGreaterThan(0);
    expect(out.forwarded).toBeGreaterThan(0);
  });

  it('refuses a missing handler, a module without an NF, and a --function that is not its name', () => {
    const missing = run(process.execPath, [BIN, 'nf', 'run', '--handler', join(dir, 'nope.ts')], dir);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/handler .*nope\.ts: no such file/);
    fs.writeFileSync(join(dir, 'empty.js'), 'module.exports = { x: 1 };\n');
    const empty = run(process.execPath, [BIN, 'nf', 'run', '--handler', join(dir, 'empty.js')], dir);
    expect(empty.stderr).toMatch(/exports no NetworkFunction/);
    const other = run(process.execPath, [BIN, 'nf', 'run', '--handler', join(dir, 'mynf', 'handler.ts'), '--function', 'nat'], dir);
    expect(other.stderr).toMatch(/--function nat does not match the handler's NF "packet-limit"/);
  });
});

describe('stack.yml', () => {
  let dir: string;
  beforeAll(() => {
    dir = workspace(true);
    dirs.push(dir);
  });

  it('faas-cli build --shrinkwrap writes one build context per function: Dockerfile running the SNF watchdog on the handler', () => {
    const out = ok(run(faasCli(), ['build', '--shrinkwrap', '-f', 'stack.yml'], dir));
    for (const fn of FUNCTIONS) {
      expect(out).toContain(`${fn} shrink-wrapped to build/${fn}`);
      const ctx = join(dir, 'build', fn);
      expect(fs.readdirSync(join(ctx, 'function')).sort()).toEqual(['handler.test.ts', 'handler.ts', 'jest.config.js', 'package.json']);
      const docker = fs.readFileSync(join(ctx, 'Dockerfile'), 'utf8');
      expect(docker).toMatch(/^FROM \$\{SNF_RUNTIME_IMAGE\}$/m);
      expect(docker).toMatch(/^ENV SNF_HANDLER=\/home\/app\/function\/handler\.ts$/m);
      expect(docker).toMatch(/^CMD \["snf", "watchdog"\]$/m);
      expect(fs.readFileSync(join(ctx, 'template.yml'), 'utf8')).toMatch(/^fprocess: snf watchdog$/m);
      expect(fs.readFileSync(join(ctx, 'function', 'handler.ts'), 'utf8')).toBe(fs.readFileSync(join(ROOT, 'stack', fn, 'handler.ts'), 'utf8'));
    }
  });

  it("each context's handler loads as the NF its com.snf.nf annotation names, and the chain's test passes", () => {
    const want: Record<string, string> = { nat: 'nat', lb: 'lb', ids: 'ids', 'udp-whitelist': 'udp-whitelist', qos: 'qos', edge: 'udp-whitelist,nat' };
    for (const fn of FUNCTIONS) {
      const out = JSON.parse(ok(run(process.execPath, [BIN, 'nf', 'run', '--handler', join(dir, 'build', fn, 'function', 'handler.ts'), '--flows', '10', '--json'], dir)));
      expect([fn, out.function]).toEqual([fn, want[fn]]);
    }
    ok(run(process.execPath, [JEST, '--ci'], join(dir, 'build', 'edge', 'function'), { SNF_HOME: ROOT }));
  });

  it('faas-cli deploy -f stack.yml sends the six functions with image, fprocess, annotations and scale labels', async () => {
    const bodies: Array<Record<string, any>> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/system/functions' && req.method === 'PUT') {
          res.writeHead(404).end(); // a new function: faas-cli then POSTs it
        } else if (req.url === '/system/functions' && req.method === 'POST') {
          bodies.push(JSON.parse(body));
          res.writeHead(202).end();
        } else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const gw = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await new Promise<{ status: number | null; out: string }>((resolve) => {
        const child = require('child_process').spawn(faasCli(), ['deploy', '-f', 'stack.yml', '--gateway', gw], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c));
        child.stderr.on('data', (c: Buffer) => (out += c));
        child.on('exit', (status: number | null) => resolve({ status, out }));
      });
      expect({ status: r.status, out: r.status === 0 ? '' : r.out }).toEqual({ status: 0, out: '' });
    } finally {
      server.close();
    }
    const byName = Object.fromEntries(bodies.map((b) => [b.service, b]));
    expect(Object.keys(byName).sort()).toEqual([...FUNCTIONS].sort());
    const edge = byName.edge!;
    expect(edge).toMatchObject({ image: 'snf/edge:0.1.0', envProcess: 'snf watchdog', labels: { 'com.openfaas.scale.min': '1', 'com.openfaas.scale.max': '8' } });
    expect(edge.annotations).toMatchObject({ 'com.snf.nf': 'udp-whitelist,nat', 'com.snf.mode': 'flowlet', 'com.snf.state': 'proactive', 'com.snf.timeout-us': '20000' });
    expect(byName.nat!.annotations['com.snf.nf']).toBe('nat');
  });
});

// The runtime image the template builds FROM.
it('the repo Dockerfile builds the runtime image the template names', () => {
  const tpl = fs.readFileSync(join(ROOT, 'template', 'snf-ts', 'Dockerfile'), 'utf8');
  const image = /^ARG SNF_RUNTIME_IMAGE=(\S+)$/m.exec(tpl)![1]!;
  const version = JSON.parse(fs.readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  expect(image).toBe(`snf/runtime:${version}`);
  expect(fs.readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toContain(`docker build -t ${image} .`);
  expect(execFileSync(process.execPath, [BIN, 'nf', 'run', '--help'], { encoding: 'utf8' })).toMatch(/--handler <path>/);
});
