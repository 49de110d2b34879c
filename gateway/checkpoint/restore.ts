/**
 * A restarted gateway resumes from its checkpoint (README.md in this folder): the unit set and the
 * flow table come from Redis; the flows' clocks are then made exact from the output loggers.
 *
 * Why the loggers: the checkpoint is written every interval, off the packet path, so it is not
 * exact either way — flows may have run packets (or started) after the last flush, and packets
 * the dead gateway routed (clock assigned, checkpointed) may never have reached a unit. Every
 * packet a unit ran went to its logger (a LOG record with the flow's clock), so the newest clock
 * of a flow over all loggers is the clock of the last packet that ran, and the unit whose logger
 * holds it is where the flow's state is. The log is authoritative: the restored flow table is the
 * checkpoint (flowlet ids, demand, replication targets) with clock and unit from the log; a flow
 * the log does not know never ran a packet and is left out (its next packet starts it afresh, as
 * the units expect); a flow only the log knows is added. Every flowlet is closed, so each flow's
 * next packet starts a flowlet whose unit fetches the state from the unit that has it.
 */
import * as grpc from '@grpc/grpc-js';
import type Redis from 'ioredis';
import { statePeerService, type PullReplyMsg } from '../../proto/load';
import type { Controller } from '../controller';
import { decodeFlow, decodeMeta, flowField, flowsKey, metaKey, type CheckpointFlow, type CheckpointMeta } from './checkpoint-format';

export interface LoadedCheckpoint {
  meta: CheckpointMeta;
  flows: CheckpointFlow[];
  /** Hash entries that were not flows (counted, skipped). */
  rejected: number;
}

export async function readCheckpoint(redis: Redis, prefix: string): Promise<LoadedCheckpoint | string> {
  const [rawMeta, rawFlows] = await Promise.all([redis.get(metaKey(prefix)), redis.hgetall(flowsKey(prefix))]);
  const meta = decodeMeta(rawMeta);
  if (typeof meta === 'string') return meta;
  const flows: CheckpointFlow[] = [];
  let rejected = 0;
  for (const [k, v] of Object.entries(rawFlows)) {
    const f = decodeFlow(k, v);
    if (typeof f === 'string') rejected++;
    else flows.push(f);
  }
  return { meta, flows, rejected };
}

/** Newest logged clock per flow field, over the given loggers (one Pull naming no flows each). */
export async function loggedClocks(
  loggers: ReadonlyArray<{ unit: number; address: string }>, token: string, deadlineMs = 10000,
): Promise<Map<string, { clock: number; unit: number }>> {
  const { Client } = statePeerService();
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  const out = new Map<string, { clock: number; unit: number }>();
  await Promise.all(loggers.map(async ({ unit, address }) => {
    const client = new Client(address, grpc.credentials.createInsecure()) as any;
    try {
      const reply = await new Promise<PullReplyMsg>((resolve, reject) => {
        client.Pull({ fromUnit: 0, flows: [] }, md, { deadline: Date.now() + deadlineMs }, (err: Error | null, r: PullReplyMsg) => (err ? reject(err) : resolve(r)));
      });
      for (const f of reply.flows) {
        const st = f.state;
        if (!f.found || !st || !st.key) continue;
        const field = flowField(st.key.proto, st.key.srcIp, st.key.srcPort, st.key.dstIp, st.key.dstPort);
        const cur = out.get(field);
        if (cur === undefined || st.clock > cur.clock) out.set(field, { clock: st.clock, unit });
      }
    } finally {
      client.close();
    }
  }));
  return out;
}

export interface RestoreSummary {
  units: number;
  /** Flows in the restored table. */
  flows: number;
  /** Checkpointed flows whose clock the log moved forward (packets after the last flush). */
  advancedByLog: number;
  /** Checkpointed flows whose clock the log moved back (packets routed but never run: lost in flight). */
  rewoundByLog: number;
  /** Flows only the log knew (started after the last flush). */
  newFromLog: number;
  /** Checkpointed flows the log does not know (no packet of theirs ran): left out, they start afresh. */
  notLogged: number;
}

/** The checkpoint (overlaid with the logged clocks) into a fresh controller; no hooks fire. */
export function applyCheckpoint(
  ctl: Controller, cp: LoadedCheckpoint, logged: ReadonlyMap<string, { clock: number; unit: number }>, nowNs: number,
  flowletMargin: number,
): RestoreSummary {
  const units = cp.meta.units.map((u) => u.unit);
  ctl.resumeUnits(units, cp.meta.flowletSeq + flowletMargin, nowNs);
  const f = ctl.flows;
  const k = ctl.params.k;
  const sum: RestoreSummary = { units: units.length, flows: 0, advancedByLog: 0, rewoundByLog: 0, newFromLog: 0, notLogged: 0 };
  const seen = new Set<string>();
  const put = (x: CheckpointFlow): void => {
    if (f.full || f.lookup(x.proto, x.srcIp, x.srcPort, x.dstIp, x.dstPort) >= 0) return;
    const s = f.insert(x.proto, x.srcIp, x.srcPort, x.dstIp, x.dstPort);
    f.clock[s] = x.clock;
    f.unit[s] = x.unit;
    f.prevUnit[s] = x.prevUnit;
    f.flowletId[s] = x.flowletId;
    f.demandBps[s] = x.demandBps;
    f.lastPktNs[s] = nowNs;
    const n = Math.min(x.targets.length, k);
    for (let i = 0; i < n; i++) f.targets[s * k + i] = x.targets[i]!;
    f.targetCount[s] = n;
    sum.flows++;
  };
  for (const x of cp.flows) {
    const field = flowField(x.proto, x.srcIp, x.srcPort, x.dstIp, x.dstPort);
    seen.add(field);
    const l = logged.get(field);
    if (l === undefined) {
      sum.notLogged++;
      continue;
    }
    if (l.clock > x.clock) sum.advancedByLog++;
    else if (l.clock < x.clock) sum.rewoundByLog++;
    // The next flowlet's prevUnit is the flow's unit (the controller sets it), where the state is.
    x.clock = l.clock;
    x.unit = l.unit;
    put(x);
  }
  for (const [field, l] of logged) {
    if (seen.has(field)) continue;
    const [proto, srcIp, srcPort, dstIp, dstPort] = field.split(':').map(Number) as [number, number, number, number, number];
    sum.newFromLog++;
    put({ proto, srcIp, srcPort, dstIp, dstPort, clock: l.clock, unit: l.unit, prevUnit: -1, flowletId: 0, demandBps: 0, targets: [] });
  }
  return sum;
}
