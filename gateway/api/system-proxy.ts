/**
 * `/system/*` to the functions provider (`functions_provider_url`), as the stock gateway
 * forwards it (REFERENCE.md §1.2, §2.4): method, path, query, headers (the client's basic auth
 * included) and body go on unchanged; the answer comes back unchanged and streamed (so
 * `/system/logs?follow=true` streams). `/system/alert` stays with the gateway, as stock. An
 * unreachable provider is a 502 naming it (counted); a proxied update or removal of a function
 * is reported to `changed` (the proxy provider drops that function's gateway).
 */
import * as http from 'http';
import * as https from 'https';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiCounters } from './context';

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'te', 'trailer']);

export function systemProxy(baseUrl: string, counters: ApiCounters, timeoutMs: number, changed: (name: string) => void): RequestHandler {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const client = base.protocol === 'https:' ? https : http;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path === '/alert') return next();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
      headers['content-length'] = String(body.length);
      headers['x-forwarded-host'] ??= req.headers.host ?? '';
      headers['x-forwarded-for'] ??= req.socket.remoteAddress ?? '';
      const target = new URL(`system${req.url}`, base);
      const follow = req.path === '/logs' && /^(true|1)$/.test(String(req.query.follow ?? ''));
      const up = client.request(target, { method: req.method, headers, ...(follow ? {} : { timeout: timeoutMs }) }, (pr) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(pr.headers)) if (!HOP.has(k) && v !== undefined) out[k] = v;
        res.status(pr.statusCode ?? 502).set(out);
        pr.pipe(res);
        const ok = (pr.statusCode ?? 0) >= 200 && (pr.statusCode ?? 0) < 300;
        if (ok && req.path === '/functions' && (req.method === 'PUT' || req.method === 'DELETE')) {
          try {
            const b = JSON.parse(body.toString('utf8')) as { service?: unknown; functionName?: unknown };
            const name = req.method === 'PUT' ? b.service : b.functionName;
            if (typeof name === 'string') changed(name);
          } catch {
            /* the provider accepted it; nothing to drop */
          }
        }
      });
      up.on('timeout', () => up.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      up.on('error', (err) => {
        counters.serverErrors++;
        if (res.headersSent) return void res.destroy();
        res.status(502).type('text/plain').send(`functions provider ${base.origin}${base.pathname} unreachable: ${err.message}\n`);
      });
      res.on('close', () => up.destroy());
      up.end(body);
    });
  };
}
