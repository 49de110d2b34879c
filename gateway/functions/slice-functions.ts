/**
 * What the two providers whose functions run over EndpointSlices (the Kubernetes provider and
 * the faas-netes proxy path) share: their options and the SliceGateway settings made from them,
 * and a function table (function-table.ts) whose gateway and logs are each function's SliceGateway's.
 */
import type { Gateway } from '../gateway';
import { FunctionTable } from './function-table';
import type { LogRing } from './log-ring';
import type { SliceGateway, SliceGatewaySettings } from './slice-gateway';

/** What a slice provider's options share: the settings every function's SliceGateway gets, and the NFs. */
export interface SliceProviderOptions extends Omit<SliceGatewaySettings, 'api' | 'setReplicas'> {
  knownNfs: readonly string[];
  defaultNf?: string;
}

/** The SliceGateway settings a provider's options carry (unset ones left out). */
export function sliceSettings(o: SliceProviderOptions): Omit<SliceGatewaySettings, 'api' | 'setReplicas'> {
  return {
    namespace: o.namespace, token: o.token, host: o.host,
    ...(o.alerts !== undefined ? { alerts: o.alerts } : {}),
    ...(o.startTimeoutMs !== undefined ? { startTimeoutMs: o.startTimeoutMs } : {}),
    ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
    ...(o.log !== undefined ? { log: o.log } : {}),
    ...(o.onGateway !== undefined ? { onGateway: o.onGateway } : {}),
  };
}

export interface SliceFunction {
  run: SliceGateway;
  invocations: number;
}

/** A provider whose functions run over EndpointSlices: each function's gateway and logs are its SliceGateway's. */
export abstract class SliceFunctions<T extends SliceFunction> extends FunctionTable<T> {
  protected gatewayOf(f: T): Gateway | null {
    return f.run.gw;
  }

  protected logsOf(f: T): LogRing {
    return f.run.logs;
  }
}
