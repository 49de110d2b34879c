/**
 * The registry of network functions: name → NetworkFunction. The watchdog, the CLI and the
 * simulator look functions up here; nothing here runs per packet.
 */
import { SnfError } from '../sdk/errors';
import type { NetworkFunction } from '../sdk/types';
import { ids } from './ids';
import { lb } from './lb';
import { nat } from './nat';
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
});

export const FUNCTION_NAMES: readonly string[] = Object.freeze(Object.keys(FUNCTIONS));

/** The function named `name`; SnfError SNF_ERR_UNKNOWN_FUNCTION listing the known names otherwise. */
export function getFunction(name: string): AnyFunction {
  if (Object.prototype.hasOwnProperty.call(FUNCTIONS, name)) return FUNCTIONS[name]!;
  throw new SnfError('SNF_ERR_UNKNOWN_FUNCTION', `no network function named ${JSON.stringify(name)} (known: ${FUNCTION_NAMES.join(', ')})`);
}
