/**
 * A deployed function's gateway options: the spec's `snf gateway` flags (validated by
 * gatewayConfig, as the API validated them) with the cluster token, the controller overrides,
 * and the provider's host, alerts and node flags. Shared by the local and the Kubernetes
 * function providers. Pure.
 */
import { gatewayConfig } from '../config';
import type { GatewayOptions } from '../options';
import type { FunctionSpec } from '../api/function-spec';

export interface FunctionGatewaySettings {
  token: string;
  host: string;
  /** IDS alert sink (gateway --alerts syntax; default off). */
  alerts?: string;
  unitNodeFlags?: readonly string[];
  /** Ports to reuse (restored functions); undefined = the spec's own (0 = any free one). */
  ports?: { stream?: number; udp?: number };
  onUnitLog?: (unit: number, chunk: string) => void;
}

export function functionGatewayOptions(spec: FunctionSpec, s: FunctionGatewaySettings): GatewayOptions {
  const flags: Record<string, string> = { ...spec.flags, token: s.token };
  if (s.ports?.stream !== undefined && spec.flags.listen === '0') flags.listen = String(s.ports.stream);
  if (s.ports?.udp !== undefined && spec.flags.udp === '0') flags.udp = String(s.ports.udp);
  const base = gatewayConfig({}, flags);
  return {
    ...base,
    host: s.host,
    controller: { ...base.controller, ...spec.params },
    // The deployment's envVars are its units' environment (as a stock function's); SNF's derived settings win.
    unitEnv: { ...spec.deployment.envVars, ...base.unitEnv },
    unitNodeFlags: s.unitNodeFlags ?? base.unitNodeFlags,
    alerts: s.alerts ?? 'off',
    ...(s.onUnitLog !== undefined ? { onUnitLog: s.onUnitLog } : {}),
  };
}
