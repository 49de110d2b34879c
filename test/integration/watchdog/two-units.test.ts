/**
 * Two real compute units in-process, talking real gRPC (StatePeer) and real TCP (data plane).
 */
import pino from 'pino';
import * as grpc from '@grpc/grpc-js';
import { ComputeUnit } from '../../../watchdog/compute-unit';
import { watchdogConfig } from '../../../watchdog/config';
import { statePeerService } from '../../../proto/load';
import { LocalRuntime } from '../../../sdk/local-runtime';
import { Packet } from '../../../sdk/packet';
import { canonicalKey, flowKeyOf } from '../../../sdk/flow-key';
import { lb } from '../../../functions/lb';
import { countingNf } from '../../unit/watchdog/counting-nf';
import { tcp } from '../../helpers/packets';
import { TestGateway, until, type Send } from './gateway-client';

const TOKEN = 'test-token';
const log = pino({ level: 'silent' });
const A_ID = 1;
const B_ID = 2;

async function startPair<C, S>(nf: any, env: Record<string, string> = {}) {
  const mk = (id: number) => new ComputeUnit<C, S>(nf, nf.config.parse(nf.defaultConfig), watchdogConfig({
    SNF_FUNCTION: nf.name, SNF_UNIT_ID: String(id), SNF_TOKEN: TOKEN, SNF_IDLE_PUSH_US: '250', SNF_PULL_WAIT_MS: '200', ...env,
  }), log);
  const a = mk(A_ID);
  const b = mk(B_ID);
  await a.start();
  await b.start();
  a.peers.setAddress(B_ID, `127.0.0.1:${b.peerPort}`);
  b.peers.setAddress(A_ID, `127.0.0.1:${a.peerPort}`);
  return { a, b };
}

const flow = (i: number) => tcp('10.0.0.1', 40000, '10.0.1.1', 80, 0x10, `p${i}`);
const pk = (clock: number, flowletId: number, prevUnit: number, targets = [A_ID, B_ID]): Send => ({ flowletId, clock, prevUnit, targets, pkt: flow(clock) });

describe('two compute units (real gRPC + TCP)', () => {
  let units: ComputeUnit<any, any>[] = [];
  let gws: TestGateway[] = [];
  afterEach(async () => {
    for (const g of gws) g.close();
    for (const u of units) await u.stop();
    units = [];
    gws = [];
  });

  test('LB flow: A processes flowlet 1, pushes at T/2, B runs flowlet 2 seamlessly; same state as the reference run', async () => {
    const { a, b } = await startPair(lb);
    units = [a, b];
    const ga = await TestGateway.connect(a.dataPort, TOKEN);
    const gb = await TestGateway.connect(b.dataPort, TOKEN);
    gws = [ga, gb];
    ga.send([pk(1, 1, -1), pk(2, 1, A_ID), pk(3, 1, A_ID)]);
    await until(() => ga.egress.length === 3, 'A egress');
    await until(() => b.counters.pushFlowsApplied === 1, 'push from A to B');
    gb.send([pk(4, 2, A_ID), pk(5, 2, B_ID)]);
    await until(() => gb.egress.length === 2, 'B egress');
    expect(b.counters.seamless).toBe(1);
    expect(b.counters.waited).toBe(0);
    expect(b.counters.pullsSent).toBe(0);
    // reference: the same five packets through the single-process runtime
    const ref = new LocalRuntime(lb);
    const refOut = [1, 2, 3, 4, 5].map((i) => { const p = Packet.parse(Buffer.from(flow(i))); ref.process(p, 0); return p.buf.toString('hex'); });
    expect([...ga.egress, ...gb.egress].map((e) => e.bytes.toString('hex'))).toEqual(refOut);
    const key = canonicalKey(flowKeyOf(Packet.parse(flow(1))));
    expect(b.proc.store.get(key)!.value).toEqual(ref.state.get(key));
    expect(ga.drained + gb.drained).toBe(5);
  });

  test('no push yet: B holds and pulls from A, then processes', async () => {
    const { a, b } = await startPair(countingNf, { SNF_IDLE_PUSH_US: '60000000' });
    units = [a, b];
    const ga = await TestGateway.connect(a.dataPort, TOKEN);
    const gb = await TestGateway.connect(b.dataPort, TOKEN);
    gws = [ga, gb];
    ga.send([pk(1, 1, -1), pk(2, 1, A_ID)]);
    await until(() => ga.egress.length === 2, 'A egress');
    gb.send([pk(3, 2, A_ID)]);
    await until(() => gb.egress.length === 1, 'B egress');
    expect(gb.egress[0]!.bytes[1]).toBe(2); // TOS = count of packets before it
    expect(b.counters.waited).toBe(1);
    expect(b.counters.pulled).toBe(1);
    expect(a.counters.pullFlowsServed).toBe(1);
  });

  test('lingering packets at A after its push are reflected before B processes (paper §5.3)', async () => {
    const { a, b } = await startPair(countingNf);
    units = [a, b];
    const ga = await TestGateway.connect(a.dataPort, TOKEN);
    const gb = await TestGateway.connect(b.dataPort, TOKEN);
    gws = [ga, gb];
    // flowlet 1: clocks 1..3 at A; A goes idle and pushes state tagged 3 (= c-1 with c = 4)
    ga.send([pk(1, 1, -1), pk(2, 1, A_ID), pk(3, 1, A_ID)]);
    await until(() => b.counters.pushFlowsApplied === 1, 'first push');
    // B's first packet carries clock 5: lingering packet 4 is still on its way to A
    gb.send([pk(5, 2, A_ID)]);
    await until(() => b.counters.pullsSent === 1, 'B pulls');
    expect(gb.egress.length).toBe(0); // held: B's state (clock 3) is stale
    ga.send([pk(4, 1, A_ID)]); // the lingering packet finally reaches A
    await until(() => gb.egress.length === 1, 'B egress');
    expect(ga.egress.map((e) => e.bytes[1])).toEqual([0, 1, 2, 3]);
    expect(gb.egress[0]!.bytes[1]).toBe(4); // ran on state that includes packet 4
    expect(b.counters.stateLost).toBe(0);
    // A's later re-push (tagged 4) is stale at B, which is at 5 now
    await until(() => b.counters.pushFlowsStale + b.counters.pushFlowsApplied >= 2, 'second push', 3000).catch(() => undefined);
    const key = canonicalKey(flowKeyOf(Packet.parse(flow(1))));
    expect(b.proc.store.get(key)!.clock).toBe(5);
    expect(b.proc.store.get(key)!.value).toEqual({ n: 5 });
  });

  test('wrong or missing token: data plane closed and gRPC UNAUTHENTICATED, both counted', async () => {
    const { a, b } = await startPair(countingNf);
    units = [a, b];
    const bad = await TestGateway.connect(a.dataPort, 'wrong');
    gws = [bad];
    expect(bad.reply!.status).toBe(3);
    await until(() => bad.closed, 'connection closed');
    const Client = statePeerService().Client;
    const c: any = new Client(`127.0.0.1:${a.peerPort}`, grpc.credentials.createInsecure());
    const call = (md: grpc.Metadata) => new Promise<any>((resolve) => c.Pull({ fromUnit: 9, flows: [] }, md, (err: any, r: any) => resolve(err ?? r)));
    expect((await call(new grpc.Metadata())).code).toBe(grpc.status.UNAUTHENTICATED);
    const wrong = new grpc.Metadata();
    wrong.set('x-snf-token', 'nope');
    expect((await call(wrong)).code).toBe(grpc.status.UNAUTHENTICATED);
    const ok = new grpc.Metadata();
    ok.set('x-snf-token', TOKEN);
    expect(await call(ok)).toEqual({ flows: [], requestId: 0 });
    // malformed: a flow without a key
    const pushErr = await new Promise<any>((r) => c.Push({ fromUnit: 9, flows: [{ clock: 1 }] }, ok, (e: any) => r(e)));
    expect(pushErr.code).toBe(grpc.status.INVALID_ARGUMENT);
    // PullStream: refused without the token; with it, each answer carries its request id, and a
    // malformed request gets an empty answer (the requester fails that pull), counted.
    const refused = c.PullStream(new grpc.Metadata());
    const refusedErr = await new Promise<any>((r) => (refused.on('error', r), refused.on('data', () => undefined)));
    expect(refusedErr.code).toBe(grpc.status.UNAUTHENTICATED);
    const s = c.PullStream(ok);
    const answers: any[] = [];
    s.on('data', (m: any) => answers.push(m));
    s.on('error', () => undefined);
    s.write({ fromUnit: 9, flows: [], requestId: 7 });
    s.write({ fromUnit: 9, flows: [{ minClock: 1 }], requestId: 8 });
    await until(() => answers.length === 2, 'two PullStream answers');
    expect(answers.map((m) => [m.requestId, m.flows.length]).sort()).toEqual([[7, 0], [8, 0]]);
    s.end();
    c.close();
    expect(a.counters.authRefused).toBe(4);
    expect(a.counters.badRequests).toBe(2);
  });

  test('malformed frames are counted and the connection keeps serving', async () => {
    const { a, b } = await startPair(countingNf);
    units = [a, b];
    const g = await TestGateway.connect(a.dataPort, TOKEN);
    gws = [g];
    g.raw(Buffer.from('0900000100000002ffff', 'hex')); // type 9: unknown, 2-byte body → skipped
    g.send([pk(1, 1, -1)]);
    await until(() => g.egress.length === 1, 'egress after a bad frame');
    expect(a.counters.framesRejected).toBe(1);
    expect(g.closed).toBe(false);
  });

  test('undecodable protobuf bytes on StatePeer: the call fails, it is counted, the unit keeps serving', async () => {
    const { a, b } = await startPair(countingNf);
    units = [a, b];
    const client = new grpc.Client(`127.0.0.1:${a.peerPort}`, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${TOKEN}`);
    const raw = (x: Buffer) => x;
    // Field 2 (flows) as a length-delimited field whose length runs past the end.
    const garbage = Buffer.from('12ff01deadbeef', 'hex');
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.makeUnaryRequest('/snf.v1.StatePeer/Push', raw, raw, garbage, md, (e) => resolve(e)));
    expect(err).not.toBeNull();
    expect([grpc.status.INVALID_ARGUMENT, grpc.status.INTERNAL]).toContain(err!.code);
    expect(a.counters.badRequests).toBe(1);
    client.close();
    // A well-formed pull still works afterwards.
    const g = await TestGateway.connect(a.dataPort, TOKEN);
    gws = [g];
    g.send([pk(1, 1, -1)]);
    await until(() => g.egress.length === 1, 'egress after a bad protobuf');
  });
});
