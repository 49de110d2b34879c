/**
 * A unit started without an id (SNF_UNIT_ID=gateway, a Deployment's pod) learns it from the
 * gateway's handshake (ASSIGN_UNIT_ID, proto/data-plane.md §1), through the gateway's real
 * UnitLink; mismatches are clear errors, counted on both sides; a fixed-id unit keeps working.
 */
import * as net from 'net';
import pino from 'pino';
import { ComputeUnit } from '../../../watchdog/compute-unit';
import { UNIT_ID_FROM_GATEWAY, watchdogConfig } from '../../../watchdog/config';
import { createDataPlaneServer } from '../../../watchdog/data-plane-server';
import { newUnitCounters } from '../../../watchdog/runtime/counters';
import { HandshakeStatus } from '../../../proto/frames/handshake-v1';
import { FrameType } from '../../../proto/frames/constants';
import { UnitLink } from '../../../gateway/units/unit-link';
import { nat } from '../../../functions/nat';
import { tcp } from '../../helpers/packets';
import { TestGateway, until } from './gateway-client';

const TOKEN = 'test-token';
const log = pino({ level: 'silent' });

describe('unit ids assigned by the gateway', () => {
  const units: ComputeUnit<any, any>[] = [];
  const links: UnitLink[] = [];
  const servers: net.Server[] = [];
  const mk = async (id: string) => {
    const u = new ComputeUnit<any, any>(nat, nat.config.parse(nat.defaultConfig), watchdogConfig({
      SNF_FUNCTION: 'nat', SNF_UNIT_ID: id, SNF_TOKEN: TOKEN, SNF_MAX_UNITS: '4',
    }), log);
    units.push(u);
    await u.start();
    return u;
  };
  const link = (unit: number, egress: number[] = []) => {
    const l = new UnitLink(unit, TOKEN, { onFrame: (_l, type, count) => void (type === FrameType.EGRESS_V2 && egress.push(count)), onClose: () => undefined });
    links.push(l);
    return l;
  };
  afterAll(async () => {
    for (const l of links) l.close();
    for (const u of units) await u.stop();
    for (const s of servers) s.close();
  });

  it('takes the id of the first gateway handshake, runs the NF under it, refuses another', async () => {
    const u = await mk('gateway');
    expect(u.unitId).toBe(UNIT_ID_FROM_GATEWAY);
    const egress: number[] = [];
    const l = link(3, egress);
    await l.connect('127.0.0.1', u.dataPort);
    expect(u.unitId).toBe(3);
    // Packets flow (NAT: the NF was created with {id: 3, maxUnits: 4}: its port slice).
    const pkt = tcp('10.0.0.1', 40000, '8.8.8.8', 80, 0x02, 'x');
    l.add(1, 1, -1, [], 0, 0, pkt, 0, pkt.length);
    l.flush();
    await until(() => egress.length > 0, 'egress from the assigned unit');
    // A second gateway assigning another id is refused: WRONG_UNIT_ID, counted on both sides.
    const other = link(2);
    await expect(other.connect('127.0.0.1', u.dataPort)).rejects.toThrow(/unit 2 at 127\.0\.0\.1:\d+: the unit runs under another unit id/);
    expect(other.counters.unitIdRefused).toBe(1);
    expect(u.counters.unitIdRefused).toBe(1);
    // The same id again is fine (a reconnect, a restarted gateway).
    await link(3).connect('127.0.0.1', u.dataPort);
  });

  it('refuses a gateway that assigns nothing (NO_UNIT_ID) or an id beyond max units', async () => {
    const u = await mk('gateway');
    const g = await TestGateway.connect(u.dataPort, TOKEN);
    expect(g.reply!.status).toBe(HandshakeStatus.NO_UNIT_ID);
    await expect(link(5).connect('127.0.0.1', u.dataPort)).rejects.toThrow(/cannot take this one \(WRONG_UNIT_ID\)/);
    expect(u.counters.unitIdRefused).toBe(2);
    expect(u.unitId).toBe(UNIT_ID_FROM_GATEWAY);
    await link(4).connect('127.0.0.1', u.dataPort);
    expect(u.unitId).toBe(4);
  });

  it('a fixed-id unit takes its own id only; a unit predating the flag that answers with another id is a clear error', async () => {
    const fixed = await mk('2');
    await link(2).connect('127.0.0.1', fixed.dataPort);
    await expect(link(1).connect('127.0.0.1', fixed.dataPort)).rejects.toThrow(/WRONG_UNIT_ID/);
    // An acceptor without the admit hook ignores the flag and answers with its own id (7).
    const old = createDataPlaneServer({ unitId: 7, token: TOKEN }, { onFrame: () => undefined, onClose: () => undefined }, newUnitCounters(), log);
    servers.push(old);
    await new Promise<void>((r) => old.listen(0, '127.0.0.1', () => r()));
    const l = link(1);
    await expect(l.connect('127.0.0.1', (old.address() as net.AddressInfo).port)).rejects.toThrow(/answered as unit 7, but the gateway assigned it 1/);
    expect(l.counters.unitIdRefused).toBe(1);
  });
});
