/**
 * A unit provider runs a function's compute units somewhere and tells the pool where they are.
 * The local process provider (process/) is the first implementation; an OpenFaaS provider
 * (`snf up` deploying the function, units as its replicas) and a Kubernetes provider (units are
 * pods behind a Deployment, found through EndpointSlices) are meant to be further ones. So:
 * - a unit's addresses are learnt from the unit (its ready record, proto/ready-record.ts) or from
 *   the platform (an EndpointSlice), never derived from a host and a port convention;
 * - `start` asks for unit `unit` and resolves when it is ready; a platform that scales by
 *   replica count maps unit ids onto the pods it creates, the pool only sees ids and endpoints;
 * - units may appear and disappear on their own (a pod evicted, a process killed): providers
 *   report that as events, and the pool treats an unasked `unit-gone` like a lost connection.
 */
import type { UnitKind } from '../../proto/ready-record';

export type { UnitKind };

export interface HostPort {
  host: string;
  port: number;
}

export interface UnitEndpoint {
  unit: number;
  kind: UnitKind;
  /** Data-plane TCP address (compute units) or the HTTP address (`http` units). */
  data: HostPort;
  /** StatePeer gRPC address (compute units); null for `http` units. */
  peer: HostPort | null;
  /** The provider's name for what runs the unit: a pid here, a pod name on Kubernetes. */
  instance: string;
  /** The unit's output logger (gateway --logger): its data plane (EGRESS comes from there) and StatePeer (Pull from its mirror). */
  logger?: { data: HostPort; peer: HostPort; instance: string };
}

export type UnitEvent =
  | { type: 'unit-ready'; endpoint: UnitEndpoint }
  | { type: 'unit-gone'; unit: number; instance: string; why: string };

/** What a provider needs to run units of one function (the gateway builds it). */
export interface UnitSpec {
  function: string;
  token: string;
  /** NF configuration file (local) or config reference the platform understands. */
  configFile?: string;
  /** Environment every unit gets (SNF_IDLE_PUSH_US, SNF_EVICT_MS, SNF_STATE, …). */
  env: Record<string, string>;
}

export interface UnitProvider {
  /** `local-process`, `openfaas`, `kubernetes`: for logs and stats. */
  readonly name: string;
  /** Starts unit `unit`; resolves with its learnt endpoint once it is ready, rejects with SNF_ERR_UNIT_START. */
  start(unit: number, kind: UnitKind): Promise<UnitEndpoint>;
  /** Asks the unit to go (it hands its state off first); resolves when it is gone. */
  stop(unit: number): Promise<void>;
  /** The units that are ready and not gone. */
  list(): UnitEndpoint[];
  /** Subscribes to unit-ready / unit-gone; returns the unsubscribe function. */
  on(listener: (e: UnitEvent) => void): () => void;
  /** Stops every unit it started and releases what it holds. */
  close(): Promise<void>;
  /** Output loggers (gateway --logger): start a (replacement) logger for `unit`; `kafka` = rebuild its mirror from the log first. */
  startLogger?(unit: number, rebuild: 'none' | 'kafka'): Promise<UnitEndpoint>;
  /** Recovery: start a compute unit under `unit` (a dead one's id) attached to the existing logger at `logger` (it restores the mirror). */
  startUnitWithLogger?(unit: number, logger: HostPort): Promise<UnitEndpoint>;
  /**
   * True when units come back on their own under their id (Kubernetes: a Deployment replaces a
   * pod, the provider gives the new pod the id): the pool reconnects a unit the controller still
   * runs when it is ready again. Absent: a gone unit stays gone until the controller starts it.
   */
  readonly replacesUnits?: boolean;
  /** Gateway restart (gateway/checkpoint/): a unit (and its logger) already running, started by an earlier gateway, is this provider's to stop from now on. */
  adopt?(endpoint: UnitEndpoint): void;
}

export type UnitProviderFactory = (spec: UnitSpec) => UnitProvider;
