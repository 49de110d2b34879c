/**
 * Basic auth as the stock gateway does it: credentials from the files `basic-auth-user` and
 * `basic-auth-password` under the secret mount path (whitespace-trimmed); a request's Basic user
 * must match and the password must match in constant time; otherwise 401 with
 * `WWW-Authenticate: Basic realm="Restricted"` and body `invalid credentials`. `snf up` without
 * `--secrets` generates a pair and writes the two files under its state dir.
 */
import { randomBytes, timingSafeEqual, createHash } from 'crypto';
import { promises as fs } from 'fs';
import { join } from 'path';

export interface Credentials {
  user: string;
  password: string;
}

export const REALM = 'Basic realm="Restricted"';
export const UNAUTHORIZED_BODY = 'invalid credentials';

export async function readCredentials(dir: string): Promise<Credentials> {
  const read = async (f: string): Promise<string> => {
    try {
      return (await fs.readFile(join(dir, f), 'utf8')).trim();
    } catch (err) {
      throw new Error(`cannot read ${join(dir, f)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const user = await read('basic-auth-user');
  const password = await read('basic-auth-password');
  if (user === '' || password === '') throw new Error(`empty basic-auth-user or basic-auth-password in ${dir}`);
  return { user, password };
}

/** Reads the pair under `dir`, or creates `admin` and a random 32-character password there (mode 0600). */
export async function ensureCredentials(dir: string): Promise<{ creds: Credentials; generated: boolean }> {
  try {
    return { creds: await readCredentials(dir), generated: false };
  } catch {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const creds = { user: 'admin', password: randomBytes(24).toString('base64url').slice(0, 32) };
    await fs.writeFile(join(dir, 'basic-auth-user'), `${creds.user}\n`, { mode: 0o600 });
    await fs.writeFile(join(dir, 'basic-auth-password'), `${creds.password}\n`, { mode: 0o600 });
    return { creds, generated: true };
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** True when the Authorization header carries exactly these credentials. */
export function checkBasic(header: string | undefined, creds: Credentials): boolean {
  if (header === undefined || !/^basic /i.test(header)) return false;
  const text = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return false;
  const userOk = timingSafeEqual(digest(text.slice(0, colon)), digest(creds.user));
  const passOk = timingSafeEqual(digest(text.slice(colon + 1)), digest(creds.password));
  return userOk && passOk;
}
