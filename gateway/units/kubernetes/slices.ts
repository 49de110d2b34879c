/**
 * EndpointSlices → compute-unit endpoints (pure; no client, no sockets). A function's Service
 * has one or more EndpointSlices (label `kubernetes.io/service-name=<service>`); every ready
 * endpoint in them is one compute unit (one pod). What SNF reads from a slice:
 * - ports by name: `data` (the unit's data-plane TCP port) and `peer` (its StatePeer gRPC port);
 *   the names are configurable (`KubeUnitNames`), a slice without both is skipped and counted;
 * - the address: the endpoint's first address (IPv4; the data plane's PEERS table is IPv4);
 * - readiness: `conditions.ready` (absent means ready, as the API documents); a terminating or
 *   not-ready endpoint is not a unit;
 * - a fixed unit id, when the unit was started with one (`snf watchdog --unit-id N`): from the
 *   endpoint's `hostname` when it reads `unit-<id>`, else from the pod name (`targetRef.name`)
 *   when it ends in a StatefulSet ordinal `-<n>` (unit id n + 1, since unit ids start at 1);
 *   an endpoint without one (a Deployment's pod, `SNF_UNIT_ID=gateway`) is given one by
 *   `UnitIds` (unit-ids.ts) when one is passed, else skipped (`noUnitId`);
 * - the instance: `targetRef.name` (the pod), else `address:dataPort` — the key a given id sticks to.
 */
import type { HostPort, UnitEndpoint } from '../provider';

/** The parts of a discovery.k8s.io/v1 EndpointSlice read here. */
export interface SliceLike {
  metadata?: { name?: string; resourceVersion?: string; labels?: Record<string, string> };
  addressType?: string;
  ports?: Array<{ name?: string; port?: number; protocol?: string }> | null;
  endpoints?: Array<{
    addresses?: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    hostname?: string;
    targetRef?: { kind?: string; name?: string; namespace?: string };
  }> | null;
}

export interface KubeUnitNames {
  /** EndpointSlice port name of the data plane (default `data`). */
  dataPort: string;
  /** EndpointSlice port name of StatePeer (default `peer`). */
  peerPort: string;
}

export const DEFAULT_UNIT_NAMES: KubeUnitNames = { dataPort: 'data', peerPort: 'peer' };

/** Why endpoints were not taken as units (stats). */
export interface SliceSkips {
  /** A slice without both named ports, or not IPv4. */
  badSlice: number;
  /** A ready endpoint whose unit id could not be read. */
  noUnitId: number;
  /** A second endpoint claiming a unit id already taken. */
  duplicateId: number;
  /** Not ready, or terminating. */
  notReady: number;
  /** A ready endpoint waiting for an id: every id in 1..maxUnits is in use or held (unit-ids.ts). */
  noFreeId: number;
}

export const newSliceSkips = (): SliceSkips => ({ badSlice: 0, noUnitId: 0, duplicateId: 0, notReady: 0, noFreeId: 0 });

/** An endpoint as listed, ready or not (a pod that is not ready may still talk); `ep.unit` = its fixed id or −1. */
export interface ListedEndpoint {
  ep: UnitEndpoint;
  ready: boolean;
}

/** Gives endpoints without a fixed id one (unit-ids.ts `UnitIds`). */
export interface IdAssigner {
  assign(listed: readonly ListedEndpoint[], nowMs: number, skips: SliceSkips): Map<number, UnitEndpoint>;
}

const HOSTNAME_ID = /^unit-(\d{1,5})$/;
const ORDINAL = /-(\d{1,5})$/;

/** The unit id an endpoint names, or -1. */
export function unitIdOf(hostname: string | undefined, podName: string | undefined): number {
  const h = hostname !== undefined ? HOSTNAME_ID.exec(hostname) : null;
  const id = h !== null ? Number(h[1]) : podName !== undefined && ORDINAL.test(podName) ? Number(ORDINAL.exec(podName)![1]) + 1 : -1;
  return id >= 1 && id <= 32767 ? id : -1;
}

function portOf(s: SliceLike, name: string): number {
  for (const p of s.ports ?? []) if (p.name === name && typeof p.port === 'number' && (p.protocol ?? 'TCP') === 'TCP') return p.port;
  return -1;
}

/** Endpoints of one slice with an address, in slice order. */
export function listedOfSlice(s: SliceLike, names: KubeUnitNames, skips: SliceSkips): ListedEndpoint[] {
  const data = portOf(s, names.dataPort);
  const peer = portOf(s, names.peerPort);
  if (data < 0 || peer < 0 || (s.addressType !== undefined && s.addressType !== 'IPv4')) {
    if ((s.endpoints ?? []).length > 0) skips.badSlice++;
    return [];
  }
  const out: ListedEndpoint[] = [];
  for (const e of s.endpoints ?? []) {
    const c = e.conditions ?? {};
    const host = e.addresses?.[0];
    if (host === undefined) {
      skips.notReady++;
      continue;
    }
    const at = (port: number): HostPort => ({ host, port });
    const unit = unitIdOf(e.hostname, e.targetRef?.name);
    out.push({ ep: { unit, kind: 'compute', data: at(data), peer: at(peer), instance: e.targetRef?.name ?? `${host}:${data}` }, ready: c.ready !== false && c.terminating !== true });
  }
  return out;
}

/** Every listed endpoint of a Service's slices (sorted slice names: the same input, the same answer). */
export function listedOfSlices(slices: Iterable<SliceLike>, names: KubeUnitNames, skips: SliceSkips): ListedEndpoint[] {
  const sorted = [...slices].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  return sorted.flatMap((s) => listedOfSlice(s, names, skips));
}

/**
 * Every unit of a Service's slices by unit id: the ready endpoints, each under its fixed id, or
 * (with `ids`) the id `ids` gives it; without `ids` an endpoint with no fixed id is skipped.
 */
export function unitsOfSlices(slices: Iterable<SliceLike>, names: KubeUnitNames, skips: SliceSkips, ids?: IdAssigner, nowMs = 0): Map<number, UnitEndpoint> {
  const listed = listedOfSlices(slices, names, skips);
  if (ids !== undefined) return ids.assign(listed, nowMs, skips);
  const units = new Map<number, UnitEndpoint>();
  for (const { ep, ready } of listed) {
    if (!ready) skips.notReady++;
    else if (ep.unit < 0) skips.noUnitId++;
    else if (units.has(ep.unit)) skips.duplicateId++;
    else units.set(ep.unit, ep);
  }
  return units;
}

/** Same unit, same pod, same addresses. */
export function sameEndpoint(a: UnitEndpoint, b: UnitEndpoint): boolean {
  return a.instance === b.instance && a.data.host === b.data.host && a.data.port === b.data.port &&
    a.peer?.host === b.peer?.host && a.peer?.port === b.peer?.port;
}
