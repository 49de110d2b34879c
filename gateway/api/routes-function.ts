/**
 * `/function/{name}[.ns][/…]` (no auth, as stock): the request body is one raw IPv4 packet; it
 * goes through the function's SNF dispatch and the answer is what leaves the gateway for it:
 * 200 + the output packet (application/octet-stream), or the `snf watchdog --http` drop
 * convention — 204 + `X-SNF-Drop-Reason` (400 for a body that is not an IPv4 packet). Unknown
 * function → 404 `error finding function NAME.NS: not found`; no body → 400; over 65 535 bytes
 * → 413 (the body parser). Every call is reported to ApiMetrics (started/done, `name.namespace`).
 */
import { randomUUID } from 'crypto';
import { Router, type Request, type Response } from 'express';
import type { InvokeResult } from '../egress/invoke-sink';
import type { ApiContext } from './context';
import { PATH_NAME, splitName } from './function-spec';
import { DEFAULT_NAMESPACE } from './types';

/** The largest IPv4 packet. */
export const MAX_PACKET_BYTES = 65_535;

export function functionRoutes(ctx: ApiContext): Router {
  const r = Router();
  const handle = async (req: Request, res: Response): Promise<void> => {
    const full = String(req.params.name);
    const t0 = process.hrtime.bigint();
    const callId = req.get('X-Call-Id') ?? randomUUID();
    res.set({ 'X-Call-Id': callId, 'X-Start-Time': String(Date.now() * 1e6), 'X-Served-By': `snf/${ctx.version}` });
    const { name, namespace } = splitName(full);
    const label = `${name}.${namespace}`;
    const finish = (code: number): void => {
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      res.set('X-Duration-Seconds', s.toFixed(6));
      ctx.metrics.done(label, code, s);
    };
    ctx.metrics.started(label);
    const known = PATH_NAME.test(full) && namespace === DEFAULT_NAMESPACE &&
      (ctx.provider.get(name) !== undefined || (ctx.provider.lookup !== undefined && (await ctx.provider.lookup(name))));
    if (!known) {
      ctx.counters.unknownFunction++;
      finish(404);
      res.status(404).type('text/plain').send(`error finding function ${label}: not found\n`);
      return;
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) {
      ctx.counters.badBody++;
      finish(400);
      res.status(400).type('text/plain').send('empty body: send one raw IPv4 packet per request\n');
      return;
    }
    const pending = ctx.provider.invoke(name, body);
    let result: InvokeResult | 'timeout';
    let timer: NodeJS.Timeout | undefined;
    try {
      result = pending === undefined ? { verdict: 1, reason: 'not_running', packet: null }
        : await Promise.race([pending, new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), ctx.upstreamTimeoutMs); })]);
    } finally {
      clearTimeout(timer);
    }
    if (result === 'timeout') {
      ctx.counters.timeouts++;
      finish(502);
      res.status(502).end();
      return;
    }
    if (result.packet !== null) {
      finish(200);
      res.status(200).type('application/octet-stream').send(result.packet);
      return;
    }
    const code = result.reason === 'malformed_packet' ? 400 : 204;
    if (code === 400) ctx.counters.badBody++;
    finish(code);
    res.status(code).set('X-SNF-Drop-Reason', result.reason);
    if (code === 400) res.type('text/plain').send('not an IPv4 packet\n');
    else res.end();
  };
  r.all('/function/:name', handle);
  r.all('/function/:name/{*rest}', handle);
  return r;
}
