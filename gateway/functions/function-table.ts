/**
 * What every function provider answers the same way from its table of running functions: list,
 * get, the function's gateway, invoke (one packet, counted), logs. A provider says how it
 * describes a function (`info`) and where its gateway and log ring are.
 */
import type { InvokeResult } from '../egress/invoke-sink';
import type { Gateway } from '../gateway';
import type { LogLine } from '../api/types';
import type { LogRing } from './log-ring';
import type { FunctionInfo, LogQuery } from './provider';

export abstract class FunctionTable<T extends { invocations: number }> {
  protected readonly fns = new Map<string, T>();

  protected abstract info(f: T): FunctionInfo;
  /** The function's gateway; null while it is not running (a slice gateway between starts). */
  protected abstract gatewayOf(f: T): Gateway | null;
  protected abstract logsOf(f: T): LogRing;

  list(): FunctionInfo[] {
    return [...this.fns.values()].map((f) => this.info(f));
  }

  get(name: string): FunctionInfo | undefined {
    const f = this.fns.get(name);
    return f === undefined ? undefined : this.info(f);
  }

  gateway(name: string): Gateway | undefined {
    const f = this.fns.get(name);
    return (f === undefined ? null : this.gatewayOf(f)) ?? undefined;
  }

  invoke(name: string, packet: Buffer): Promise<InvokeResult> | undefined {
    const f = this.fns.get(name);
    const gw = f === undefined ? null : this.gatewayOf(f);
    if (gw === null) return undefined;
    f!.invocations++;
    return gw.invoke(packet);
  }

  logs(name: string, q: LogQuery): LogLine[] {
    const f = this.fns.get(name);
    return f === undefined ? [] : this.logsOf(f).query(q);
  }

  followLogs(name: string, listener: (l: LogLine) => void): () => void {
    const f = this.fns.get(name);
    return f === undefined ? () => {} : this.logsOf(f).follow(listener);
  }
}
