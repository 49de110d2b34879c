/**
 * The `snf` binary as a user runs it (bin/snf.js → dist/, built by `npm test` first): the README's
 * demo command, --help, and the exit codes and messages of bad input.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { TraceReader } from '../../../trace/reader';

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'snf.js');

function snf(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
});

describe('snf CLI', () => {
  test('--help lists the command groups', () => {
    const r = snf('--help');
    expect(r.code).toBe(0);
    for (const c of ['nf', 'trace', 'bench', 'sim', 'gateway', 'watchdog', 'replay']) expect(r.out).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  test('the README demo: `snf nf run --function nat` on generated traffic prints a summary', () => {
    const r = snf('nf', 'run', '--function', 'nat');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^function\s+nat$/m);
    expect(r.out).toMatch(/^source\s+generated \(seed 1, 200 connections\)$/m);
    const m = /^packets\s+(\d+)\s+\(forwarded (\d+), dropped (\d+)\)$/m.exec(r.out);
    expect(m).not.toBeNull();
    expect(Number(m![2]) + Number(m![3])).toBe(Number(m![1]));
    expect(Number(m![2])).toBeGreaterThan(0);
  });

  test('--json summaries are deterministic for a seed and --out writes a readable pcap of the forwarded packets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snf-cli-'));
    const out = join(dir, 'out.pcap');
    const a = snf('nf', 'run', '-f', 'qos', '--seed', '3', '--flows', '50', '--json', '--out', out);
    const b = snf('nf', 'run', '-f', 'qos', '--seed', '3', '--flows', '50', '--json');
    expect(a.code).toBe(0);
    const sa = JSON.parse(a.out);
    const sb = JSON.parse(b.out);
    for (const k of ['packets', 'forwarded', 'dropped', 'dropReasons', 'flowsWithState']) expect(sa[k]).toEqual(sb[k]);
    const reader = TraceReader.open(out);
    let n = 0;
    while (reader.next() !== null) n++;
    reader.close();
    expect(n).toBe(sa.forwarded);
  });

  test('bad input: unknown function, bad number, bad config — clear message, non-zero exit', () => {
    const unknown = snf('nf', 'run', '-f', 'firewall');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('SNF_ERR_UNKNOWN_FUNCTION');
    expect(unknown.err).toContain('nat');

    const flows = snf('nf', 'run', '-f', 'nat', '--flows', 'many');
    expect(flows.code).toBe(2);
    expect(flows.err).toContain('--flows');

    const dir = mkdtempSync(join(tmpdir(), 'snf-cli-'));
    const cfg = join(dir, 'nat.json');
    writeFileSync(cfg, JSON.stringify({ publicIp: '203.0.113.7', ports: { min: 2000, max: 1000 } }));
    const bad = snf('nf', 'run', '-f', 'nat', '-c', cfg);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('SNF_ERR_CONFIG');
    expect(bad.err).toMatch(/ports/);
    expect(bad.err).toContain(cfg);
  });
});
