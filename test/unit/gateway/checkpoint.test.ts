/**
 * The gateway checkpoint (gateway/checkpoint/): the Redis spelling round-trips and rejects what it
 * did not write; a restore puts the checkpointed flows into a fresh controller with clock and unit
 * from the logs (the log is authoritative), leaves out flows no packet of which ran, adds flows
 * only the log knows, keeps the unit set without firing start hooks, and the next packet of a
 * restored flow continues its clock in a new flowlet.
 */
import { Controller } from '../../../gateway/controller';
import { decodeFlow, decodeMeta, encodeFlowValue, flowField, CHECKPOINT_VERSION, type CheckpointFlow } from '../../../gateway/checkpoint/checkpoint-format';
import { applyCheckpoint, type LoadedCheckpoint } from '../../../gateway/checkpoint/restore';
import { newFlowKey } from '../../../sdk/flow-key';

const flow = (srcPort: number, clock: number, unit: number): CheckpointFlow => ({
  proto: 6, srcIp: 0x0a000001, srcPort, dstIp: 0xc0a80001, dstPort: 80, clock, unit, prevUnit: -1, flowletId: 7, demandBps: 1000, targets: [2],
});

describe('checkpoint format', () => {
  it('round-trips a flow and rejects foreign entries', () => {
    const f = flow(1234, 9, 2);
    const field = flowField(f.proto, f.srcIp, f.srcPort, f.dstIp, f.dstPort);
    const value = encodeFlowValue(f.clock, f.unit, f.prevUnit, f.flowletId, f.demandBps, [2, 3], 0, 1);
    expect(decodeFlow(field, value)).toEqual(f);
    expect(typeof decodeFlow('x:1:2:3:4', value)).toBe('string');
    expect(typeof decodeFlow(field, '0,1,1,1,1')).toBe('string'); // clock 0 never checkpointed
    expect(typeof decodeFlow(field, '1,2')).toBe('string');
  });

  it('meta: version and shape checked', () => {
    expect(typeof decodeMeta(null)).toBe('string');
    expect(typeof decodeMeta('{')).toBe('string');
    expect(typeof decodeMeta(JSON.stringify({ v: 99 }))).toBe('string');
    const m = { v: CHECKPOINT_VERSION, function: 'nat', runId: 'r', flowletSeq: 3, units: [], atMs: 1 };
    expect(decodeMeta(JSON.stringify(m))).toEqual(m);
  });
});

describe('restore into a fresh controller', () => {
  it('log clocks win; unlogged flows are left out; log-only flows are added; no hooks fire', () => {
    const started: number[] = [];
    const ctl = new Controller({ maxUnits: 4, initialUnits: 1, mode: 'flowlet' }, { onUnitStart: (u) => void started.push(u) });
    started.length = 0;
    const a = flow(1, 10, 1); // the log saw clock 12 on unit 2: packets after the last flush
    const b = flow(2, 5, 2); // the log saw clock 3: clocks 4–5 were routed but never ran
    const c = flow(3, 4, 1); // never ran
    const d = flow(4, 0, 0); // only the log knows it (started after the last flush)
    const logged = new Map([
      [flowField(a.proto, a.srcIp, a.srcPort, a.dstIp, a.dstPort), { clock: 12, unit: 2 }],
      [flowField(b.proto, b.srcIp, b.srcPort, b.dstIp, b.dstPort), { clock: 3, unit: 2 }],
      [flowField(d.proto, d.srcIp, d.srcPort, d.dstIp, d.dstPort), { clock: 2, unit: 3 }],
    ]);
    const cp: LoadedCheckpoint = {
      meta: { v: CHECKPOINT_VERSION, function: 'nat', runId: 'r', flowletSeq: 100, units: [2, 3].map((unit) => ({ unit, data: { host: 'h', port: 1 }, peer: { host: 'h', port: 2 }, instance: 'pid:1', logger: null })), atMs: 0 },
      flows: [a, b, c], rejected: 0,
    };
    const sum = applyCheckpoint(ctl, cp, logged, 1e9, 1000);
    expect(sum).toEqual({ units: 2, flows: 3, advancedByLog: 1, rewoundByLog: 1, newFromLog: 1, notLogged: 1 });
    expect(ctl.unitIds()).toEqual([2, 3]);
    expect(started).toEqual([]);
    expect(ctl.flowletSeqValue).toBe(1100);

    const k = newFlowKey();
    const route = (x: CheckpointFlow) => {
      Object.assign(k, { proto: x.proto, srcIp: x.srcIp, srcPort: x.srcPort, dstIp: x.dstIp, dstPort: x.dstPort });
      return { ...ctl.route(k, 100, 1e9 + 1) };
    };
    const ra = route(a);
    expect({ clock: ra.clock, prevUnit: ra.prevUnit, newFlowlet: ra.newFlowlet }).toEqual({ clock: 13, prevUnit: 2, newFlowlet: true });
    expect(ra.flowletId).toBeGreaterThan(1100);
    expect(route(b).clock).toBe(4);
    const rc = route(c);
    expect({ clock: rc.clock, prevUnit: rc.prevUnit }).toEqual({ clock: 1, prevUnit: -1 });
    const rd = route(d);
    expect({ clock: rd.clock, prevUnit: rd.prevUnit }).toEqual({ clock: 3, prevUnit: 3 });
  });
});
