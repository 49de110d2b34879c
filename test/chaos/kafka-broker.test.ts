/**
 * The Kafka broker stopped and started again mid-run (issue 8), in `kafka:strict` and
 * `kafka:fast`, against a broker of the test's own (own-kafka.ts: free ports, its own data; the
 * shared broker is never touched). QoS over smallFlows (6,000 packets at 1,500 pkt/s, 2 units),
 * the broker stopped (SIGTERM) 1 s into the replay and started again at once (its restart takes
 * seconds on this box). Checks:
 *  - nothing lost, nothing released twice; every flow's final state and verdict equal the
 *    no-failure reference; no logger record dropped (`logKafkaDropped` 0);
 *  - the log is complete: once the broker is back and the loggers' buffers are empty
 *    (`logKafkaBuffered` 0), the topic, replayed into a mirror, holds every flow's final state (the
 *    loggers re-sent what failed while the broker was away);
 *  - `fast` kept releasing while the broker was away; `strict` released nothing whose record was
 *    not acknowledged (held frames wait; counted in the figures printed).
 */
import { getFunction } from '../../functions';
import type { Gateway } from '../../gateway/gateway';
import type { LoggerMode } from '../../gateway/options';
import { canonicalKey } from '../../sdk/flow-key';
import type { NetworkFunction } from '../../sdk/types';
import { KafkaLog, logTopic } from '../../watchdog/logger/kafka-log';
import { Mirror } from '../../watchdog/logger/mirror';
import { runReference } from '../e2e/live/live-harness';
import { chaosTrace, comparable, describeRun, runChaos, type ChaosOptions } from './chaos-harness';
import { startOwnKafka, type OwnKafka } from './own-kafka';

jest.setTimeout(600_000);

const SEED = Number(process.env.SNF_TEST_CHAOS_SEED ?? 20261207);

describe('Kafka broker stopped and restarted mid-run: the loggers buffer and retry', () => {
  for (const mode of ['kafka:strict', 'kafka:fast'] as LoggerMode[]) {
    it(`${mode}: nothing lost or duplicated, the topic complete afterwards`, async () => {
      const k: OwnKafka = await startOwnKafka();
      const saved = process.env.KAFKA_BROKERS;
      process.env.KAFKA_BROKERS = k.brokers;
      let gw: Gateway | null = null;
      let outage: Promise<{ downMs: number; releasedWhileDown: number }> | null = null;
      try {
        const o: ChaosOptions = {
          nf: 'qos', logger: mode, seed: SEED, kills: 0, victim: 'unit', trace: chaosTrace(6000), rate: 1500, units: 2, drainTimeoutMs: 180_000,
          // fast may finish the replay while the broker is still away: wait for it and for the loggers' buffers to empty.
          beforeStop: async (g) => {
            await outage;
            const until = Date.now() + 120_000;
            while ((await g.unitTotals()).logKafkaBuffered !== 0) {
              if (Date.now() > until) throw new Error('loggers still buffering for Kafka after 120 s');
              await new Promise((r) => setTimeout(r, 100));
            }
          },
          onStarted: (g) => {
            gw = g;
            outage = new Promise((resolve, reject) => setTimeout(() => {
              const before = g.counters.egress;
              const t0 = Date.now();
              k.stop().then(() => {
                const releasedWhileDown = g.counters.egress - before;
                return k.start().then(() => resolve({ downMs: Date.now() - t0, releasedWhileDown }));
              }).catch(reject);
            }, 1000));
          },
        };
        const r = await runChaos(o);
        const out = await outage!;
        const why = { ...JSON.parse(describeRun(o, r)), outage: out, log: { errors: r.units.logKafkaErrors, retries: r.units.logKafkaRetries, dropped: r.units.logKafkaDropped, held: r.units.logHeld } };
        process.stderr.write(`kafka broker restart (${mode}): ${JSON.stringify(why)}\n`);
        expect({ duplicates: r.result.duplicates, lost: r.result.lost, unitLost: r.unitLost, why }).toEqual({ duplicates: 0, lost: 0, unitLost: 0, why });
        expect({ stateDiffs: r.stateDiffs.length, verdictDiffs: r.verdictDiffs, dropped: r.units.logKafkaDropped ?? 0, why }).toEqual({ stateDiffs: 0, verdictDiffs: 0, dropped: 0, why });
        if (mode === 'kafka:fast') expect({ releasedWhileDown: out.releasedWhileDown > 0, why }).toEqual({ releasedWhileDown: true, why });

        // The topic holds every flow's final state.
        const nf = getFunction('qos') as NetworkFunction<unknown, unknown>;
        const log = new KafkaLog([k.brokers], `${logTopic('qos')}.${(gw as Gateway | null)!.runId}`, 'chaos-kafka-check', () => undefined);
        const mirror = new Mirror();
        await log.replayInto(mirror, `check-${Date.now()}`);
        await log.close();
        const keys = r.result.flows.keys;
        const ref = runReference('qos', o.trace, keys);
        const missing = keys.map((key, i) => ({ i, c: canonicalKey(key) })).filter(({ i, c }) => {
          const e = mirror.lookup(c.proto, c.srcIp >>> 0, c.srcPort, c.dstIp >>> 0, c.dstPort);
          const v = e === undefined || !e.present ? undefined : nf.stateCodec.decode(e.value);
          return comparable('qos', v) !== comparable('qos', ref.state[i]);
        });
        expect({ flowsNotInKafka: missing.length, of: keys.length, why }).toEqual({ flowsNotInKafka: 0, of: keys.length, why });
      } finally {
        if (saved === undefined) delete process.env.KAFKA_BROKERS;
        else process.env.KAFKA_BROKERS = saved;
        await (outage as Promise<unknown> | null)?.catch(() => undefined);
        await k.destroy();
      }
    });
  }
});
