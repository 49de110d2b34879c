/**
 * A private network namespace for a test's units: `snf-<tag>-<pid>`, joined to the root namespace
 * by a veth pair on a /30 out of 10.233.0.0/16 (`hostAddr` in the root namespace, `nsAddr`
 * inside, loopback up inside). Units started under `exec` (`ip netns exec <name>`) bind `nsAddr`;
 * the test's own processes reach them there and nowhere else, so no traffic ever goes to this
 * machine's real interfaces. Needs root and iproute2 (`ip`): without them `createNetns` throws a
 * clear error (a failure, never a skip). `remove()` deletes the veth and the namespace (kill the
 * processes inside first); a namespace left by a crashed run (its pid gone) is removed at the
 * next `createNetns` with the same tag.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

export interface Netns {
  name: string;
  /** The root namespace's end of the veth pair. */
  hostAddr: string;
  /** The namespace's end: what units inside bind and publish. */
  nsAddr: string;
  /** Prefix that runs a command inside the namespace (a LocalProcessProvider `launcher`). */
  exec: string[];
  remove(): Promise<void>;
}

/** iproute2's `ip`, by absolute path (units' PATH may differ); null when absent. */
function findIp(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])) {
    const p = path.join(dir || '.', 'ip');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

async function ipCmd(ip: string, args: string[]): Promise<string> {
  try {
    return (await run(ip, args, { timeout: 15_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`netns: ip ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes namespaces `snf-<tag>-<pid>` and root-side veths `sh<tag[0]><pid>` whose pid is gone. */
async function removeStale(ip: string, tag: string): Promise<void> {
  const nsRe = new RegExp(`^snf-${tag}-(\\d+)\\b`);
  for (const line of (await ipCmd(ip, ['netns', 'list'])).split('\n')) {
    const m = nsRe.exec(line.trim());
    if (m && !pidAlive(Number(m[1]))) await ipCmd(ip, ['netns', 'delete', `snf-${tag}-${m[1]}`]).catch(() => undefined);
  }
  const linkRe = new RegExp(`^\\d+: (sh${tag[0]}(\\d+))[@:]`);
  for (const line of (await ipCmd(ip, ['-o', 'link', 'show'])).split('\n')) {
    const m = linkRe.exec(line);
    if (m && !pidAlive(Number(m[2]))) await ipCmd(ip, ['link', 'delete', m[1]!]).catch(() => undefined);
  }
}

/** Addresses of a /30 in 10.233.0.0/16 no interface here uses yet (other runs may hold some). */
async function freeSubnet(ip: string): Promise<{ hostAddr: string; nsAddr: string }> {
  const used = await ipCmd(ip, ['-o', '-4', 'addr', 'show']);
  for (let i = 0; i < 64; i++) {
    const n = (process.pid + i) % 16384; // 16384 /30s in a /16
    const at = (k: number) => `10.233.${n >> 6}.${(n & 63) * 4 + k}`;
    if (!used.includes(` ${at(1)}/`) && !used.includes(` ${at(2)}/`)) return { hostAddr: at(1), nsAddr: at(2) };
  }
  throw new Error('netns: no free /30 in 10.233.0.0/16');
}

/** Creates the namespace and the veth pair; `tag` is a short lowercase word (e.g. "kube"). */
export async function createNetns(tag: string): Promise<Netns> {
  if (!/^[a-z]{1,8}$/.test(tag)) throw new Error(`netns: tag must be 1–8 lowercase letters, got "${tag}"`);
  const ip = findIp();
  if (ip === null) throw new Error('netns: iproute2 `ip` not found (apt-get install iproute2); the test runs its units in a network namespace');
  if (process.getuid?.() !== 0) throw new Error('netns: must run as root (ip netns add / veth need CAP_NET_ADMIN); the test runs its units in a network namespace');
  await removeStale(ip, tag);
  const name = `snf-${tag}-${process.pid}`;
  const hostIf = `sh${tag[0]}${process.pid}`;
  const nsIf = `sn${tag[0]}${process.pid}`;
  const { hostAddr, nsAddr } = await freeSubnet(ip);
  const remove = async (): Promise<void> => {
    await ipCmd(ip, ['link', 'delete', hostIf]).catch(() => undefined);
    await ipCmd(ip, ['netns', 'delete', name]).catch(() => undefined);
  };
  try {
    await ipCmd(ip, ['netns', 'add', name]);
    await ipCmd(ip, ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    await ipCmd(ip, ['link', 'set', nsIf, 'netns', name]);
    await ipCmd(ip, ['addr', 'add', `${hostAddr}/30`, 'dev', hostIf]);
    await ipCmd(ip, ['link', 'set', hostIf, 'up']);
    const inNs = (args: string[]) => ipCmd(ip, ['-n', name, ...args]);
    await inNs(['link', 'set', 'lo', 'up']);
    await inNs(['addr', 'add', `${nsAddr}/30`, 'dev', nsIf]);
    await inNs(['link', 'set', nsIf, 'up']);
  } catch (err) {
    await remove();
    throw err;
  }
  return { name, hostAddr, nsAddr, exec: [ip, 'netns', 'exec', name], remove };
}
