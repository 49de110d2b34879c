/**
 * Reads per-flow state back from running compute units over their StatePeer service (one Pull
 * of all keys per unit, min_clock 0 so nobody waits; Pull has no side effects). The newest clock
 * across units wins — that is the flow's current state. For tests and post-run checks, not the
 * data path.
 */
import * as grpc from '@grpc/grpc-js';
import { statePeerService, type FlowStateMsg, type PullReplyMsg } from '../proto/load';
import type { FlowKey } from '../sdk/flow-key';

export interface DumpedState {
  clock: number;
  present: boolean;
  value: Buffer;
  unit: number;
}

export async function pullStates(
  peers: ReadonlyArray<{ unit: number; address: string }>, token: string, keys: readonly FlowKey[], deadlineMs = 10000,
): Promise<Array<DumpedState | null>> {
  const { Client } = statePeerService();
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  const items = keys.map((k) => ({ key: { proto: k.proto, srcIp: k.srcIp >>> 0, srcPort: k.srcPort, dstIp: k.dstIp >>> 0, dstPort: k.dstPort }, minClock: 0 }));
  const out: Array<DumpedState | null> = keys.map(() => null);
  await Promise.all(peers.map(async ({ unit, address }) => {
    const client = new Client(address, grpc.credentials.createInsecure()) as any;
    try {
      const reply = await new Promise<PullReplyMsg>((resolve, reject) => {
        client.Pull({ fromUnit: 0, flows: items }, md, { deadline: Date.now() + deadlineMs },
          (err: Error | null, r: PullReplyMsg) => (err ? reject(err) : resolve(r)));
      });
      reply.flows.forEach((f, i) => {
        if (!f.found || !f.state) return;
        const s: FlowStateMsg = f.state;
        const cur = out[i];
        if (cur === null || cur === undefined || s.clock > cur.clock) out[i] = { clock: s.clock, present: s.present, value: s.value, unit };
      });
    } finally {
      client.close();
    }
  }));
  return out;
}
