/**
 * The durable half of the output logger: records appended to the function's log topic
 * (`snf-log-<function>`, created compacted: the newest record of a flow is a complete snapshot,
 * proto/frames/log-record-v1.ts), and the whole topic read back to rebuild a mirror.
 *
 * kafkajs idempotent producer, acks = all (−1), one send in flight (idempotence needs it); records
 * appended while a send is in flight join the next batch. `append` returns the promise of the batch
 * the records joined: `strict` releases a frame's packets when it resolves, `fast` ignores it (a
 * failed batch is counted and logged either way; `strict` keeps the packets until a retry succeeds).
 */
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { newLogRecord, readLogRecord } from '../../proto/frames/log-record-v1';
import type { Mirror } from './mirror';

export interface KafkaLogCounters {
  kafkaRecords: number;
  kafkaBatches: number;
  kafkaAcked: number;
  kafkaErrors: number;
  kafkaReplayed: number;
  kafkaReplayRejected: number;
}

interface Batch { msgs: Array<{ key: Buffer; value: Buffer }>; promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void }

export function logTopic(fn: string): string {
  return `snf-log-${fn}`;
}

export class KafkaLog {
  readonly counters: KafkaLogCounters = { kafkaRecords: 0, kafkaBatches: 0, kafkaAcked: 0, kafkaErrors: 0, kafkaReplayed: 0, kafkaReplayRejected: 0 };
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private next: Batch | null = null;
  private sending = false;
  private closed = false;

  constructor(brokers: string[], readonly topic: string, clientId: string, private readonly onError: (err: unknown) => void) {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
    this.kafka = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 5, initialRetryTime: 100 } });
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  /** Creates the topic (compacted) if missing and connects the producer. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopic(admin, this.topic);
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
  }

  /** Queue records; resolves when the broker acknowledged the batch they joined. */
  append(msgs: ReadonlyArray<{ key: Buffer; value: Buffer }>): Promise<void> {
    let b = this.next;
    if (b === null) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      promise.catch(() => undefined); // fast mode never awaits: the failure is counted in send()
      b = this.next = { msgs: [], promise, resolve, reject };
    }
    for (const m of msgs) b.msgs.push(m);
    this.counters.kafkaRecords += msgs.length;
    if (!this.sending) setImmediate(() => void this.pump());
    return b.promise;
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.next !== null && !this.closed) {
        const b = this.next;
        this.next = null;
        this.counters.kafkaBatches++;
        try {
          await this.producer.send({ topic: this.topic, acks: -1, messages: b.msgs });
          this.counters.kafkaAcked += b.msgs.length;
          b.resolve();
        } catch (err) {
          this.counters.kafkaErrors++;
          this.onError(err);
          b.reject(err);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Waits until everything appended so far was sent (or failed). */
  async drain(): Promise<void> {
    while (this.next !== null || this.sending) {
      const b = this.next;
      if (b !== null) await b.promise.catch(() => undefined);
      else await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Reads the topic from the beginning to its current end into `mirror` (newest clock per flow
   * wins; undecodable records counted and skipped). Returns the records read.
   */
  async replayInto(mirror: Mirror, groupSuffix: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      await ensureTopic(admin, this.topic);
      const offs = await admin.fetchTopicOffsets(this.topic);
      ends = new Map(offs.map((o) => [o.partition, BigInt(o.high)]));
    } finally {
      await admin.disconnect();
    }
    const todo = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
    if (todo.size === 0) return 0;
    const consumer = this.kafka.consumer({ groupId: `snf-log-replay-${groupSuffix}`, maxWaitTimeInMs: 50 });
    const r = newLogRecord();
    let n = 0;
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const v = m.value;
              if (v === null || typeof readLogRecord(v, 0, v.length, r) === 'string') this.counters.kafkaReplayRejected++;
              else mirror.apply(r);
              n++;
              this.counters.kafkaReplayed++;
              if (BigInt(m.offset) + 1n >= ends.get(batch.partition)!) todo.delete(batch.partition);
            }
            if (todo.size === 0) resolve();
          },
        }).catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return n;
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
    await this.producer.disconnect().catch(() => undefined);
  }
}

async function ensureTopic(admin: Admin, topic: string): Promise<void> {
  const have = await admin.listTopics();
  if (have.includes(topic)) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 4, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
  }).catch((err: unknown) => {
    // Another logger of the same function created it first.
    if (!String(err).includes('already exists')) throw err;
  });
}
