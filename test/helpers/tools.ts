/**
 * The real OpenFaaS binaries of ../shared/tools/bin (faas-cli, of-watchdog; or the directory in
 * SNF_TOOLS) for e2e tests. Under CI=true a missing binary is an error, never a skip.
 */
import { existsSync } from 'fs';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..');

/** Path of tool `name`, or null when absent (outside CI only). */
export function sharedToolPath(name: string): string | null {
  const dirs = [process.env.SNF_TOOLS, join(ROOT, '..', 'shared', 'tools', 'bin'), '/work/shared/tools/bin'].filter((d): d is string => !!d);
  for (const d of dirs) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  if (process.env.CI === 'true') throw new Error(`${name} not found in ${dirs.join(', ')} (set SNF_TOOLS)`);
  return null;
}
