/**
 * The durable half of the output logger: records appended to the function's log topic
 * (`snf-log-<function>`, created compacted: the newest record of a flow is a complete snapshot,
 * proto/frames/log-record-v1.ts), and the whole topic read back to rebuild a mirror.
 *
 * kafkajs idempotent producer, acks = all (−1), one send in flight (idempotence needs it); records
 * appended while a send is in flight join the next batch. `append` returns the promise of the batch
 * the records joined: `strict` releases a frame's packets when it resolves, `fast` ignores it.
 *
 * Broker away (stopped, restarting, unreachable): a batch whose send failed (after kafkajs's own
 * retries) is counted (`kafkaErrors`) and sent again after a backoff (200 ms doubling to 5 s),
 * ahead of everything appended since, so order and completeness hold; a record that reached the
 * broker before its ack was lost may be written twice, which is harmless (records are absolute
 * and the topic is compacted). What waits is bounded: past `maxBufferedRecords` (200,000) new
 * records are dropped and counted (`kafkaDropped`) — in `fast` only, since `strict` stops reading
 * its unit long before (output-logger.ts); a dropped record's flow is whole again in Kafka at its
 * next record (each carries the whole value).
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
  /** Records not buffered because the broker was away too long (fast only). */
  kafkaDropped: number;
  /** Records waiting for the broker now. */
  kafkaBuffered: number;
}

interface Batch { msgs: Array<{ key: Buffer; value: Buffer }>; promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void }

const RETRY_MS = 200;
const MAX_RETRY_MS = 5000;
const DROPPED: Promise<void> = Promise.reject(new Error('kafka log buffer full'));
DROPPED.catch(() => undefined);

export function logTopic(fn: string): string {
  return `snf-log-${fn}`;
}

export class KafkaLog {
  readonly counters: KafkaLogCounters = { kafkaRecords: 0, kafkaBatches: 0, kafkaAcked: 0, kafkaErrors: 0, kafkaReplayed: 0, kafkaReplayRejected: 0, kafkaDropped: 0, kafkaBuffered: 0 };
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  /** Batches not yet acknowledged, oldest first; the last one takes appends unless it is being sent. */
  private readonly queue: Batch[] = [];
  private next: Batch | null = null;
  private sending = false;
  private closed = false;

  constructor(
    brokers: string[], readonly topic: string, clientId: string, private readonly onError: (err: unknown) => void,
    private readonly maxBufferedRecords = 200_000,
  ) {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
    this.kafka = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 5, initialRetryTime: 100 } });
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  /** Resolves when the producer is connected and the topic exists. */
  private connected: Promise<void> | null = null;

  /**
   * Creates the topic (compacted) if missing and connects the producer, in the background and
   * again until it works: a logger (and so its unit) comes up while the broker is away; what it
   * appends meanwhile waits in the buffer.
   */
  start(): Promise<void> {
    this.connected = this.connectLoop();
    this.connected.catch(() => undefined);
    return Promise.resolve();
  }

  private async connectLoop(): Promise<void> {
    for (let backoff = RETRY_MS; !this.closed; backoff = Math.min(backoff * 2, MAX_RETRY_MS)) {
      try {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          await ensureTopic(admin, this.topic);
        } finally {
          await admin.disconnect();
        }
        await this.producer.connect();
        return;
      } catch (err) {
        this.counters.kafkaErrors++;
        this.onError(err);
        await new Promise((r) => setTimeout(r, backoff).unref());
      }
    }
    throw new Error('kafka log closed');
  }

  /** Queue records; resolves when the broker acknowledged the batch they joined. */
  append(msgs: ReadonlyArray<{ key: Buffer; value: Buffer }>): Promise<void> {
    if (this.counters.kafkaBuffered + msgs.length > this.maxBufferedRecords) {
      this.counters.kafkaDropped += msgs.length;
      return DROPPED;
    }
    let b = this.next;
    if (b === null) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      promise.catch(() => undefined); // fast mode never awaits: the failure is counted in send()
      b = this.next = { msgs: [], promise, resolve, reject };
      this.queue.push(b);
    }
    for (const m of msgs) b.msgs.push(m);
    this.counters.kafkaRecords += msgs.length;
    this.counters.kafkaBuffered += msgs.length;
    if (!this.sending) setImmediate(() => void this.pump());
    return b.promise;
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      if (this.connected !== null) await this.connected.catch(() => undefined);
      let backoff = RETRY_MS;
      while (this.queue.length > 0 && !this.closed) {
        const b = this.queue[0]!;
        if (this.next === b) this.next = null; // sealed: later appends start the next batch
        this.counters.kafkaBatches++;
        try {
          await this.producer.send({ topic: this.topic, acks: -1, messages: b.msgs });
          this.queue.shift();
          this.counters.kafkaAcked += b.msgs.length;
          this.counters.kafkaBuffered -= b.msgs.length;
          backoff = RETRY_MS;
          b.resolve();
        } catch (err) {
          this.counters.kafkaErrors++;
          this.onError(err);
          await new Promise((r) => setTimeout(r, backoff).unref());
          backoff = Math.min(backoff * 2, MAX_RETRY_MS);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Waits until everything appended so far was sent (or failed). */
  async drain(): Promise<void> {
    while ((this.queue.length > 0 || this.sending) && !this.closed) {
      const b = this.queue[this.queue.length - 1];
      if (b !== undefined) await b.promise.catch(() => undefined);
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

  /** Sends what is buffered (for up to `drainMs` when the broker is away), then disconnects. */
  async close(drainMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.drain(), new Promise((r) => (timer = setTimeout(r, drainMs)))]);
    clearTimeout(timer);
    this.closed = true;
    for (const b of this.queue.splice(0)) b.reject(new Error('kafka log closed'));
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
