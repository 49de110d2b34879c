/**
 * Alert lines to a Kafka topic (kafkajs, idempotent producer). Lines are buffered and sent in
 * batches (every `flushMs` or `batchLines`, one send in flight at a time), keyed by flow so one
 * flow's alerts keep their order in one partition. The broker being down never reaches the
 * gateway: a failed batch is counted (`errors` once, `failed` per line) and logged; the buffer is
 * bounded (`maxBufferedLines`, the excess counted as failed).
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { AlertSink, AlertSinkCounters } from './alert-sink';

export interface KafkaSinkOptions {
  brokers: string[];
  topic: string;
  clientId?: string;
  flushMs?: number;
  batchLines?: number;
  maxBufferedLines?: number;
  onError(err: unknown): void;
}

export class KafkaAlertSink implements AlertSink {
  readonly kind = 'kafka';
  readonly counters: AlertSinkCounters = { written: 0, failed: 0, errors: 0 };
  /** Lines the broker acknowledged. */
  delivered = 0;
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;
  private buf: Array<{ key: string | null; value: string }> = [];
  private sending: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly o: KafkaSinkOptions) {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
    const kafka = new Kafka({
      clientId: o.clientId ?? 'snf-gateway-alerts', brokers: o.brokers, logLevel: logLevel.NOTHING,
      connectionTimeout: 3000, retry: { retries: 3, initialRetryTime: 200 },
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
    this.timer = setInterval(() => void this.flush(), o.flushMs ?? 100);
    this.timer.unref();
  }

  write(line: string, key?: string): void {
    this.counters.written++;
    if (this.closed || this.buf.length >= (this.o.maxBufferedLines ?? 100_000)) {
      this.counters.failed++;
      return;
    }
    this.buf.push({ key: key ?? null, value: line });
    if (this.buf.length >= (this.o.batchLines ?? 500)) void this.flush();
  }

  /** Send what is buffered (waits for a send already in flight first). Never rejects. */
  async flush(): Promise<void> {
    while (this.sending !== null) await this.sending;
    if (this.buf.length === 0) return;
    const batch = this.buf;
    this.buf = [];
    this.sending = this.send(batch).finally(() => (this.sending = null));
    await this.sending;
  }

  private async send(batch: Array<{ key: string | null; value: string }>): Promise<void> {
    try {
      this.connected ??= this.producer.connect();
      await this.connected;
      await this.producer.send({ topic: this.o.topic, messages: batch });
      this.delivered += batch.length;
    } catch (err) {
      this.connected = null; // reconnect on the next batch
      this.counters.errors++;
      this.counters.failed += batch.length;
      this.o.onError(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    await this.producer.disconnect().catch(() => undefined);
  }
}
