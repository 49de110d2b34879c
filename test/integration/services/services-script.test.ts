// scripts/services.sh itself: `status` and a repeated `up` report the running services.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const script = resolve(__dirname, '../../../scripts/services.sh');

function run(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile('bash', [script, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, out: stdout + stderr });
    });
  });
}

describe('scripts/services.sh', () => {
  jest.setTimeout(90_000);

  it('status reports Redis and Kafka up and exits 0', async () => {
    const { code, out } = await run('status');
    expect(out).toMatch(/^redis: up at \S+:\d+/m);
    expect(out).toMatch(/^kafka: up at \S+:\d+/m);
    expect(code).toBe(0);
  });

  it('up on running services reuses them instead of starting new ones', async () => {
    const { code, out } = await run('up');
    expect(code).toBe(0);
    expect(out).not.toMatch(/starting/);
    expect(out).toMatch(/^services: up in \d+s$/m);
  });

  it('rejects an unknown command with its usage', async () => {
    const { code, out } = await run('sideways');
    expect(code).not.toBe(0);
    expect(out).toContain('usage: services.sh up|down|status|reset');
  });
});
