/**
 * Load a user's network function from a module path (`--handler <path>`, `SNF_HANDLER`): what
 * the `snf-ts` OpenFaaS template runs (template/snf-ts/). Control path only, once per process.
 *
 * The module exports a NetworkFunction: as `default`, as `nf`, as the module itself, or as its
 * only export that looks like one. `.js` loads with require; `.ts` is transpiled on load with
 * the project's TypeScript (no type check: that is the handler's own test and `tsc`'s job).
 * Inside the module `snf/sdk` (and `snf`) name this SNF's SDK and `snf/functions` its registry
 * of built-in NFs (stack/<fn>/handler.ts re-export those), so a handler runs wherever the `snf`
 * command does, without a package install.
 * Errors: SNF_ERR_USAGE naming the path and what is wrong (missing, throws on load, no NF).
 */
import * as fs from 'fs';
import * as path from 'path';
import Module from 'module';
import { SnfError } from '../sdk/errors';
import type { NetworkFunction } from '../sdk/types';
import { getFunction } from '../functions';

type AnyNf = NetworkFunction<any, any>;

const SDK_ENTRY = path.resolve(__dirname, '..', 'sdk', 'index');
const FUNCTIONS_ENTRY = path.resolve(__dirname, '..', 'functions', 'index');
let hooked = false;

/** `snf/sdk`, `snf/functions` → this build's sdk/, functions/ (source or dist/, as this file). */
function hookSdkResolution(): void {
  if (hooked) return;
  hooked = true;
  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
  const orig = M._resolveFilename;
  M._resolveFilename = function resolve(this: unknown, req: string, ...rest: unknown[]): string {
    if (req === 'snf/sdk' || req === 'snf') return orig.call(this, SDK_ENTRY, ...rest);
    if (req === 'snf/functions') return orig.call(this, FUNCTIONS_ENTRY, ...rest);
    return orig.call(this, req, ...rest);
  };
}

/** `.ts` files transpiled to CommonJS on require (TypeScript from this project's dependencies). */
function hookTypeScript(): void {
  const exts = (Module as unknown as { _extensions: Record<string, (m: { _compile(code: string, file: string): void }, file: string) => void> })._extensions;
  if (exts['.ts'] !== undefined) return; // ts-jest, ts-node or an earlier call already handle .ts
  let ts: typeof import('typescript');
  try {
    ts = require('typescript') as typeof import('typescript');
  } catch (err) {
    throw new SnfError('SNF_ERR_USAGE', 'a .ts handler needs the typescript package (install the project with its dev dependencies), or compile the handler to .js', { cause: err });
  }
  exts['.ts'] = (m, file) => {
    const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    });
    m._compile(out.outputText, file);
  };
}

function looksLikeNf(x: unknown): x is AnyNf {
  if (x === null || typeof x !== 'object') return false;
  const o = x as Record<string, any>;
  return typeof o.name === 'string' && typeof o.create === 'function' && typeof o.config?.parse === 'function'
    && typeof o.stateCodec?.encode === 'function' && typeof o.stateCodec?.decode === 'function';
}

/** The NetworkFunction exported by the module at `file` (relative to the working directory). */
export function loadHandler(file: string): AnyNf {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new SnfError('SNF_ERR_USAGE', `handler ${file}: no such file`);
  hookSdkResolution();
  if (abs.endsWith('.ts')) hookTypeScript();
  let mod: Record<string, unknown>;
  try {
    mod = require(abs) as Record<string, unknown>;
  } catch (err) {
    throw new SnfError('SNF_ERR_USAGE', `handler ${file}: failed to load: ${(err as Error).message}`, { cause: err });
  }
  for (const c of [mod.default, mod.nf, mod]) if (looksLikeNf(c)) return c;
  const found = Object.values(mod).filter(looksLikeNf);
  if (found.length === 1) return found[0]!;
  throw new SnfError('SNF_ERR_USAGE', `handler ${file}: ${found.length === 0 ? 'exports no NetworkFunction' : `exports ${found.length} NetworkFunctions; export the one to run as default`} (an object with name, config.parse, stateCodec and create)`);
}

/**
 * The NF a command runs: `handler` (a module path) if given, else the registry's `fn` (a name or
 * a chain `a,b`). Both given: `fn` must be the handler's name (one source of truth).
 */
export function resolveNf(fn: string | undefined, handler: string | null | undefined): AnyNf {
  if (handler === null || handler === undefined) {
    if (fn === undefined) throw new SnfError('SNF_ERR_USAGE', 'give --function <nf> (or a chain a,b) or --handler <path>');
    return getFunction(fn);
  }
  const nf = loadHandler(handler);
  if (fn !== undefined && fn !== nf.name) throw new SnfError('SNF_ERR_USAGE', `--function ${fn} does not match the handler's NF ${JSON.stringify(nf.name)} (${handler})`);
  return nf;
}
