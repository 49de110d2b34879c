/**
 * A function provider runs OpenFaaS functions, each an SNF network function with its own
 * gateway dispatch and units. The API (gateway/api/) talks only to this interface; the local
 * provider (local-provider.ts, the embedded default of `snf up`) is the first implementation, a
 * Kubernetes and a faas-netes proxy provider are meant to slot in next to it.
 */
import type { InvokeResult } from '../egress/invoke-sink';
import type { Gateway } from '../gateway';
import type { FunctionSpec, SpecContext } from '../api/function-spec';
import type { LogLine, SecretEntry } from '../api/types';

export interface FunctionInfo {
  spec: FunctionSpec;
  /** RFC 3339. */
  createdAt: string;
  /** Units asked for (starting or running). */
  replicas: number;
  /** Units that came up. */
  availableReplicas: number;
  /** The function's packet ingress (0 = closed). */
  streamPort: number;
  udpPort: number;
  /** The floor set by scale-function (or the min label). */
  minUnits: number;
  invocations: number;
}

export interface LogQuery {
  tail?: number;
  /** Epoch ms: only lines at or after. */
  sinceMs?: number;
  instance?: string;
}

export interface FunctionProvider {
  /** `local`, `kubernetes`, …: for /system/info. */
  readonly name: string;
  readonly orchestration: string;
  /** Starts a new function; resolves once its units are up. Throws on a start failure. */
  deploy(spec: FunctionSpec): Promise<FunctionInfo>;
  /** Replaces an existing function's settings (same ports). */
  update(spec: FunctionSpec): Promise<FunctionInfo>;
  /** Stops its units (drained); false when unknown. */
  remove(name: string): Promise<boolean>;
  list(): FunctionInfo[];
  /** A function not held yet that the provider can find (the faas-netes proxy path asks upstream); resolves true when it now holds it. */
  lookup?(name: string): Promise<boolean>;
  get(name: string): FunctionInfo | undefined;
  /** Sets the floor on units (clamped to 1..max); false when unknown. */
  scale(name: string, replicas: number): Promise<boolean>;
  /** The function's live gateway (metrics watch it), if running. */
  gateway(name: string): Gateway | undefined;
  /** One raw IPv4 packet through the function; undefined when unknown or not running. */
  invoke(name: string, packet: Buffer): Promise<InvokeResult> | undefined;
  logs(name: string, q: LogQuery): LogLine[];
  /** Live log lines; returns the unsubscribe function. */
  followLogs(name: string, listener: (l: LogLine) => void): () => void;
  listSecrets(): Array<{ name: string; namespace: string }>;
  hasSecret(name: string): boolean;
  /** 'created' | 'updated'; false for an update of an unknown secret or a create of an existing one. */
  putSecret(s: SecretEntry, mode: 'create' | 'update' | 'upsert'): Promise<boolean>;
  deleteSecret(name: string): Promise<boolean>;
  /** What a deploy is validated against (known NFs, existing secrets). */
  specContext(): SpecContext;
  /** Brings back the functions and secrets of the state store. */
  restore(): Promise<{ restored: string[]; failed: string[] }>;
  /** Stops every function (drained); the state stays. */
  close(): Promise<void>;
}
