/**
 * The HTTP path to of-watchdog-style units (`snf watchdog --http`, state in Redis) for the
 * `packet` mode, the vanilla baseline: every packet is its own POST to the unit the controller
 * picked, no ordering or consistency across replicas (as vanilla OpenFaaS; the gateway's egress
 * order still releases each flow in order). Plain node `http` with a keep-alive agent per unit.
 * Allocates per packet: this is the baseline.
 */
import * as http from 'http';
import { EgressReason } from '../../proto/frames/egress-batch-v1';

export interface HttpDone {
  (unit: number, token: number, verdict: number, reason: number, body: Buffer | null): void;
}

export class HttpDispatcher {
  private readonly agents = new Map<number, { agent: http.Agent; host: string; port: number }>();
  readonly counters = { requests: 0, errors: 0 };

  constructor(private readonly done: HttpDone, private readonly maxSockets = 32) {}

  addUnit(unit: number, host: string, port: number): void {
    this.agents.set(unit, { agent: new http.Agent({ keepAlive: true, maxSockets: this.maxSockets }), host, port });
  }

  /** `token` comes back in `done`. */
  send(unit: number, token: number, buf: Buffer, off: number, len: number): void {
    const body = Buffer.from(buf.subarray(off, off + len));
    const a = this.agents.get(unit);
    this.counters.requests++;
    if (a === undefined) return this.done(unit, token, 1, EgressReason.NO_UNIT_LINK, null);
    const req = http.request({
      host: a.host, port: a.port, method: 'POST', path: '/', agent: a.agent,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status === 200) this.done(unit, token, 0, EgressReason.NF, Buffer.concat(chunks));
        else if (status === 204) this.done(unit, token, 1, EgressReason.NF, null);
        else if (status === 400) this.done(unit, token, 1, EgressReason.MALFORMED_PACKET, null);
        else {
          this.counters.errors++;
          this.done(unit, token, 1, EgressReason.HANDLER_ERROR, null);
        }
      });
    });
    req.on('error', () => {
      this.counters.errors++;
      this.done(unit, token, 1, EgressReason.HANDLER_ERROR, null);
    });
    req.end(body);
  }

  close(): void {
    for (const a of this.agents.values()) a.agent.destroy();
    this.agents.clear();
  }
}
