// Real Kafka (scripts/services.sh starts a KRaft broker): an idempotent producer's keyed
// messages come back from a fresh consumer group exactly, and in order.
import { Admin, Consumer, Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';
import { kafkaBrokers, uniqueName, waitFor } from '../../helpers/services';

jest.setTimeout(90_000);
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

interface Received {
  partition: number;
  offset: string;
  key: string;
  value: string;
  header: string;
}

const kafka = new Kafka({
  clientId: 'snf-test-kafka',
  brokers: kafkaBrokers(),
  logLevel: logLevel.ERROR,
  connectionTimeout: 5000,
  retry: { retries: 8, initialRetryTime: 200 },
});

async function consumeAll(topic: string, expected: number): Promise<Received[]> {
  const received: Received[] = [];
  const consumer: Consumer = kafka.consumer({
    groupId: uniqueName('snf-test-group'),
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 200,
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
        received.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          header: message.headers?.seq?.toString() ?? '',
        });
      },
    });
    await waitFor(() => received.length >= expected, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: `${expected} messages on ${topic} (got ${received.length})`,
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

describe('kafka service', () => {
  let admin: Admin;
  let producer: Producer;
  const topics: string[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    if (admin) {
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  async function freshTopic(partitions: number): Promise<string> {
    const topic = uniqueName('snf-test-topic');
    topics.push(topic);
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
    return topic;
  }

  it('delivers N keyed messages from an idempotent producer to a fresh group, in order, exactly', async () => {
    const topic = await freshTopic(1);
    const n = 300;
    const sent = Array.from({ length: n }, (_, i) => ({
      key: `flow-${i % 17}`,
      value: `packet-${i}-${'x'.repeat(i % 50)}`,
      headers: { seq: String(i) },
    }));
    // Three batches: ordering must hold across produce requests too, not only inside one.
    for (let i = 0; i < n; i += 100) {
      const meta = await producer.send({ topic, acks: -1, messages: sent.slice(i, i + 100) });
      expect(meta).toHaveLength(1);
      expect(meta[0]!.errorCode).toBe(0);
    }
    const received = await consumeAll(topic, n);
    expect(received).toHaveLength(n);
    expect(received.map((r) => r.offset)).toEqual(sent.map((_, i) => String(i)));
    expect(received.map((r) => ({ key: r.key, value: r.value, headers: { seq: r.header } }))).toEqual(sent);
  });

  it('keeps every key on one partition and its messages in send order across 3 partitions', async () => {
    const topic = await freshTopic(3);
    const keys = ['10.0.0.1:80', '10.0.0.2:443', '192.168.1.9:53', '172.16.0.4:22', '10.9.8.7:8080'];
    const n = 250;
    const sent = Array.from({ length: n }, (_, i) => ({
      key: keys[i % keys.length]!,
      value: `seq-${i}`,
      headers: { seq: String(i) },
    }));
    await producer.send({ topic, acks: -1, messages: sent });
    const received = await consumeAll(topic, n);
    expect(received).toHaveLength(n);
    for (const k of keys) {
      const mine = received.filter((r) => r.key === k);
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
      expect(mine.map((r) => r.value)).toEqual(sent.filter((m) => m.key === k).map((m) => m.value));
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    expect(total).toBe(n);
  });
});
