/**
 * of-watchdog-compatible HTTP mode: the vanilla per-packet baseline (ARCHITECTURE §4 `packet`).
 * POST / with one raw IPv4 packet as the body → per-flow state from Redis (key per canonical
 * connection, value = the NF's StateCodec bytes) → NF → state written back → reply:
 *   200 + output packet bytes (forward) · 204 + `X-SNF-Drop-Reason` (drop) · 400 unparseable packet.
 * Every reply carries `X-Duration-Seconds`. `/_/health`, `/_/ready` (429 at max_inflight, 503
 * while draining or without the lock file), the lock file written after listen and removed on
 * drain, and 429 with faas-middleware's body above max_inflight — as REFERENCE.md §4.3.
 *
 * Per-packet Redis round trips and string keys are the point here: this is the baseline SNF is
 * compared against. Concurrent packets of one connection are serialised in-process so the
 * read-modify-write of one unit stays consistent (across replicas it is not; neither is vanilla).
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { canonicalKey, flowKeyOf, newFlowKey } from '../sdk/flow-key';
import { Packet, PACKET_CLASS_REASON, PacketClass } from '../sdk/packet';
import { Invoker } from '../sdk/invoke';
import { Verdict, type FlowState, type NetworkFunction } from '../sdk/types';
import { announceReady } from './ready';

export interface HttpModeOptions {
  port: number;
  host: string;
  redisUrl: string;
  maxInflight: number;
  lockFile: string | null;
  maxBodyBytes?: number;
  /** SNF_READY_FD: where the ready record goes (proto/ready-record.ts). */
  readyFd?: number | null;
}

export class HttpMode<C, S> {
  private server: http.Server | null = null;
  private redis: Redis;
  private inflight = 0;
  private draining = false;
  private readonly chains = new Map<string, Promise<void>>();
  readonly counters = { requests: 0, forwarded: 0, dropped: 0, badPackets: 0, limited: 0, errors: 0 };
  port = 0;

  /** The shared judgement (sdk/invoke.ts) over one state binding, refilled per request. */
  readonly invoker: Invoker<S>;
  private readonly state = new RequestFlowState<S>();

  constructor(private readonly nf: NetworkFunction<C, S>, config: C, private readonly opts: HttpModeOptions, private readonly log: Logger) {
    this.invoker = new Invoker<S>(nf.create(config), this.state, { dropReasons: nf.dropReasons });
    this.redis = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  }

  stateKey(p: Packet): string {
    const k = canonicalKey(flowKeyOf(p, newFlowKey()));
    return `snf:state:${this.nf.name}:${k.proto}:${k.srcIp}:${k.srcPort}:${k.dstIp}:${k.dstPort}`;
  }

  async start(): Promise<void> {
    await this.redis.connect();
    this.server = http.createServer((req, res) => this.route(req, res));
    await new Promise<void>((r) => this.server!.listen(this.opts.port, this.opts.host, () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    if (this.opts.lockFile) fs.writeFileSync(this.opts.lockFile, '');
    this.log.info({ port: this.port, lock: this.opts.lockFile }, 'http mode listening');
    announceReady(this.opts.readyFd ?? null, { kind: 'http', unit: 0, host: this.opts.host, data: 0, peer: 0, http: this.port });
  }

  /** SIGTERM: unready (lock removed, 503), then close once in-flight requests finish. */
  async stop(): Promise<void> {
    this.draining = true;
    if (this.opts.lockFile) fs.rmSync(this.opts.lockFile, { force: true });
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.redis.disconnect();
  }

  private ready(): boolean {
    return !this.draining && (this.opts.lockFile === null || fs.existsSync(this.opts.lockFile));
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    if (url === '/_/health' || url === '/_/ready') {
      if (req.method !== 'GET') return void res.writeHead(405).end();
      if (!this.ready()) return void res.writeHead(503).end();
      if (url === '/_/ready' && this.opts.maxInflight > 0 && this.inflight >= this.opts.maxInflight) return void res.writeHead(429).end();
      return void res.writeHead(200).end('OK');
    }
    if (this.opts.maxInflight > 0 && this.inflight >= this.opts.maxInflight) {
      this.counters.limited++;
      res.writeHead(429, { 'Content-Type': 'text/plain', 'X-OpenFaaS-Internal': 'faas-middleware' });
      return void res.end(`Concurrent request limit exceeded. Max concurrent requests: ${this.opts.maxInflight}`);
    }
    if (req.method !== 'POST') return void res.writeHead(405).end();
    this.inflight++;
    const t0 = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => { size += c.length; if (size <= (this.opts.maxBodyBytes ?? 65535)) chunks.push(c); });
    req.on('end', () => {
      this.handle(Buffer.concat(chunks), size).then(
        ({ status, body, headers }) => this.reply(res, t0, status, body, headers),
        (err) => {
          this.counters.errors++;
          this.log.warn({ err: String(err) }, 'http packet failed');
          this.reply(res, t0, 500, Buffer.from(String(err)), { 'X-OpenFaaS-Internal': 'of-watchdog' });
        },
      );
    });
  }

  private reply(res: http.ServerResponse, t0: bigint, status: number, body: Buffer | null, headers: Record<string, string>): void {
    this.inflight--;
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    res.writeHead(status, { ...headers, 'X-Duration-Seconds': secs.toFixed(6), 'Content-Type': 'application/octet-stream' });
    res.end(body ?? undefined);
  }

  private async handle(body: Buffer, size: number): Promise<{ status: number; body: Buffer | null; headers: Record<string, string> }> {
    this.counters.requests++;
    const p = Packet.parse(body);
    if (size > (this.opts.maxBodyBytes ?? 65535) || p.cls > PacketClass.FRAGMENT) {
      this.counters.badPackets++;
      const reason = size > 65535 ? 'oversize' : PACKET_CLASS_REASON[p.cls] ?? 'bad';
      return { status: 400, body: Buffer.from(`not an IPv4 packet: ${reason}\n`), headers: { 'X-SNF-Drop-Reason': reason } };
    }
    const key = this.stateKey(p);
    // Serialise packets of one connection within this replica (read-modify-write on Redis).
    const prev = this.chains.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    this.chains.set(key, mine);
    await prev;
    try {
      return await this.runPacket(p, key);
    } finally {
      done();
      if (this.chains.get(key) === mine) this.chains.delete(key);
    }
  }

  private async runPacket(p: Packet, key: string): Promise<{ status: number; body: Buffer | null; headers: Record<string, string> }> {
    const raw = await this.redis.getBuffer(key);
    // Bind, invoke and read back synchronously: no other request can touch `state` in between.
    const st = this.state;
    st.value = raw === null ? undefined : this.nf.stateCodec.decode(raw);
    st.delta = 0;
    const verdict = this.invoker.invoke(p, Date.now() * 1e6);
    const value = st.value;
    const delta = st.delta;
    const dropReason = this.invoker.dropReason;
    if (delta === 1) await this.redis.set(key, this.nf.stateCodec.encode(value as S));
    else if (delta === 2) await this.redis.del(key);
    if (verdict === Verdict.FORWARD) {
      this.counters.forwarded++;
      return { status: 200, body: Buffer.from(p.buf.subarray(p.offset, p.offset + p.length)), headers: {} };
    }
    this.counters.dropped++;
    return { status: 204, body: null, headers: { 'X-SNF-Drop-Reason': dropReason } };
  }
}

/** The Redis value of the current request's connection, as the handler sees it. */
class RequestFlowState<S> implements FlowState<S> {
  value: S | undefined = undefined;
  /** 0 unchanged, 1 put, 2 delete. */
  delta = 0;
  get(): S | undefined {
    return this.value;
  }
  put(v: S): void {
    this.value = v;
    this.delta = 1;
  }
  delete(): void {
    this.value = undefined;
    this.delta = 2;
  }
}
