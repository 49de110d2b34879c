/**
 * The gateway's alert path (see README.md in this folder): `createAlertHub` builds the hub and
 * its sink from the `--alerts` target.
 */
import { kafkaBrokersOf } from './brokers';
import { NullAlertSink, parseAlertsTarget, StreamAlertSink, type AlertSink } from './alert-sink';
import { AlertHub } from './alert-hub';
import { KafkaAlertSink } from './kafka-sink';

export { AlertHub } from './alert-hub';
export { parseAlertsTarget } from './alert-sink';

/**
 * `target`: stdout | file:<path> | kafka[:topic] | off ('' or undefined: kafka when KAFKA_BROKERS
 * is set, else stdout). Errors of the sink are passed to `onError` (rate-limited by the caller).
 */
export function createAlertHub(fn: string, target: string | undefined, env: NodeJS.ProcessEnv, onError: (err: unknown) => void): AlertHub {
  const t = parseAlertsTarget(target, env);
  let sink: AlertSink;
  if (t.kind === 'off') sink = new NullAlertSink();
  else if (t.kind === 'stdout') sink = new StreamAlertSink('stdout', process.stdout, false, onError);
  else if (t.kind === 'file') sink = StreamAlertSink.file(t.path, onError);
  else sink = new KafkaAlertSink({ brokers: kafkaBrokersOf(env), topic: t.topic, onError });
  return new AlertHub(fn, sink);
}
