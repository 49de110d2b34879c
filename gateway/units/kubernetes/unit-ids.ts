/**
 * Unit ids for pods that start without one (a Deployment's pods, `snf watchdog --unit-id gateway`;
 * pure, no clock of its own). The gateway gives each endpoint an id and the unit learns it from
 * the data-plane handshake (proto/data-plane.md §1, ASSIGN_UNIT_ID):
 * - an endpoint takes the lowest id in 1..maxUnits that is neither in use nor held, as the
 *   controller's UnitTable does; an endpoint with a fixed id (`hostname: unit-<id>`, a StatefulSet
 *   ordinal) keeps that one;
 * - the id sticks to the endpoint's key (`instance`: the pod name, else address:port) for as long
 *   as the endpoint is listed, ready or not: a pod that is not ready or is terminating may still
 *   talk (push its state, answer pulls), so its id is not given to anyone else;
 * - once the endpoint is no longer listed its id is held for `holdMs` more (the connections and
 *   StatePeer streams of the old pod wind down), like the controller's DRAINING ids; the same key
 *   coming back within that time gets the same id back;
 * - a ready endpoint for which no id is free waits (counted `noFreeId`) until one is.
 */
import type { UnitEndpoint } from '../provider';
import type { IdAssigner, ListedEndpoint, SliceSkips } from './slices';

export const MAX_UNIT_ID = 32767;

export class UnitIds implements IdAssigner {
  /** Endpoint key → its id, while listed. */
  private readonly byKey = new Map<string, number>();
  /** Held ids of endpoints no longer listed: id → until when (ms) and whose it was. */
  private readonly held = new Map<number, { untilMs: number; key: string }>();
  /** Ids handed out to endpoints without a fixed one (stats). */
  assigned = 0;

  constructor(readonly maxUnits = MAX_UNIT_ID, readonly holdMs = 5000) {}

  /** The ready endpoints by id, each with the id it was given (`listed` in a stable order). */
  assign(listed: readonly ListedEndpoint[], nowMs: number, skips: SliceSkips): Map<number, UnitEndpoint> {
    const present = new Set<string>();
    for (const l of listed) present.add(l.ep.instance);
    for (const [key, id] of this.byKey) {
      if (present.has(key)) continue;
      this.byKey.delete(key);
      this.held.set(id, { untilMs: nowMs + this.holdMs, key });
    }
    for (const [id, h] of this.held) if (h.untilMs <= nowMs) this.held.delete(id);
    const owner = new Map<number, string>();
    for (const [key, id] of this.byKey) owner.set(id, key);
    // Endpoints that already have an id (fixed, kept, or theirs again within the hold) first.
    for (const { ep } of listed) {
      const key = ep.instance;
      const id = ep.unit >= 0 ? ep.unit : this.byKey.get(key) ?? this.heldFor(key);
      if (id < 0 || this.byKey.get(key) === id) continue;
      const o = owner.get(id);
      if (o !== undefined && o !== key) continue; // someone else's: a fixed id taken, seen below as duplicateId
      const h = this.held.get(id);
      if (h !== undefined && h.key !== key) continue; // held for a pod that may still talk
      this.held.delete(id);
      const was = this.byKey.get(key);
      if (was !== undefined) owner.delete(was);
      this.byKey.set(key, id);
      owner.set(id, key);
    }
    const units = new Map<number, UnitEndpoint>();
    let next = 1;
    for (const { ep, ready } of listed) {
      const key = ep.instance;
      if (!ready) {
        skips.notReady++;
        continue;
      }
      let id = this.byKey.get(key);
      if (id === undefined) {
        if (ep.unit >= 0) {
          skips.duplicateId++;
          continue;
        }
        while (next <= this.maxUnits && (owner.has(next) || this.held.has(next))) next++;
        if (next > this.maxUnits) {
          skips.noFreeId++;
          continue;
        }
        id = next;
        this.byKey.set(key, id);
        owner.set(id, key);
        this.assigned++;
      } else if (ep.unit >= 0 && ep.unit !== id) {
        skips.duplicateId++;
        continue;
      }
      if (units.has(id)) skips.duplicateId++;
      else units.set(id, { ...ep, unit: id });
    }
    return units;
  }

  /** When the earliest held id frees (ms), or -1: a ready endpoint may be waiting for it. */
  nextRelease(): number {
    let t = -1;
    for (const h of this.held.values()) if (t < 0 || h.untilMs < t) t = h.untilMs;
    return t;
  }

  /** Ids held for endpoints gone (stats). */
  get heldIds(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  private heldFor(key: string): number {
    for (const [id, h] of this.held) if (h.key === key) return id;
    return -1;
  }
}
