import { Command } from 'commander';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { register } from '../../../cli/commands/trace';
import { generateTraffic } from '../../../trace/generator';
import { PcapWriter } from '../../../trace/writer';
import { generateHeavyTail } from '../../../trace/heavy-tail';
import { loadTrace } from '../../../trace/load';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-cli-trace-'));
const input = path.join(dir, 'in.pcap');
const t = generateTraffic({ seed: 4, flows: 5 });
const w = PcapWriter.create(input);
for (let i = 0; i < t.count; i++) w.write(t.bytes.subarray(t.offsets[i]!, t.offsets[i]! + t.lengths[i]!), 100, i);
w.close();

async function run(args: string[]): Promise<string> {
  const program = new Command('snf').exitOverride();
  register(program);
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  try {
    await program.parseAsync(['node', 'snf', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

test('snf trace info prints packets, link types and span', async () => {
  const out = await run(['trace', 'info', input]);
  expect(out).toContain(`packets ${t.count} (IPv4 ${t.count})`);
  expect(out).toContain('RAW (101)');
  expect(out).toMatch(/span 0\.000 s/);
});

test('snf trace composite writes the pcap, the sidecar and a summary', async () => {
  const out = path.join(dir, 'c.pcap');
  const text = await run(['trace', 'composite', '--out', out, '--seed', '3', '--window-ms', '10', '--compress', '2', '--inputs', input, input]);
  expect(text).toContain(`packets ${2 * t.count}`);
  const side = JSON.parse(fs.readFileSync(`${out}.json`, 'utf8'));
  expect(side).toMatchObject({ seed: 3, windowMs: 10, compress: 2 });
  expect(side.inputs.map((i: { prefix: string }) => i.prefix)).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
});

test('a bad flag value is a usage error naming the flag', async () => {
  await expect(run(['trace', 'composite', '--out', path.join(dir, 'x.pcap'), '--compress', 'fast', '--inputs', input])).rejects.toThrow(/--compress must be/);
});

test('snf trace generate --heavy-tail writes a headers-only pcap that loads back with its wire sizes, and a sidecar', async () => {
  const out = path.join(dir, 'h.pcap');
  const text = await run(['trace', 'generate', '--out', out, '--seed', '2', '--heavy-tail', '--duration-ms', '50', '--flows-per-s', '2000']);
  expect(text).toMatch(/packets \d+, IPv4 wire bytes \d+/);
  const side = JSON.parse(fs.readFileSync(`${out}.json`, 'utf8'));
  expect(side).toMatchObject({ generator: 'heavy-tail (synthetic)', params: { seed: 2, durationMs: 50, flowsPerSecond: 2000, paretoAlpha: 1.2 } });
  const back = loadTrace(out);
  const direct = generateHeavyTail({ seed: 2, durationMs: 50, flowsPerSecond: 2000 }).trace;
  expect(back.count).toBe(direct.count);
  expect(Array.from(back.wireLengths)).toEqual(Array.from(direct.wireLengths));
  expect(Array.from(back.timesNs)).toEqual(Array.from(direct.timesNs));
});

test('snf trace generate without --heavy-tail writes the default generator', async () => {
  const out = path.join(dir, 'g.pcap');
  await run(['trace', 'generate', '--out', out, '--seed', '4', '--flows', '5']);
  expect(loadTrace(out).count).toBe(t.count);
});
