/**
 * The embedded state store of `snf demo` when REDIS_URL is not set: an in-memory key-value server
 * speaking the subset of the Redis protocol (RESP) that the per-packet HTTP handler's client uses
 * (`snf watchdog --http`, watchdog/http-mode.ts: GET, SET, DEL, and ioredis's INFO ready check;
 * PING, SELECT, QUIT, CLIENT for good measure). So the vanilla baseline keeps its state one
 * network round trip away per packet, as with a real Redis, with no service installed. Anything
 * else gets `-ERR unknown command`. Values are kept as bytes; no expiry, no persistence.
 */
import * as net from 'net';
import type { AddressInfo } from 'net';

export interface EmbeddedKv {
  url: string;
  port: number;
  readonly counters: { commands: number; errors: number; keys(): number };
  close(): Promise<void>;
}

const OK = Buffer.from('+OK\r\n');
const NIL = Buffer.from('$-1\r\n');
const INFO = '# Server\r\nredis_version:7.0.0-snf-embedded\r\nloading:0\r\n';

function bulk(v: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n')]);
}

/** Parses RESP arrays of bulk strings from `buf` at `at`; null when incomplete. Throws on a protocol error. */
export function parseCommand(buf: Buffer, at: number): { args: Buffer[]; next: number } | null {
  if (at >= buf.length) return null;
  if (buf[at] !== 0x2a /* '*' */) throw new Error('expected an array of bulk strings');
  let eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const n = Number(buf.toString('latin1', at + 1, eol));
  if (!Number.isInteger(n) || n < 0 || n > 1024 * 1024) throw new Error('bad array length');
  let p = eol + 2;
  const args: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    if (p >= buf.length) return null;
    if (buf[p] !== 0x24 /* '$' */) throw new Error('expected a bulk string');
    eol = buf.indexOf('\r\n', p);
    if (eol < 0) return null;
    const len = Number(buf.toString('latin1', p + 1, eol));
    if (!Number.isInteger(len) || len < 0 || len > 512 * 1024 * 1024) throw new Error('bad bulk length');
    const start = eol + 2;
    if (start + len + 2 > buf.length) return null;
    args.push(buf.subarray(start, start + len));
    p = start + len + 2;
  }
  return { args, next: p };
}

export function startEmbeddedKv(host = '127.0.0.1', port = 0): Promise<EmbeddedKv> {
  const data = new Map<string, Buffer>();
  const counters = { commands: 0, errors: 0, keys: () => data.size };
  const run = (args: Buffer[]): Buffer => {
    counters.commands++;
    const cmd = (args[0]?.toString('latin1') ?? '').toUpperCase();
    const key = args[1]?.toString('latin1');
    switch (cmd) {
      case 'GET': {
        const v = key === undefined ? undefined : data.get(key);
        return v === undefined ? NIL : bulk(v);
      }
      case 'SET':
        if (key === undefined || args[2] === undefined) break;
        data.set(key, Buffer.from(args[2]));
        return OK;
      case 'DEL': {
        let n = 0;
        for (const k of args.slice(1)) if (data.delete(k.toString('latin1'))) n++;
        return Buffer.from(`:${n}\r\n`);
      }
      case 'PING':
        return Buffer.from('+PONG\r\n');
      case 'INFO':
        return bulk(Buffer.from(INFO));
      case 'SELECT': case 'QUIT': case 'CLIENT':
        return OK;
    }
    counters.errors++;
    return Buffer.from(`-ERR unknown command '${cmd.replace(/[^A-Z0-9 _-]/g, '?')}' (snf demo's embedded store)\r\n`);
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      let at = 0;
      try {
        for (let c = parseCommand(pending, at); c !== null; c = parseCommand(pending, at)) {
          out.push(run(c.args));
          at = c.next;
        }
      } catch (err) {
        counters.errors++;
        sock.end(`-ERR protocol error: ${(err as Error).message}\r\n`);
        return;
      }
      pending = pending.subarray(at);
      if (out.length > 0) sock.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    });
    sock.on('error', () => {});
    sock.once('close', () => sockets.delete(sock));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const p = (server.address() as AddressInfo).port;
      resolve({
        url: `redis://${host}:${p}`, port: p, counters,
        close: () => new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
