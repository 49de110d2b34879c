/**
 * The HTTP path to of-watchdog-style units (`snf watchdog --http`, state in Redis):
 * - `packet` mode, the vanilla baseline: every packet is its own POST, round robin, no ordering
 *   or consistency across replicas (as vanilla OpenFaaS);
 * - `external` state mode: the controller's flowlet assignment picks the unit, and packets of one
 *   flow are serialised (one in flight per flow) so the per-packet Redis read-modify-write never
 *   races across units and output keeps flow order.
 * Plain node `http` with a keep-alive agent per unit. Allocates per packet: this is the baseline.
 */
import * as http from 'http';
import { EgressReason } from '../proto/frames/egress-batch-v1';

export interface HttpDone {
  (unit: number, token: number, verdict: number, reason: number, body: Buffer | null): void;
}

interface Queued { unit: number; token: number; body: Buffer }

export class HttpDispatcher {
  private readonly agents = new Map<number, { agent: http.Agent; host: string; port: number }>();
  private readonly flowQueues = new Map<number, Queued[]>();
  readonly counters = { requests: 0, errors: 0, queuedBehindFlow: 0 };

  constructor(private readonly serialiseFlows: boolean, private readonly done: HttpDone, private readonly maxSockets = 32) {}

  addUnit(unit: number, host: string, port: number): void {
    this.agents.set(unit, { agent: new http.Agent({ keepAlive: true, maxSockets: this.maxSockets }), host, port });
  }

  removeUnit(unit: number): void {
    this.agents.get(unit)?.agent.destroy();
    this.agents.delete(unit);
  }

  /** `token` comes back in `done`; `flow` keys serialisation (controller flow slot). */
  send(unit: number, flow: number, token: number, buf: Buffer, off: number, len: number): void {
    const body = Buffer.from(buf.subarray(off, off + len));
    if (this.serialiseFlows) {
      const q = this.flowQueues.get(flow);
      if (q !== undefined) {
        this.counters.queuedBehindFlow++;
        q.push({ unit, token, body });
        return;
      }
      this.flowQueues.set(flow, []);
    }
    this.post(unit, flow, token, body);
  }

  private post(unit: number, flow: number, token: number, body: Buffer): void {
    const a = this.agents.get(unit);
    this.counters.requests++;
    if (a === undefined) return this.finish(unit, flow, token, 1, EgressReason.NO_UNIT_LINK, null);
    const req = http.request({
      host: a.host, port: a.port, method: 'POST', path: '/', agent: a.agent,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status === 200) this.finish(unit, flow, token, 0, EgressReason.NF, Buffer.concat(chunks));
        else if (status === 204) this.finish(unit, flow, token, 1, EgressReason.NF, null);
        else if (status === 400) this.finish(unit, flow, token, 1, EgressReason.MALFORMED_PACKET, null);
        else {
          this.counters.errors++;
          this.finish(unit, flow, token, 1, EgressReason.HANDLER_ERROR, null);
        }
      });
    });
    req.on('error', () => {
      this.counters.errors++;
      this.finish(unit, flow, token, 1, EgressReason.HANDLER_ERROR, null);
    });
    req.end(body);
  }

  private finish(unit: number, flow: number, token: number, verdict: number, reason: number, body: Buffer | null): void {
    this.done(unit, token, verdict, reason, body);
    if (!this.serialiseFlows) return;
    const q = this.flowQueues.get(flow);
    if (q === undefined) return;
    const next = q.shift();
    if (next === undefined) this.flowQueues.delete(flow);
    else this.post(next.unit, flow, next.token, next.body);
  }

  close(): void {
    for (const a of this.agents.values()) a.agent.destroy();
    this.agents.clear();
  }
}
