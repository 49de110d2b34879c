/** Kafka bootstrap brokers from KAFKA_BROKERS (comma separated; default 127.0.0.1:9092). */
export function kafkaBrokersOf(env: NodeJS.ProcessEnv): string[] {
  const raw = (env.KAFKA_BROKERS ?? '').trim() || '127.0.0.1:9092';
  return raw.split(',').map((b) => b.trim()).filter((b) => b.length > 0);
}
