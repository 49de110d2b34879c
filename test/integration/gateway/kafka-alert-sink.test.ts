// Real Kafka: alert lines written to the KafkaAlertSink arrive on the topic, keyed by flow, in
// order per key; a sink whose broker does not answer counts the failure and never throws.
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { KafkaAlertSink } from '../../../gateway/alerts/kafka-sink';
import { kafkaBrokers, uniqueName, waitFor } from '../../helpers/services';

jest.setTimeout(90_000);
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const kafka = new Kafka({ clientId: 'snf-test-alerts', brokers: kafkaBrokers(), logLevel: logLevel.ERROR, retry: { retries: 8, initialRetryTime: 200 } });

test('alert lines reach the topic, per-flow order kept', async () => {
  const topic = uniqueName('snf-test-alerts');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const errors: unknown[] = [];
  const sink = new KafkaAlertSink({ brokers: kafkaBrokers(), topic, flushMs: 20, batchLines: 7, onError: (e) => errors.push(e) });
  const sent: Array<{ key: string; value: string }> = [];
  for (let i = 0; i < 50; i++) {
    const key = `flow-${i % 4}`;
    const value = JSON.stringify({ event_type: 'alert', n: i });
    sent.push({ key, value });
    sink.write(value, key);
  }
  await sink.close();
  expect(errors).toEqual([]);
  expect(sink.delivered).toBe(50);
  expect(sink.counters).toEqual({ written: 50, failed: 0, errors: 0 });

  const got: Array<{ key: string; value: string }> = [];
  const consumer = kafka.consumer({ groupId: uniqueName('snf-test-alerts-group'), maxWaitTimeInMs: 200 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }: { message: KafkaMessage }) => void got.push({ key: message.key!.toString(), value: message.value!.toString() }) });
    await waitFor(() => got.length >= 50, { timeoutMs: 60_000, what: `50 alert lines on ${topic} (got ${got.length})` });
  } finally {
    await consumer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  const byKey = (xs: typeof sent) => Object.fromEntries(['flow-0', 'flow-1', 'flow-2', 'flow-3'].map((k) => [k, xs.filter((x) => x.key === k).map((x) => x.value)]));
  expect(byKey(got)).toEqual(byKey(sent));
});

test('a broker that does not answer: counted and reported, never thrown', async () => {
  const errors: unknown[] = [];
  const sink = new KafkaAlertSink({ brokers: ['127.0.0.1:1'], topic: 'nowhere', flushMs: 10_000, onError: (e) => errors.push(e) });
  sink.write('{"event_type":"alert"}', 'k');
  sink.write('{"event_type":"alert"}', 'k');
  await expect(sink.close()).resolves.toBeUndefined();
  expect(sink.counters).toMatchObject({ written: 2, failed: 2, errors: 1 });
  expect(errors).toHaveLength(1);
  expect(sink.delivered).toBe(0);
});
