/**
 * kill -9 of output loggers under load (issue 8), against the real Kafka broker for `strict`:
 *  - a logger alone (memory mode): the gateway starts a replacement, the unit reconnects (LOGGER
 *    frame) and rebuilds it from its live state. Packets in flight through the dead logger are
 *    lost like on the network (released as UNIT_LOST, counted `lostToDeadLogger`), their effect
 *    kept; so outputs may be missing but every flow's final state still equals the reference and
 *    no packet is released twice.
 *  - a unit and its logger together (`kafka:strict`): a logger rebuilt from Kafka (compacted
 *    topic, newest record per flow) takes the id, then a unit under it restores from that logger.
 *    Nothing released is lost: every flow's state equals the reference; the only packets not
 *    carrying the NF's verdict are UNIT_LOST ones the gateway counted.
 * Seeds: SNF_TEST_CHAOS_SEED (printed in every failure message).
 */
import { chaosTrace, describeRun, runChaos, type ChaosOptions } from './chaos-harness';

jest.setTimeout(300_000);

const SEED = Number(process.env.SNF_TEST_CHAOS_SEED ?? 20261203);

describe('kill -9 of output loggers under load', () => {
  it('qos: loggers killed alone are replaced and rebuilt from their units', async () => {
    const o: ChaosOptions = { nf: 'qos', logger: 'memory', seed: SEED + 10, kills: 3, victim: 'logger', trace: chaosTrace(6000), rate: 2000, units: 3 };
    const r = await runChaos(o);
    const why = describeRun(o, r);
    expect({ killed: r.killed.length, replaced: r.stats.recovery.loggersReplaced, why }).toEqual({ killed: 3, replaced: 3, why });
    expect({ duplicates: r.result.duplicates, lost: r.result.lost, why }).toEqual({ duplicates: 0, lost: 0, why });
    expect({ unitLost: r.unitLost, why }).toEqual({ unitLost: r.stats.recovery.lostToDeadLogger, why });
    expect({ stateDiffs: r.stateDiffs.length, stateLost: r.units.stateLost, why }).toEqual({ stateDiffs: 0, stateLost: 0, why });
  });

  it('qos, kafka:strict: a unit and its logger killed together are rebuilt from Kafka', async () => {
    const o: ChaosOptions = { nf: 'qos', logger: 'kafka:strict', seed: SEED + 20, kills: 2, victim: 'both', trace: chaosTrace(6000), rate: 2000, units: 3 };
    const r = await runChaos(o);
    const why = describeRun(o, r);
    const g = r.stats.gateway;
    expect({ killed: r.killed.length, rebuilt: r.stats.recovery.rebuiltFromKafka, recovered: r.stats.recovery.unitsRecovered, why }).toEqual({ killed: 2, rebuilt: 2, recovered: 2, why });
    expect({ duplicates: r.result.duplicates, lost: r.result.lost, why }).toEqual({ duplicates: 0, lost: 0, why });
    expect({ unitLost: r.unitLost, why }).toEqual({ unitLost: g.loggedNotReleased + g.lostNoCopy, why });
    expect({ verdictDiffs: r.verdictDiffs, stateDiffs: r.stateDiffs.length, stateLost: r.units.stateLost, why }).toEqual({ verdictDiffs: 0, stateDiffs: 0, stateLost: 0, why });
  });
});
