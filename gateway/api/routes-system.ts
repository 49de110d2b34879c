/**
 * /system/* handlers (all behind basic auth): thin — validation lives in function-spec.ts,
 * alert-rule.ts and status.ts; the work in the FunctionProvider.
 */
import { Router, type Request, type Response } from 'express';
import type { FunctionProvider } from '../functions/provider';
import { parseAlertBody, desiredReplicas } from './alert-rule';
import { checkNamespace, SpecError, splitName, validateDeployment, PATH_NAME } from './function-spec';
import type { ApiContext } from './context';
import { toStatus } from './status';
import { DEFAULT_NAMESPACE, type SecretEntry } from './types';

const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function fail(ctx: ApiContext, res: Response, err: unknown): void {
  if (err instanceof SpecError) {
    ctx.counters.badBody++;
    res.status(err.status).type('text/plain').send(`${err.message}\n`);
    return;
  }
  ctx.counters.serverErrors++;
  res.status(500).type('text/plain').send(`${(err as Error).message ?? String(err)}\n`);
}

function badRequest(ctx: ApiContext, res: Response, message: string): void {
  ctx.counters.badBody++;
  res.status(400).type('text/plain').send(`${message}\n`);
}

function notFound(ctx: ApiContext, res: Response, body = ''): void {
  ctx.counters.unknownFunction++;
  res.status(404).type('text/plain').send(body);
}

export function systemRoutes(ctx: ApiContext): Router {
  const p: FunctionProvider = ctx.provider;
  const r = Router();
  const fnLabel = (name: string): string => `${name}.${DEFAULT_NAMESPACE}`;

  r.get('/system/info', (_req, res) => {
    res.json({
      provider: { provider: p.name, orchestration: p.orchestration, version: { sha: ctx.sha, release: ctx.version } },
      version: { commit_message: 'See GitHub for latest changes', sha: ctx.sha, release: ctx.version },
      arch: process.arch === 'x64' ? 'amd64' : process.arch,
    });
  });

  r.get('/system/namespaces', (_req, res) => {
    res.json([DEFAULT_NAMESPACE]);
  });

  r.get('/system/functions', (req, res) => {
    try {
      checkNamespace(typeof req.query.namespace === 'string' ? req.query.namespace : undefined);
    } catch (err) {
      return fail(ctx, res, err);
    }
    res.json(p.list().map(toStatus));
  });

  const deploy = (update: boolean) => async (req: Request, res: Response): Promise<void> => {
    try {
      const spec = validateDeployment(req.body, p.specContext());
      const exists = p.get(spec.name) !== undefined;
      if (update && !exists) return notFound(ctx, res, `function ${spec.name} not found\n`);
      if (!update && exists) {
        ctx.counters.badBody++;
        res.status(409).type('text/plain').send(`function ${spec.name} already exists (update it with PUT)\n`);
        return;
      }
      const info = update ? await p.update(spec) : await p.deploy(spec);
      ctx.metrics.setReplicas(fnLabel(spec.name), info.replicas);
      const gw = p.gateway(spec.name);
      if (gw !== undefined) ctx.metrics.watch?.(fnLabel(spec.name), gw);
      res.status(202).end();
    } catch (err) {
      fail(ctx, res, err);
    }
  };
  r.post('/system/functions', deploy(false));
  r.put('/system/functions', deploy(true));

  r.delete('/system/functions', async (req, res) => {
    const b = req.body as Record<string, unknown> | undefined;
    if (typeof b !== 'object' || b === null || typeof b.functionName !== 'string' || b.functionName === '') return badRequest(ctx, res, 'functionName: required');
    try {
      checkNamespace(typeof b.namespace === 'string' ? b.namespace : undefined);
      if (!(await p.remove(b.functionName))) return notFound(ctx, res, `function ${b.functionName} not found\n`);
      ctx.metrics.unwatch?.(fnLabel(b.functionName));
      ctx.metrics.setReplicas(fnLabel(b.functionName), 0);
      res.status(202).end();
    } catch (err) {
      fail(ctx, res, err);
    }
  });

  r.get('/system/function/:name', (req, res) => {
    const { name, namespace } = splitName(req.params.name, typeof req.query.namespace === 'string' ? req.query.namespace : undefined);
    if (!PATH_NAME.test(req.params.name)) return notFound(ctx, res);
    if (namespace !== DEFAULT_NAMESPACE) return badRequest(ctx, res, `namespace must be: ${DEFAULT_NAMESPACE}`);
    const f = p.get(name);
    if (f === undefined) return notFound(ctx, res);
    res.json(toStatus(f));
  });

  r.post('/system/scale-function/:name', async (req, res) => {
    const b = req.body as Record<string, unknown> | undefined;
    if (typeof b !== 'object' || b === null || typeof b.replicas !== 'number' || !Number.isInteger(b.replicas) || b.replicas < 0) {
      return badRequest(ctx, res, 'replicas: must be a non-negative integer');
    }
    if (b.replicas === 0) return badRequest(ctx, res, 'replicas cannot be set to 0 (SNF keeps at least one unit per function)');
    const { name } = splitName(req.params.name, typeof b.namespace === 'string' ? b.namespace : undefined);
    try {
      if (!(await p.scale(name, b.replicas))) return notFound(ctx, res, `function ${name} not found\n`);
      ctx.metrics.setReplicas(fnLabel(name), Math.max(p.get(name)?.minUnits ?? 0, p.get(name)?.replicas ?? 0));
      res.status(202).end();
    } catch (err) {
      fail(ctx, res, err);
    }
  });
  r.all('/system/scale-function/:name', (_req, res) => {
    res.status(405).type('text/plain').send('Only POST is allowed\n');
  });

  r.post('/system/alert', async (req, res) => {
    const body = parseAlertBody(req.body);
    if (typeof body === 'string') return badRequest(ctx, res, body);
    const errors: string[] = [];
    for (const a of body.alerts) {
      const full = a.labels.function_name;
      if (typeof full !== 'string' || full === '') continue;
      const { name } = splitName(full);
      const f = p.get(name);
      if (f === undefined) {
        errors.push(`${full}: not found`);
        continue;
      }
      const want = desiredReplicas(a.status, { current: Math.max(f.replicas, f.minUnits), min: f.spec.minUnits, max: f.spec.maxUnits, labels: f.spec.deployment.labels });
      if (typeof want === 'string') {
        errors.push(`${full}: ${want}`);
        continue;
      }
      await p.scale(name, want);
      ctx.metrics.setReplicas(fnLabel(name), want);
    }
    if (errors.length > 0) {
      res.status(500).type('text/plain').send(`${errors.join('\n')}\n`);
      return;
    }
    res.status(200).end();
  });

  r.get('/system/secrets', (_req, res) => {
    res.json(p.listSecrets());
  });
  const secret = (mode: 'create' | 'update') => async (req: Request, res: Response): Promise<void> => {
    const b = req.body as Record<string, unknown> | undefined;
    if (typeof b !== 'object' || b === null || typeof b.name !== 'string' || !SECRET_NAME.test(b.name)) return badRequest(ctx, res, 'name: required, lower-case letters, digits, "-" and "."');
    if (b.value !== undefined && typeof b.value !== 'string') return badRequest(ctx, res, 'value: must be a string');
    if (b.rawValue !== undefined && typeof b.rawValue !== 'string') return badRequest(ctx, res, 'rawValue: must be base64 bytes');
    try {
      checkNamespace(typeof b.namespace === 'string' ? b.namespace : undefined);
      const s: SecretEntry = { name: b.name, ...(b.value !== undefined ? { value: b.value as string } : {}), ...(b.rawValue !== undefined ? { rawValue: b.rawValue as string } : {}) };
      if (await p.putSecret(s, mode)) {
        res.status(202).end();
        return;
      }
      if (mode === 'create') res.status(409).type('text/plain').send(`secret ${b.name} already exists\n`);
      else notFound(ctx, res, `secret ${b.name} not found\n`);
    } catch (err) {
      fail(ctx, res, err);
    }
  };
  r.post('/system/secrets', secret('create'));
  r.put('/system/secrets', secret('update'));
  r.delete('/system/secrets', async (req, res) => {
    const b = req.body as Record<string, unknown> | undefined;
    if (typeof b !== 'object' || b === null || typeof b.name !== 'string') return badRequest(ctx, res, 'name: required');
    if (!(await p.deleteSecret(b.name))) return notFound(ctx, res, `secret ${b.name} not found\n`);
    res.status(202).end();
  });

  r.get('/system/logs', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const name = q.name ?? '';
    if (name === '') return badRequest(ctx, res, 'name: required');
    if (p.get(name) === undefined) return notFound(ctx, res, `function ${name} not found\n`);
    const tail = q.tail !== undefined && q.tail !== '' ? Number(q.tail) : undefined;
    const sinceMs = q.since !== undefined && q.since !== '' ? Date.parse(q.since) : undefined;
    if ((tail !== undefined && !Number.isFinite(tail)) || (sinceMs !== undefined && Number.isNaN(sinceMs))) return badRequest(ctx, res, 'tail must be a number and since an RFC 3339 time');
    res.status(200).type('application/x-ndjson');
    for (const l of p.logs(name, { ...(tail !== undefined ? { tail } : {}), ...(sinceMs !== undefined ? { sinceMs } : {}), ...(q.instance ? { instance: q.instance } : {}) })) {
      res.write(`${JSON.stringify(l)}\n`);
    }
    if (q.follow !== 'true' && q.follow !== '1') {
      res.end();
      return;
    }
    res.flushHeaders();
    const stop = p.followLogs(name, (l) => {
      if (q.instance && l.instance !== q.instance) return;
      res.write(`${JSON.stringify(l)}\n`);
    });
    ctx.followers.add(res);
    res.on('close', () => {
      stop();
      ctx.followers.delete(res);
    });
  });
  return r;
}
