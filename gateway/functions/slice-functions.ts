/**
 * What the two providers whose functions run over EndpointSlices (the Kubernetes provider and
 * the faas-netes proxy path) answer the same way: list, get, invoke, logs, from a table of
 * functions each with its SliceGateway. The subclass says how a function is described (`info`).
 */
import type { InvokeResult } from '../egress/invoke-sink';
import type { Gateway } from '../gateway';
import type { LogLine } from '../api/types';
import type { FunctionInfo, LogQuery } from './provider';
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

export abstract class SliceFunctions<T extends SliceFunction> {
  protected readonly fns = new Map<string, T>();

  protected abstract info(f: T): FunctionInfo;

  list(): FunctionInfo[] {
    return [...this.fns.values()].map((f) => this.info(f));
  }

  get(name: string): FunctionInfo | undefined {
    const f = this.fns.get(name);
    return f === undefined ? undefined : this.info(f);
  }

  gateway(name: string): Gateway | undefined {
    return this.fns.get(name)?.run.gw ?? undefined;
  }

  invoke(name: string, packet: Buffer): Promise<InvokeResult> | undefined {
    const f = this.fns.get(name);
    if (f === undefined || f.run.gw === null) return undefined;
    f.invocations++;
    return f.run.gw.invoke(packet);
  }

  logs(name: string, q: LogQuery): LogLine[] {
    return this.fns.get(name)?.run.logs.query(q) ?? [];
  }

  followLogs(name: string, listener: (l: LogLine) => void): () => void {
    return this.fns.get(name)?.run.logs.follow(listener) ?? (() => {});
  }
}
