/**
 * A deploy request (POST/PUT /system/functions body) → a validated FunctionSpec, or a
 * SpecError naming what is wrong (the API answers 400 with that text). Pure: no HTTP, no I/O.
 *
 * An OpenFaaS function here is an SNF network function; its settings come from annotations
 * (or labels; annotations win), each validated through the gateway's own parsers
 * (gateway/config.ts `gatewayConfig`, gateway/options.ts `resolveRouting`), so the API accepts
 * exactly what `snf gateway` accepts:
 *   com.snf.nf, com.snf.mode, com.snf.state, com.snf.timeout-us, com.snf.size-bytes,
 *   com.snf.alpha, com.snf.k, com.snf.unit-capacity-bps, com.snf.udp-port,
 *   com.snf.stream-port, com.snf.egress; labels com.openfaas.scale.min / .max → units.
 */
import { ConfigError } from '../../sdk/errors';
import { gatewayConfig } from '../config';
import { STATE_MODES } from '../modes';
import { resolveRouting, type GatewayOptions } from '../options';
import { DEFAULT_NAMESPACE, type FunctionDeployment, type FunctionResources, type StringMap } from './types';

export const SERVICE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Function names in /function/{name} and /system/function/{name} (stock pattern). */
export const PATH_NAME = /^[-a-zA-Z_0-9.]+$/;

export class SpecError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'SpecError';
  }
}

/** Settings keys → `snf gateway` flag (commander camelCase), validated by gatewayConfig. */
const FLAG_OF: Readonly<Record<string, string>> = Object.freeze({
  'com.snf.nf': 'function',
  'com.snf.mode': 'mode',
  'com.snf.timeout-us': 'timeoutUs',
  'com.snf.size-bytes': 'sizeBytes',
  'com.snf.alpha': 'alpha',
  'com.snf.udp-port': 'udp',
  'com.snf.stream-port': 'listen',
  'com.snf.egress': 'udpEgress',
  'com.openfaas.scale.min': 'minUnits',
  'com.openfaas.scale.max': 'maxUnits',
});
/** Controller parameters set directly (validated by resolveParams' ranges). */
const PARAM_OF: Readonly<Record<string, 'k' | 'unitCapacityBps'>> = Object.freeze({ 'com.snf.k': 'k', 'com.snf.unit-capacity-bps': 'unitCapacityBps' });
export const SETTING_KEYS: readonly string[] = Object.freeze([...Object.keys(FLAG_OF), 'com.snf.state', ...Object.keys(PARAM_OF)]);
/** Keys the API adds to a function's annotations when it reports it (describe). */
export const REPORTED_KEYS: readonly string[] = Object.freeze(['com.snf.stream-port', 'com.snf.udp-port']);

export interface FunctionSpec {
  name: string;
  namespace: string;
  /** The deployment as accepted (normalized: maps and lists present), reported back by list/describe. */
  deployment: Required<Pick<FunctionDeployment, 'service' | 'image' | 'envVars' | 'labels' | 'annotations' | 'secrets' | 'constraints'>> & FunctionDeployment;
  /** NF or chain (`a,b`): the gateway's `function` option. */
  nf: string;
  /** `snf gateway` flags (camelCase, strings) for gatewayConfig, without the token. */
  flags: Readonly<Record<string, string>>;
  /** Controller overrides beyond the flags (k, unitCapacityBps). */
  params: Readonly<{ k?: number; unitCapacityBps?: number }>;
  minUnits: number;
  maxUnits: number;
}

export interface SpecContext {
  /** Built-in NF names (functions/ registry). */
  knownNfs: readonly string[];
  /** Secret names that exist in the namespace. */
  secrets: ReadonlySet<string>;
  /** SNF_FUNCTION from the gateway's environment: the NF when neither annotation nor envVars name one. */
  defaultNf?: string;
}

function bad(message: string): never {
  throw new SpecError(400, message);
}

function stringMap(v: unknown, field: string): StringMap {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) bad(`${field}: must be an object of strings`);
  const out: StringMap = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string') bad(`${field}.${k}: must be a string`);
    out[k] = x;
  }
  return out;
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(`${field}: must be a list of strings`);
  return [...(v as string[])];
}

function resources(v: unknown, field: string): FunctionResources | undefined {
  if (v === undefined || v === null) return undefined;
  const m = stringMap(v, field);
  return Object.keys(m).length > 0 ? m : undefined;
}

/** `name.ns` → name and namespace (the namespace is what follows the last dot). */
export function splitName(full: string, namespaceParam?: string): { name: string; namespace: string } {
  const dot = full.lastIndexOf('.');
  if (dot > 0) return { name: full.slice(0, dot), namespace: full.slice(dot + 1) };
  return { name: full, namespace: namespaceParam !== undefined && namespaceParam !== '' ? namespaceParam : DEFAULT_NAMESPACE };
}

/** 400 unless the namespace is the one this gateway serves ('' means the default). */
export function checkNamespace(ns: string | undefined): string {
  const n = ns === undefined || ns === '' ? DEFAULT_NAMESPACE : ns;
  if (n !== DEFAULT_NAMESPACE) bad(`namespace must be: ${DEFAULT_NAMESPACE}`);
  return n;
}

function nfOf(name: string, settings: StringMap, envVars: StringMap, ctx: SpecContext): string {
  const given = settings['com.snf.nf'] ?? envVars.SNF_FUNCTION ?? ctx.defaultNf;
  const nf = given ?? (ctx.knownNfs.includes(name) ? name : undefined);
  const key = settings['com.snf.nf'] !== undefined ? 'com.snf.nf' : envVars.SNF_FUNCTION !== undefined ? 'envVars.SNF_FUNCTION' : 'com.snf.nf';
  if (nf === undefined) bad(`com.snf.nf: required: "${name}" is not a built-in network function (known: ${ctx.knownNfs.join(', ')}; a chain is "a,b")`);
  const parts = nf.split(',').map((p) => p.trim());
  for (const p of parts) {
    if (!ctx.knownNfs.includes(p)) bad(`${key}: unknown network function ${JSON.stringify(p)} (known: ${ctx.knownNfs.join(', ')})`);
  }
  return parts.join(',');
}

/** Validates a deploy body. Throws SpecError(400, reason). */
export function validateDeployment(body: unknown, ctx: SpecContext): FunctionSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) bad('body: must be a JSON object (FunctionDeployment)');
  const b = body as Record<string, unknown>;
  if (typeof b.service !== 'string' || b.service === '') bad('service: required');
  const name = b.service;
  if (name.length > 63 || !SERVICE_NAME.test(name)) bad(`service: invalid name ${JSON.stringify(name)} (lower-case letters, digits and "-", at most 63, ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$)`);
  if (typeof b.image !== 'string' || b.image === '') bad('image: required');
  if (b.namespace !== undefined && typeof b.namespace !== 'string') bad('namespace: must be a string');
  const namespace = checkNamespace(b.namespace as string | undefined);
  if (b.envProcess !== undefined && typeof b.envProcess !== 'string') bad('envProcess: must be a string');
  if (b.readOnlyRootFilesystem !== undefined && typeof b.readOnlyRootFilesystem !== 'boolean') bad('readOnlyRootFilesystem: must be a boolean');
  const envVars = stringMap(b.envVars, 'envVars');
  const labels = stringMap(b.labels, 'labels');
  const annotations = stringMap(b.annotations, 'annotations');
  const secrets = stringList(b.secrets, 'secrets');
  const constraints = stringList(b.constraints, 'constraints');
  for (const s of secrets) if (!ctx.secrets.has(s)) bad(`secrets: unable to find secret ${JSON.stringify(s)} in namespace ${namespace}`);
  const limits = resources(b.limits, 'limits');
  const requests = resources(b.requests, 'requests');

  const settings: StringMap = {};
  for (const k of SETTING_KEYS) {
    const v = annotations[k] ?? labels[k];
    if (v !== undefined) settings[k] = v.trim();
  }
  const nf = nfOf(name, settings, envVars, ctx);
  const state = settings['com.snf.state'];
  if (state !== undefined && !(STATE_MODES as readonly string[]).includes(state)) bad(`com.snf.state: must be ${STATE_MODES.join(' | ')}, got ${JSON.stringify(state)}`);
  const flags: Record<string, string> = { function: nf, listen: '0' };
  for (const [k, flag] of Object.entries(FLAG_OF)) if (k !== 'com.snf.nf' && settings[k] !== undefined) flags[flag] = settings[k]!;
  if (state !== undefined) flags.mode = `${flags.mode ?? 'flowlet'}/${state}`;
  flags.udp ??= '0';
  let o: Readonly<GatewayOptions>;
  try {
    o = gatewayConfig({}, { ...flags, token: 'validate' });
  } catch (err) {
    throw specErrorFrom(err);
  }
  const params: { k?: number; unitCapacityBps?: number } = {};
  for (const [k, p] of Object.entries(PARAM_OF)) {
    const raw = settings[k];
    if (raw === undefined) continue;
    if (raw === '' || !Number.isFinite(Number(raw))) bad(`${k}: not a number: ${JSON.stringify(raw)}`);
    params[p] = Number(raw);
  }
  try {
    resolveRouting({ ...o, controller: { ...o.controller, ...params } });
  } catch (err) {
    throw specErrorFrom(err);
  }
  const deployment = {
    service: name, image: b.image, namespace, envVars, labels, annotations, secrets, constraints,
    ...(b.envProcess !== undefined && b.envProcess !== '' ? { envProcess: b.envProcess as string } : {}),
    ...(limits ? { limits } : {}), ...(requests ? { requests } : {}),
    ...(b.readOnlyRootFilesystem === true ? { readOnlyRootFilesystem: true } : {}),
  };
  return { name, namespace, deployment, nf, flags: Object.freeze(flags), params: Object.freeze(params), minUnits: o.minUnits, maxUnits: o.maxUnits };
}

/** A ConfigError from gatewayConfig / resolveRouting → a 400 naming the annotation or label. */
function specErrorFrom(err: unknown): SpecError {
  if (!(err instanceof ConfigError)) return new SpecError(400, String(err));
  const field = err.field.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  const byFlag = Object.entries(FLAG_OF).find(([, f]) => f === field)?.[0];
  const byParam = Object.entries(PARAM_OF).find(([, p]) => p === field)?.[0];
  const key = byFlag ?? byParam ?? (field === 'initialUnits' ? 'com.openfaas.scale.min' : field === 'timeoutNs' ? 'com.snf.timeout-us' : field === 'sizeThresholdBytes' ? 'com.snf.size-bytes' : field);
  const detail = err.message.slice(err.message.indexOf(': ') + 2).replace(/^(mode|udpEgress|minUnits|initialUnits): /, '');
  return new SpecError(400, `${key}: ${detail}`);
}
