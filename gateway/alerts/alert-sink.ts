/**
 * Where alert lines go: `--alerts stdout | file:<path> | kafka[:topic] | off`. Default (CLI):
 * kafka when KAFKA_BROKERS is set, else stdout. A sink never throws into the gateway: failures
 * are counted (`failed`) and reported through `onError`.
 */
import * as fs from 'fs';
import { ConfigError } from '../../sdk/errors';

export interface AlertSinkCounters {
  /** Lines handed to the sink. */
  written: number;
  /** Lines the sink could not deliver (write error, broker down). */
  failed: number;
  /** Delivery attempts that failed (Kafka batches, file errors). */
  errors: number;
}

export interface AlertSink {
  readonly kind: string;
  readonly counters: AlertSinkCounters;
  /** One JSON line (no newline). `key` (the flow) keeps a flow's alerts in order where it matters (Kafka partitions). */
  write(line: string, key?: string): void;
  /** Deliver what is buffered, then release resources. Never rejects. */
  close(): Promise<void>;
}

export type AlertsTarget =
  | { kind: 'off' }
  | { kind: 'stdout' }
  | { kind: 'file'; path: string }
  | { kind: 'kafka'; topic: string };

export const DEFAULT_ALERTS_TOPIC = 'snf-alerts';

/** Parses the `--alerts` value; '' or undefined → the default for `env`. */
export function parseAlertsTarget(v: string | undefined, env: NodeJS.ProcessEnv = process.env): AlertsTarget {
  const s = v ?? '';
  if (s === '') return env.KAFKA_BROKERS ? { kind: 'kafka', topic: DEFAULT_ALERTS_TOPIC } : { kind: 'stdout' };
  if (s === 'off' || s === 'stdout') return { kind: s };
  if (s.startsWith('file:') && s.length > 5) return { kind: 'file', path: s.slice(5) };
  if (s === 'kafka') return { kind: 'kafka', topic: DEFAULT_ALERTS_TOPIC };
  if (s.startsWith('kafka:') && /^[A-Za-z0-9._-]{1,249}$/.test(s.slice(6))) return { kind: 'kafka', topic: s.slice(6) };
  throw new ConfigError('alerts', `expected stdout | file:<path> | kafka[:topic] | off, got '${s}'`);
}

const newCounters = (): AlertSinkCounters => ({ written: 0, failed: 0, errors: 0 });

export class NullAlertSink implements AlertSink {
  readonly kind = 'off';
  readonly counters = newCounters();
  write(): void {}
  async close(): Promise<void> {}
}

/** JSON lines to a stream (stdout, or a file opened for append). */
export class StreamAlertSink implements AlertSink {
  readonly counters = newCounters();
  private broken = false;

  constructor(readonly kind: string, private readonly out: NodeJS.WritableStream, private readonly owned: boolean, onError: (err: unknown) => void) {
    out.on('error', (err) => {
      this.counters.errors++;
      this.broken = true;
      onError(err);
    });
  }

  static file(path: string, onError: (err: unknown) => void): StreamAlertSink {
    return new StreamAlertSink('file', fs.createWriteStream(path, { flags: 'a' }), true, onError);
  }

  write(line: string): void {
    this.counters.written++;
    if (this.broken) {
      this.counters.failed++;
      return;
    }
    this.out.write(`${line}\n`);
  }

  async close(): Promise<void> {
    if (!this.owned || this.broken) return;
    await new Promise<void>((r) => this.out.end(() => r()));
  }
}
