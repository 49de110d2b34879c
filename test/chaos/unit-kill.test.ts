/**
 * kill -9 of compute units under load (issue 8): NAT and QoS over the first packets of
 * smallFlows (9,000 packets at 2,000 pkt/s over 5 units) with a logger per unit (`memory`: the
 * paper's recovery from the dead unit's logger: a unit under the dead one's id restores its flows).
 * Ten units die at seeded random moments of one run (SNF_TEST_CHAOS_SEED to replay a failure;
 * the seed is in every failure message). After each run:
 *  - every flow's final state equals the no-failure reference (LocalRuntime);
 *  - no packet is released twice (the replayer sees each sequence number at most once);
 *  - every packet comes back; the only ones not carrying the NF's verdict are UNIT_LOST, and
 *    there are exactly as many as the gateway counted (logged but never released, or no copy left);
 *  - no held packet gave up waiting for its state (stateLost stays 0 in the recovery units).
 *
 * NAT included: its unit-local port table is rebuilt from the restored flows (the SDK's
 * stateArrived hook, functions/nat/handler.ts), so a successor under a dead unit's id hands out,
 * keeps and expires ports exactly as the dead unit would have.
 */
import { chaosTrace, describeRun, runChaos, type ChaosOptions } from './chaos-harness';

jest.setTimeout(480_000);

const SEED = Number(process.env.SNF_TEST_CHAOS_SEED ?? 20261203);

describe('kill -9 of units under load: recovery from their output loggers', () => {
  for (const nf of ['nat', 'qos']) {
    it(`${nf}: 10 units killed at seeded moments, state equals the reference`, async () => {
      // Kills wait for ready units, so a second round lands on the successors of the first: the
      // held packets can wait for two successive process starts (10–14 s each on a loaded box).
      const o: ChaosOptions = { nf, logger: 'memory', seed: SEED + (nf === 'nat' ? 0 : 1), kills: 10, victim: 'unit', trace: chaosTrace(9000), rate: 2000, units: 5, drainTimeoutMs: 60_000 };
      const r = await runChaos(o);
      const why = describeRun(o, r);
      expect({ killed: r.killed.length, why }).toEqual({ killed: 10, why });
      expect({ duplicates: r.result.duplicates, lost: r.result.lost, why }).toEqual({ duplicates: 0, lost: 0, why });
      const g = r.stats.gateway;
      expect({ unitLost: r.unitLost, why }).toEqual({ unitLost: g.loggedNotReleased + g.lostNoCopy + g.lostToDeadUnit, why });
      expect({ stateLost: r.units.stateLost, late: r.units.late, why }).toEqual({ stateLost: 0, late: 0, why });
      expect({ recovered: r.stats.recovery.unitsRecovered, gaveUp: r.stats.recovery.stateLostNoLog, why }).toEqual({ recovered: 10, gaveUp: 0, why });
      expect({ verdictDiffs: r.verdictDiffs, stateDiffs: r.stateDiffs.length, why }).toEqual({ verdictDiffs: 0, stateDiffs: 0, why });
    });
  }
});
