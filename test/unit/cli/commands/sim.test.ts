import { Command } from 'commander';
import { register } from '../../../../cli/commands/sim';

async function runCli(args: string[]): Promise<string> {
  const program = new Command('snf').exitOverride();
  register(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => { out += s; return true; };
  try {
    await program.parseAsync(['node', 'snf', 'sim', ...args]);
  } finally {
    (process.stdout as unknown as { write: typeof write }).write = write;
  }
  return out;
}

describe('snf sim', () => {
  it('prints {trace, params, modes} with every documented field per mode, same output for the same seed', async () => {
    const args = ['--flows', '60', '--compare', 'flowlet,flow,smartflow:50', '--seed', '3', '--json'];
    const a = await runCli(args);
    const j = JSON.parse(a);
    expect(Object.keys(j)).toEqual(['trace', 'params', 'modes']);
    expect(Object.keys(j.modes)).toEqual(['flowlet', 'flow', 'smartflow:50']);
    for (const m of Object.values<Record<string, unknown>>(j.modes)) {
      expect(Object.keys(m).sort()).toEqual(
        ['assignments', 'epochs', 'flows', 'latencyUs', 'meanUnitUtilization', 'overloadedUnitEpochShare', 'packets', 'provisionedOverDemand', 'pulledShare', 'replicationBytesPerFlowlet', 'seamlessShare', 'waitedShare'].sort(),
      );
      expect(Object.keys(m.latencyUs as object)).toEqual(['p1', 'p25', 'p50', 'p75', 'p99', 'p999']);
    }
    expect(j.params).toMatchObject({ timeoutUs: 500, sizeKb: 15, alpha: 0.25, k: 3, seed: 3, compress: 1 });
    expect(await runCli(args)).toBe(a);
  });

  it('rejects a bad mode and a bad flag with a usage or config error naming it', async () => {
    await expect(runCli(['--flows', '5', '--compare', 'flowlett', '--json'])).rejects.toThrow(/flowlett/);
    await expect(runCli(['--flows', '5', '--adversarial', 'often'])).rejects.toThrow(/--adversarial/);
    await expect(runCli(['--flows', '5', '--sweep', 'beta=1,2'])).rejects.toThrow(/--sweep/);
  });
});
