/**
 * The registry of network functions: name → NetworkFunction. The watchdog, the CLI and the
 * simulator look functions up here; nothing here runs per packet.
 */
import { chain, chainNames, CHAIN_SEPARATOR } from '../sdk/chain';
import { SnfError } from '../sdk/errors';
import type { NetworkFunction } from '../sdk/types';
import { ids } from './ids';
import { lb } from './lb';
import { nat } from './nat';
import { noop } from './noop';
import { qos } from './qos';
import { udpWhitelist } from './udp-whitelist';

// The registry stores functions of any config/state type; callers get them back untyped.
type AnyFunction = NetworkFunction<any, any>;

export const FUNCTIONS: Readonly<Record<string, AnyFunction>> = Object.freeze({
  nat,
  lb,
  ids,
  'udp-whitelist': udpWhitelist,
  qos,
  noop,
});

export const FUNCTION_NAMES: readonly string[] = Object.freeze(Object.keys(FUNCTIONS));

const chains = new Map<string, AnyFunction>();

function one(name: string, spec: string): AnyFunction {
  if (Object.prototype.hasOwnProperty.call(FUNCTIONS, name)) return FUNCTIONS[name]!;
  const inChain = spec === name ? '' : ` in the chain ${JSON.stringify(spec)}`;
  throw new SnfError('SNF_ERR_UNKNOWN_FUNCTION', `no network function named ${JSON.stringify(name)}${inChain} (known: ${FUNCTION_NAMES.join(', ')})`);
}

/**
 * The function named `spec`, or the chain `a,b,…` of registered functions (sdk/chain.ts: one NF
 * running the stages in order; a chain of one is the NF itself). Unknown name: SnfError
 * SNF_ERR_UNKNOWN_FUNCTION listing the known names; a name twice: SNF_ERR_USAGE.
 */
export function getFunction(spec: string): AnyFunction {
  if (!spec.includes(CHAIN_SEPARATOR)) return one(spec, spec);
  const names = chainNames(spec);
  const key = names.join(CHAIN_SEPARATOR);
  const cached = chains.get(key);
  if (cached !== undefined) return cached;
  const nf = chain(names.map((n) => one(n, spec)));
  chains.set(key, nf);
  return nf;
}
