/**
 * A PACKETS frame whose packets all wait for their state (nothing drained) still answers with a
 * CREDIT carrying the new `held` count: the gateway's link backpressure counts held packets out
 * of the unit's queue only from CREDITs (gateway/units/unit-link.ts). Before, a CREDIT went only
 * with drained packets, so a unit holding a window's worth of packets looked full to the gateway
 * while it had nothing to run.
 */
import pino from 'pino';
import { ComputeUnit } from '../../../watchdog/compute-unit';
import { watchdogConfig } from '../../../watchdog/config';
import { lb } from '../../../functions/lb';
import { tcp } from '../../helpers/packets';
import { TestGateway, until } from './gateway-client';

const TOKEN = 'credit-token';

test('packets held for state are reported in a CREDIT with nothing drained', async () => {
  // Unit 2 is a peer this unit has no address for: flowlet 2 of the flow waits for a push.
  const u = new ComputeUnit<any, any>(lb as any, lb.config.parse(lb.defaultConfig), watchdogConfig({
    SNF_FUNCTION: 'lb', SNF_UNIT_ID: '1', SNF_TOKEN: TOKEN, SNF_WARMUP_PACKETS: '0',
  }), pino({ level: 'silent' }));
  await u.start();
  const g = await TestGateway.connect(u.dataPort, TOKEN);
  try {
    const pkt = (i: number) => tcp('10.0.0.1', 40000 + i, '10.0.1.1', 80, 0x10, 'x');
    g.send([0, 1, 2].map((i) => ({ flowletId: 10 + i, clock: 5, prevUnit: 2, targets: [], pkt: pkt(i) })));
    await until(() => g.credits > 0, 'a CREDIT for the held packets');
    expect({ drained: g.drained, held: g.held, egress: g.egress.length }).toEqual({ drained: 0, held: 3, egress: 0 });
    expect(u.proc.heldPackets).toBe(3);
  } finally {
    g.close();
    await u.stop();
  }
});
