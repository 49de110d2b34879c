/**
 * The OpenFaaS-compatible HTTP API as an express app (served on :8080 by `snf up`): routes,
 * body limits, basic auth on /system/* and /ui/, rejections counted, the stock 404/405 texts.
 * Bad input never stops the process: every parser error becomes a 4xx answer.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { checkBasic, REALM, UNAUTHORIZED_BODY } from './auth';
import type { ApiContext } from './context';
import { functionRoutes, MAX_PACKET_BYTES } from './routes-function';
import { systemRoutes } from './routes-system';
import { snfRoutes } from './snf-view';
import { UI_DIR } from './ui-dir';

/** Largest JSON body on /system/* (a deployment with big maps fits easily). */
export const MAX_JSON_BYTES = 1024 * 1024;

export function createApiApp(ctx: ApiContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const auth = (req: Request, res: Response, next: NextFunction): void => {
    if (checkBasic(req.get('authorization'), ctx.creds)) return next();
    ctx.counters.unauthorized++;
    res.status(401).set('WWW-Authenticate', REALM).type('text/plain').send(UNAUTHORIZED_BODY);
  };

  app.all('/healthz', (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(405).type('text/plain').send('Method Not Allowed\n');
      return;
    }
    res.status(200).type('text/plain').send('OK');
  });
  app.get('/', (_req, res) => res.redirect(307, '/ui/'));
  // Express matches '/ui' for '/ui/' too (non-strict routing): redirect only the bare path.
  app.get('/ui', auth, (req, res, next) => (req.path.endsWith('/') ? next() : res.redirect(307, '/ui/')));
  app.use('/ui/', auth, express.static(UI_DIR, { index: 'index.html', redirect: false, fallthrough: true }));

  app.use('/function', express.raw({ type: () => true, limit: MAX_PACKET_BYTES }));
  app.use(functionRoutes(ctx));

  if (ctx.systemProxy !== undefined) app.use('/system', auth, ctx.systemProxy);
  app.use('/system', auth, express.json({ type: () => true, limit: MAX_JSON_BYTES }));
  app.use(systemRoutes(ctx));
  app.use(snfRoutes(ctx));

  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain').send('404 page not found\n');
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large' || e.status === 413) {
      ctx.counters.tooLarge++;
      res.status(413).type('text/plain').send('request body too large\n');
    } else if (e.status !== undefined && e.status >= 400 && e.status < 500) {
      ctx.counters.badBody++;
      res.status(e.status).type('text/plain').send(`bad request body: ${e.message ?? 'unreadable'}\n`);
    } else {
      ctx.counters.serverErrors++;
      res.status(500).type('text/plain').send('internal error\n');
    }
  });
  return app;
}
