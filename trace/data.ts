/**
 * Where the real data lives (../shared/data, see its README), for tests and benchmarks.
 * A user's clone has none: tests then say so in one visible line naming SNF_DATA, unless
 * CI=true, where missing data is a failure.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SnfError } from '../sdk/errors';

/** The project root: the nearest directory above this file holding package.json (works from dist/ too). */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** `SNF_DATA` if set, else ../shared/data beside the project root, or null when absent. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidate = env.SNF_DATA ? path.resolve(env.SNF_DATA) : path.resolve(projectRoot(), '..', 'shared', 'data');
  return fs.existsSync(candidate) ? candidate : null;
}

/**
 * Absolute path of `rel` inside the data dir, or null after printing one line naming SNF_DATA.
 * Under CI=true a missing file throws instead: CI must run the real-data tests.
 */
export function requireData(rel: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = dataDir(env);
  const full = dir ? path.join(dir, rel) : null;
  if (full && fs.existsSync(full)) return full;
  const why = dir ? `${rel} is missing from ${dir}` : 'no data directory (../shared/data)';
  const msg = `real-data tests skipped: ${why}; set SNF_DATA to the data directory to run them`;
  if (env.CI === 'true') throw new SnfError('SNF_ERR_DATA_MISSING', `${msg} (CI=true makes this a failure)`);
  process.stderr.write(`${msg}\n`);
  return null;
}
