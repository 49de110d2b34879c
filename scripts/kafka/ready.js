#!/usr/bin/env node
// Exits 0 once the broker at $KAFKA_BROKERS is usable by a real client: metadata lists a
// registered broker, topics can be listed and a group coordinator answers. An open port alone
// is not enough: a KRaft broker listens before it has caught up with its controller, and on a
// fresh broker the first consumer group waits for __consumer_offsets to be created, which
// describeGroups triggers here so the tests' first consumer does not; likewise an idempotent
// producer's first InitProducerId waits for the transaction coordinator to load.
// Usage: node scripts/kafka/ready.js [timeoutSeconds]
'use strict';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = require('kafkajs');

const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const timeoutMs = Number(process.argv[2] || 60) * 1000;
const deadline = Date.now() + timeoutMs;

async function probe() {
  const kafka = new Kafka({
    clientId: 'snf-services-ready',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  // An idempotent producer refuses retries: 0; its own retries ride out a loading coordinator.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 5 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
    await admin.listTopics();
    await admin.describeGroups(['snf-services-ready']);
    await producer.connect();
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

(async () => {
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    try {
      await probe();
      process.exit(0);
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  console.error(`kafka: not usable at ${brokers.join(',')} after ${timeoutMs / 1000}s: ${lastError}`);
  process.exit(1);
})();
